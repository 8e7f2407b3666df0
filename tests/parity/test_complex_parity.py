"""Parity with TensorFlow for complex gradients: each rule's first-order gradient
(under a random complex or real cotangent, so that no part of a rule hides behind
ones), second order where TF has it, dtypes and None-ness."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402

RNG = np.random.default_rng(11)


def _complex(shape, dtype=np.complex128):
    return (RNG.normal(size=shape) + 1j * RNG.normal(size=shape)).astype(dtype)


def _cotangent(y):
    shape, dtype = tuple(y.shape), y.dtype.as_numpy_dtype
    if np.dtype(dtype).kind == "c":
        return _complex(shape, dtype)
    return RNG.normal(size=shape).astype(dtype)


def _grads(m, f, xs, seed, order):
    ts = [m.constant(x) for x in xs]
    with m.GradientTape(persistent=True) as outer:
        outer.watch(ts)
        with m.GradientTape(persistent=True) as tape:
            tape.watch(ts)
            y = f(m, *ts)
        first = tape.gradient(y, ts, output_gradients=m.constant(seed))
        if order == 2:
            # a real scalar of the first gradients, to differentiate again
            total = sum(m.reduce_sum(m.math.real(g * m.math.conj(g)) if g.dtype.is_complex
                                     else g * g) for g in first if g is not None)
    if order == 1:
        return y, first
    return y, outer.gradient(total, ts)


def check(f, *xs, order=1, rtol=1e-6, atol=1e-8):
    """f(m, *tensors) on fasttape and TF: same output, same gradients (same None-ness,
    dtype and values) for one random cotangent."""
    y_tf = f(tensorflow, *[tensorflow.constant(x) for x in xs])
    seed = _cotangent(y_tf)
    want_y, want = _grads(tensorflow, f, xs, seed, order)
    got_y, got = _grads(fasttape, f, xs, seed, order)
    assert got_y.dtype.name == want_y.dtype.name
    np.testing.assert_allclose(np.asarray(got_y), want_y.numpy(), rtol=rtol, atol=atol)
    assert [g is None for g in got] == [g is None for g in want], (got, want)
    for g, w in zip(got, want):
        if w is not None:
            assert g.dtype.name == w.dtype.name
            np.testing.assert_allclose(np.asarray(g), w.numpy(), rtol=rtol, atol=atol)


Z = _complex((3, 4))
W = _complex((3, 4))
M = _complex((3, 3)) + 3 * np.eye(3)
N = _complex((3, 2))
X = RNG.normal(size=(3, 4))
Y = RNG.normal(size=(3, 4))

UNARY = {
    "real": lambda m, z: m.math.real(z),
    "imag": lambda m, z: m.math.imag(z),
    "conj": lambda m, z: m.math.conj(z),
    "abs": lambda m, z: m.abs(z),
    "angle": lambda m, z: m.math.angle(z),
    "neg": lambda m, z: -z,
    "exp": lambda m, z: m.exp(z),
    "expm1": lambda m, z: m.math.expm1(z),
    "log": lambda m, z: m.math.log(z),
    "log1p": lambda m, z: m.math.log1p(z),
    "sqrt": lambda m, z: m.sqrt(z),
    "rsqrt": lambda m, z: m.math.rsqrt(z),
    "square": lambda m, z: m.square(z),
    "reciprocal": lambda m, z: m.math.reciprocal(z),
    "sin": lambda m, z: m.sin(z),
    "cos": lambda m, z: m.cos(z),
    "tan": lambda m, z: m.tan(z),
    "tanh": lambda m, z: m.tanh(z),
    "sigmoid": lambda m, z: m.sigmoid(z),
    "pow_int": lambda m, z: z ** 3,
    "pow_self": lambda m, z: m.pow(z, z),
    "reduce_sum": lambda m, z: m.reduce_sum(z, axis=1),
    "reduce_mean": lambda m, z: m.reduce_mean(z),
    "transpose": lambda m, z: m.transpose(z),
    "reshape": lambda m, z: m.reshape(z, [2, 6]),
    "slice_concat": lambda m, z: m.concat([z[:, 1:], z[:, :1]], axis=1),
    "cast_real": lambda m, z: m.cast(z, m.float64),
    "abs_squared": lambda m, z: m.math.real(z * m.math.conj(z)),
    "real_of_exp": lambda m, z: m.math.real(m.exp(z)) * m.math.imag(z),
    "reduce_prod": lambda m, z: m.reduce_prod(z, axis=1),
    "norm": lambda m, z: m.norm(z),
    "reduce_euclidean_norm": lambda m, z: m.math.reduce_euclidean_norm(z, axis=0),
    "squared_difference": lambda m, z: m.math.squared_difference(z, m.math.conj(z) * 2),
    "divide_no_nan": lambda m, z: m.math.divide_no_nan(z, z * z),
    "cumsum": lambda m, z: m.cumsum(z, axis=1),
    "cumprod": lambda m, z: m.math.cumprod(z, axis=1),
    "trace": lambda m, z: m.linalg.trace(z[:, :3]),
    "reduce_std": lambda m, z: m.math.reduce_std(z),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_rules_match_tensorflow(name):
    check(UNARY[name], Z)


@pytest.mark.parametrize("name", ["real", "imag", "conj", "abs", "exp", "log", "sqrt",
                                  "square", "reciprocal", "tanh", "pow_self", "angle",
                                  "abs_squared"])
def test_second_order_matches_tensorflow(name):
    check(UNARY[name], Z, order=2, rtol=1e-5)


BINARY = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "pow": lambda m, a, b: m.pow(a, b),
    "broadcast_mul": lambda m, a, b: a * b[:1],
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("order", [1, 2])
def test_binary_rules_match_tensorflow(name, order):
    check(BINARY[name], Z, W, order=order, rtol=1e-5)


def test_complex_from_parts_and_cast_from_real_match_tensorflow():
    check(lambda m, x, y: m.complex(x, y) * m.complex(y, x), X, Y, order=2)
    check(lambda m, x: m.cast(x, m.complex128) ** 2, X, order=2)


MATRIX = {
    "matmul": lambda m, a, b: m.matmul(a, b),
    "matmul_adjoint_a": lambda m, a, b: m.matmul(a, b, adjoint_a=True),
    "matmul_adjoint_b": lambda m, a, b: m.matmul(b, a, adjoint_a=True, adjoint_b=True),
    "matmul_transpose_a": lambda m, a, b: m.matmul(a, b, transpose_a=True),
    "matvec": lambda m, a, b: m.linalg.matvec(a, b[:, 0]),
    "matvec_adjoint": lambda m, a, b: m.linalg.matvec(a, b[:, 0], adjoint_a=True),
    "einsum": lambda m, a, b: m.einsum("ij,jk->ik", a, b),
    "tensordot": lambda m, a, b: m.tensordot(a, b, 1),
    "solve": lambda m, a, b: m.linalg.solve(a, b),
    "solve_adjoint": lambda m, a, b: m.linalg.solve(a, b, adjoint=True),
    "triangular_solve": lambda m, a, b: m.linalg.triangular_solve(a, b),
    "triangular_solve_adjoint": lambda m, a, b: m.linalg.triangular_solve(
        a, b, lower=False, adjoint=True),
    "det": lambda m, a, b: m.linalg.det(a) * b,
    "inv": lambda m, a, b: m.linalg.inv(a) @ b,
    "inv_adjoint": lambda m, a, b: m.linalg.inv(a, adjoint=True) @ b,
    "adjoint": lambda m, a, b: m.linalg.adjoint(a) @ b,
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix_rules_match_tensorflow(name):
    check(MATRIX[name], M, N, rtol=1e-5)


@pytest.mark.parametrize("name", ["matmul", "matmul_adjoint_a", "einsum", "inv", "det"])
def test_matrix_second_order_matches_tensorflow(name):
    check(MATRIX[name], M, N, order=2, rtol=1e-5)


def test_complex64_matches_tensorflow():
    z = Z.astype(np.complex64)
    check(lambda m, z: m.exp(z) * m.math.conj(z) / (z + 2), z, rtol=1e-4, atol=1e-5)
    check(lambda m, z: m.abs(z * z), z, rtol=1e-4, atol=1e-5)


def _unconnected(m, f, xs):
    ts = [m.constant(x) for x in xs]
    with m.GradientTape() as tape:
        tape.watch(ts)
        y = f(m, *ts)
    return [g is None for g in tape.gradient(y, ts)]


@pytest.mark.parametrize("f", [
    lambda m, x, y: m.math.imag(m.complex(x, m.zeros_like(y))) + 0 * m.reduce_sum(y),
    lambda m, x, y: m.math.real(m.complex(x, y)),
    lambda m, x, y: m.math.imag(m.complex(x, y)),
    lambda m, x, y: m.abs(m.complex(x, x)),
])
def test_none_versus_zeros_matches_tensorflow(f):
    assert _unconnected(fasttape, f, (X, Y)) == _unconnected(tensorflow, f, (X, Y))


def test_complex_variable_gradient_matches_tensorflow():
    def grad(m):
        v = m.Variable(Z)
        with m.GradientTape() as tape:
            loss = m.reduce_sum(m.abs(v) ** 2) + m.math.real(m.reduce_sum(v * v))
        return tape.gradient(loss, v)
    got, want = grad(fasttape), grad(tensorflow)
    assert got.dtype.name == want.dtype.name
    np.testing.assert_allclose(np.asarray(got), want.numpy(), rtol=1e-10)


C3 = _complex((2, 3, 4))
C_EVEN = _complex((2, 3, 5))
R3 = RNG.normal(size=(2, 3, 6))
R_ODD = RNG.normal(size=(2, 3, 5))

FFTS = {
    "fft": lambda m, z: m.signal.fft(z),
    "ifft": lambda m, z: m.signal.ifft(z),
    "fft2d": lambda m, z: m.signal.fft2d(z),
    "ifft2d": lambda m, z: m.signal.ifft2d(z),
    "fft3d": lambda m, z: m.signal.fft3d(z),
    "ifft3d": lambda m, z: m.signal.ifft3d(z),
    "irfft": lambda m, z: m.signal.irfft(z),
    "irfft_odd": lambda m, z: m.signal.irfft(z, [7]),
    "irfft_cropped": lambda m, z: m.signal.irfft(z, [4]),
    "irfft_padded": lambda m, z: m.signal.irfft(z, [12]),
    "irfft2d": lambda m, z: m.signal.irfft2d(z),
    "irfft2d_odd": lambda m, z: m.signal.irfft2d(z, [3, 5]),
    "irfft3d": lambda m, z: m.signal.irfft3d(z),
    "fft_of_product": lambda m, z: m.signal.fft(z * z) * m.math.conj(z),
}
REAL_FFTS = {
    "rfft": lambda m, x: m.signal.rfft(x),
    "rfft_cropped": lambda m, x: m.signal.rfft(x, [4]),
    "rfft_padded": lambda m, x: m.signal.rfft(x, [9]),
    "rfft2d": lambda m, x: m.signal.rfft2d(x),
    "rfft2d_lengths": lambda m, x: m.signal.rfft2d(x, [4, 5]),
    "rfft3d": lambda m, x: m.signal.rfft3d(x),
    "rfft_round_trip": lambda m, x: m.signal.irfft(m.signal.rfft(x) * m.signal.rfft(x)),
    "stft": lambda m, x: m.signal.stft(m.reshape(x, [3, -1]), 4, 2),
}
# TF has no gradient for these (rfft3d/irfft3d: LookupError) or a broken one (fft_length
# cropping the input, or odd lengths of irfft2d: InvalidArgumentError); fasttape's are
# checked against finite differences in tests/ops/test_complex_gradients.py
TF_FAILS = {"irfft_odd", "irfft_cropped", "irfft2d_odd", "irfft3d", "rfft_cropped",
            "rfft2d_lengths", "rfft3d"}


@pytest.mark.parametrize("name", sorted(set(FFTS) - TF_FAILS))
def test_complex_fft_gradients_match_tensorflow(name):
    check(FFTS[name], C_EVEN if name.startswith("irfft") else C3, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(set(REAL_FFTS) - TF_FAILS))
@pytest.mark.parametrize("x", [R3, R_ODD], ids=["even", "odd"])
def test_real_fft_gradients_match_tensorflow(name, x):
    check(REAL_FFTS[name], x, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(TF_FAILS))
def test_tensorflow_fft_gradient_gaps_get_fasttape_gradients(name):
    f = FFTS.get(name) or REAL_FFTS[name]
    x = C_EVEN if name in FFTS else R3
    with pytest.raises((LookupError, tensorflow.errors.InvalidArgumentError)):
        _grads(tensorflow, f, (x,), _cotangent(f(tensorflow, tensorflow.constant(x))), 1)
    _, grads = _grads(fasttape, f, (x,), _cotangent(f(fasttape, fasttape.constant(x))), 1)
    assert grads[0].shape == x.shape


@pytest.mark.parametrize("name", ["fft", "irfft", "fft_of_product"])
def test_fft_second_order_matches_tensorflow(name):
    check(FFTS[name], C_EVEN if name.startswith("irfft") else C3, order=2, rtol=1e-6)


def test_fft_complex64_matches_tensorflow():
    check(FFTS["fft_of_product"], C3.astype(np.complex64), rtol=1e-4, atol=1e-4)
    check(REAL_FFTS["rfft"], R_ODD.astype(np.float32), rtol=1e-4, atol=1e-4)


FORWARD = {
    "exp": lambda m, z: m.exp(z),
    "mul_conj": lambda m, z: z * z * m.math.conj(z),
    "abs": lambda m, z: m.abs(z),
    "angle": lambda m, z: m.math.angle(z),
    "real_imag": lambda m, z: m.math.real(z) * m.math.imag(z),
    "fft": lambda m, z: m.signal.fft(z),
    "matmul_adjoint": lambda m, z: m.matmul(z, z, adjoint_b=True),
    "sqrt": lambda m, z: m.sqrt(z),
}


@pytest.mark.parametrize("name", sorted(FORWARD))
def test_forward_mode_matches_tensorflow(name):
    tangent = _complex(Z.shape)

    def jvp(m):
        z = m.constant(Z)
        with m.autodiff.ForwardAccumulator(z, m.constant(tangent)) as acc:
            y = FORWARD[name](m, z)
        return acc.jvp(y)
    got, want = jvp(fasttape), jvp(tensorflow)
    assert got.dtype.name == want.dtype.name
    np.testing.assert_allclose(np.asarray(got), want.numpy(), rtol=1e-8, atol=1e-10)
