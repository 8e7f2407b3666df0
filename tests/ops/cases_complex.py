"""Gradcheck cases for complex gradients (fasttape/ops/complex_ops.py, the FFTs in
fasttape/ops/signal.py, and the holomorphic ops on complex inputs).

Each complex input is built from two float64 inputs (its real and imaginary parts)
and each complex output is split into its parts, so the finite differences perturb
real and imaginary parts separately. TF's convention (the gradient of a real loss is
dL/dx + i dL/dy) makes the chain through tf.complex and real/imag exactly the real
Jacobian's transpose: any error in a complex rule's conjugation shows up here.
"""

import fasttape as tf
from tests.ops.gradcheck import NONZERO, Case


def _split(y):
    if y.dtype.is_complex:
        return tf.stack([tf.math.real(y), tf.math.imag(y)])
    return y


def unary(f):
    """f of one complex input, given as (real part, imaginary part)."""
    return lambda x, y: _split(f(tf.complex(x, y)))


def binary(f):
    return lambda a, b, c, d: _split(f(tf.complex(a, b), tf.complex(c, d)))


S = [(2, 3), (2, 3)]
S4 = S + S
M = [(3, 3), (3, 3), (3, 2), (3, 2)]

CASES = [
    Case("_complex", lambda x, y: _split(tf.complex(x, y) * tf.complex(y, x)), shapes=S,
         name="complex_parts"),
    Case("_complex", lambda x: _split(tf.complex(x, x[:1])), shapes=[(2, 3)],
         name="complex_broadcast"),
    Case("_real", unary(lambda z: tf.math.real(z * z)), shapes=S, name="real"),
    Case("_imag", unary(lambda z: tf.math.imag(z * z)), shapes=S, name="imag"),
    Case("_conj", unary(lambda z: tf.math.conj(z) * z * z), shapes=S, name="conj"),
    Case("_angle", unary(tf.math.angle), shapes=S, domain=NONZERO, name="angle"),
    Case("abs", unary(tf.abs), shapes=S, domain=NONZERO, name="abs_complex"),
    Case("_cast", unary(lambda z: tf.cast(z, tf.float64) * tf.math.imag(z)), shapes=S,
         name="cast_complex_to_real"),
    Case("_cast", lambda x: _split(tf.cast(x, tf.complex128) ** 2), shapes=[(2, 3)],
         name="cast_real_to_complex"),
    Case("multiply", binary(lambda a, b: a * b), shapes=S4, name="multiply_complex"),
    Case("truediv", binary(lambda a, b: a / b), shapes=S4, domain=NONZERO,
         name="truediv_complex"),
    Case("pow", binary(tf.pow), shapes=S4, domain=NONZERO, name="pow_complex"),
    Case("add", binary(lambda a, b: (a + b) * (a - b)), shapes=S4, name="add_sub_complex"),
    Case("negative", unary(lambda z: -z * z), shapes=S, name="negative_complex"),
    Case("exp", unary(tf.exp), shapes=S, name="exp_complex"),
    Case("log", unary(tf.math.log), shapes=S, domain=NONZERO, name="log_complex"),
    Case("sqrt", unary(tf.sqrt), shapes=S, domain=NONZERO, name="sqrt_complex"),
    Case("rsqrt", unary(tf.math.rsqrt), shapes=S, domain=NONZERO, name="rsqrt_complex"),
    Case("square", unary(tf.square), shapes=S, name="square_complex"),
    Case("reciprocal", unary(tf.math.reciprocal), shapes=S, domain=NONZERO,
         name="reciprocal_complex"),
    Case("tanh", unary(tf.tanh), shapes=S, domain=(-1.0, 1.0), name="tanh_complex"),
    Case("sin", unary(tf.sin), shapes=S, name="sin_complex"),
    Case("_sum", unary(lambda z: tf.reduce_sum(z * z, axis=0)), shapes=S,
         name="reduce_sum_complex"),
    Case("_mean", unary(lambda z: tf.reduce_mean(z * z)), shapes=S,
         name="reduce_mean_complex"),
    Case("_matmul", binary(tf.matmul), shapes=M, name="matmul_complex"),
    Case("_matmul_t", binary(lambda a, b: tf.matmul(a, b, adjoint_a=True)), shapes=M,
         name="matmul_adjoint_complex"),
    Case("_matvec", binary(lambda a, b: tf.linalg.matvec(a, b[:, 0], adjoint_a=True)),
         shapes=M, name="matvec_adjoint_complex"),
    Case("_einsum", binary(lambda a, b: tf.einsum("ij,jk->ik", a, b)), shapes=M,
         name="einsum_complex"),
    Case("_inv", binary(lambda a, b: tf.linalg.inv(a + 3, adjoint=True) @ b), shapes=M,
         name="inv_adjoint_complex"),
    Case("_solve", binary(lambda a, b: tf.linalg.solve(a + 3, b, adjoint=True)), shapes=M,
         name="solve_adjoint_complex"),
    Case("_transpose", unary(lambda z: tf.transpose(z, conjugate=True) * z[0, 0]), shapes=S,
         name="transpose_conjugate"),
    Case("_matrix_transpose", unary(lambda z: tf.linalg.adjoint(z) * z[0, 0]), shapes=S,
         name="adjoint_complex"),
    # FFTs: both parts of a complex input and output, odd and even lengths
    Case("_fft", unary(lambda z: tf.signal.fft(z) * z), shapes=S, name="fft"),
    Case("_fft", unary(tf.signal.ifft2d), shapes=S, name="ifft2d", order=1),
    Case("_fft", unary(lambda z: tf.signal.fftnd(z, axes=[0], norm="ortho")), shapes=S,
         name="fftnd_axis0_ortho", order=1),
    Case("_resize", unary(lambda z: tf.signal.fftnd(z, fft_length=[2, 4])), shapes=S,
         name="fftnd_padded", order=1),
    Case("_rfft", lambda x: _split(tf.signal.rfft(x) ** 2), shapes=[(2, 5)], name="rfft"),
    Case("_rfft", lambda x: _split(tf.signal.rfft(x, [4])), shapes=[(2, 5)],
         name="rfft_cropped", order=1),
    Case("_rfft", lambda x: _split(tf.signal.rfft3d(x)), shapes=[(2, 3, 4)], name="rfft3d",
         order=1),
    Case("_rfft", lambda x: _split(tf.signal.rfftnd(x, [3, 4], norm="forward")),
         shapes=[(2, 3)], name="rfftnd_padded_forward", order=1),
    Case("_irfft", unary(lambda z: tf.signal.irfft(z) ** 2), shapes=[(2, 4), (2, 4)],
         name="irfft"),
    Case("_irfft", unary(lambda z: tf.signal.irfft(z, [7])), shapes=[(2, 4), (2, 4)],
         name="irfft_odd_padded", order=1),
    Case("_irfft", unary(lambda z: tf.signal.irfft2d(z, [3, 5])), shapes=[(2, 4), (2, 4)],
         name="irfft2d_cropped", order=1),
    Case("_irfft", unary(lambda z: tf.signal.irfftnd(z, axes=[0, 1], norm="ortho")),
         shapes=[(3, 4), (3, 4)], name="irfftnd_ortho", order=1),
]

CASES += [
    Case("_prod", unary(lambda z: tf.reduce_prod(z, axis=1)), shapes=S,
         name="reduce_prod_complex"),
    Case("_div_no_nan", binary(tf.math.divide_no_nan), shapes=S4, domain=NONZERO,
         name="divide_no_nan_complex"),
    # the value is real (in a complex dtype); TF's rules for these two pass the
    # imaginary part of a cotangent on as well, so only the real part is checked
    Case("_euclidean_norm",
         unary(lambda z: tf.math.real(tf.math.reduce_euclidean_norm(z, axis=0))),
         shapes=S, domain=NONZERO, name="euclidean_norm_complex", order=1),
    Case("squared_difference",
         binary(lambda a, b: tf.math.real(tf.math.squared_difference(a, b))), shapes=S4,
         name="squared_difference_complex", order=1),
]
