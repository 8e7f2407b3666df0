"""Trace safety of every public numeric function.

fasttape.function runs a function once and replays the ops it recorded. A function
that reads a tensor's value in Python (a permutation turned into a constant, a loop
count, a value-dependent shape) without an op, a guard or `untraceable()` would replay
a stale value. Each function here is traced on input A and called on input B (same
shapes and dtypes, other values); the result must equal eager execution on B.

The gradcheck cases (tests/ops/cases_*.py) are run this way by test_traced_cases.py;
this file covers the rest, and `test_every_public_function_is_covered` fails when a
public function has neither a case nor a reasoned exclusion.
"""

import inspect
import types

import numpy as np
import pytest

import fasttape as tf
from tests.ops.test_gradcheck import CASES

NAMESPACES = {
    "": tf, "math": tf.math, "nn": tf.nn, "linalg": tf.linalg, "signal": tf.signal,
    "sparse": tf.sparse, "bitwise": tf.bitwise, "debugging": tf.debugging,
    "random": tf.random, "keras.losses": tf.keras.losses,
    "keras.activations": tf.keras.activations,
}


def _public(name):
    obj = tf
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _public_functions():
    """{id: (function, [public names])} over the namespaces, aliases merged."""
    found = {}
    for ns, mod in NAMESPACES.items():
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for name in sorted(names):
            obj = getattr(mod, name, None)
            if isinstance(obj, types.ModuleType) or inspect.isclass(obj) or not callable(obj):
                continue
            # keras modules import helpers (tf ops, numpy) that are not theirs
            if ns.startswith("keras") and not getattr(obj, "__module__", "").startswith(mod.__name__):
                continue
            found.setdefault(id(obj), (obj, []))[1].append(f"{ns}.{name}" if ns else name)
    return found


# ---- input makers: rng -> numpy array --------------------------------------------------

def F(*shape, lo=-2.0, hi=2.0):
    return lambda rng: rng.uniform(lo, hi, shape)


def P(*shape):                        # positive
    return F(*shape, lo=0.2, hi=2.0)


def U(*shape):                        # probabilities in (0, 1)
    return F(*shape, lo=0.05, hi=0.95)


def I(lo, hi, *shape, dtype=np.int32):
    return lambda rng: rng.integers(lo, hi, shape).astype(dtype)


def B(*shape):
    return lambda rng: rng.random(shape) < 0.5


def SPARSE(*shape):                   # floats with about half the entries zero
    return lambda rng: np.where(rng.random(shape) < 0.5, 0.0, rng.uniform(-2, 2, shape))


def SORTED(*shape):
    return lambda rng: np.sort(rng.uniform(-2, 2, shape), axis=-1)


def C(*shape):                        # complex128
    return lambda rng: rng.uniform(-2, 2, shape) + 1j * rng.uniform(-2, 2, shape)


def SPD(n):
    def make(rng):
        a = rng.uniform(-1, 1, (n, n))
        return a @ a.T + n * np.eye(n)
    return make


def RANKDEF(n):                       # rank varies with the draw
    def make(rng):
        r = int(rng.integers(1, n + 1))
        return rng.uniform(-1, 1, (n, r)) @ rng.uniform(-1, 1, (r, n))
    return make


def LABELS(n, k):                     # one-hot rows
    return lambda rng: np.eye(k)[rng.integers(0, k, n)]


def SEED():
    return I(0, 2**31 - 1, 2)


def SORTED_IDS(rng):                 # sorted segment ids
    return np.sort(rng.integers(0, 3, 3)).astype(np.int32)


def SORTED_IDS5(rng):
    return np.sort(rng.integers(0, 4, 5)).astype(np.int32)


def sp(x):                            # a SparseTensor from a dense input
    return tf.sparse.from_dense(x)


# Functions taking one float64 (3, 4) input.
UNARY = """
    argmax argmin argsort floor guarantee_const identity_n negative ones_like rank round
    shape shape_n size stop_gradient zeros_like math.angle math.ceil math.conj
    math.count_nonzero math.imag math.is_finite math.is_inf math.is_nan
    math.is_non_decreasing math.is_strictly_increasing math.real math.rint
    math.zero_fraction nn.compute_average_loss nn.crelu nn.scale_regularization_loss
    linalg.normalize signal.dct signal.fftshift signal.idct signal.ifftshift
    signal.rfft signal.rfft2d signal.rfftnd debugging.is_numeric_tensor
    keras.activations.celu keras.activations.elu keras.activations.exponential
    keras.activations.gelu keras.activations.glu keras.activations.hard_shrink
    keras.activations.hard_sigmoid keras.activations.hard_silu keras.activations.hard_tanh
    keras.activations.leaky_relu keras.activations.linear keras.activations.log_sigmoid
    keras.activations.log_softmax keras.activations.mish keras.activations.relu
    keras.activations.relu6 keras.activations.selu keras.activations.sigmoid
    keras.activations.silu keras.activations.soft_shrink keras.activations.softmax
    keras.activations.softplus keras.activations.softsign keras.activations.sparse_plus
    keras.activations.sparse_sigmoid keras.activations.sparsemax
    keras.activations.squareplus keras.activations.tanh keras.activations.tanh_shrink
""".split()

# Functions taking two float64 (3, 4) inputs.
BINARY = """
    add atan2 divide equal floordiv greater greater_equal less less_equal multiply
    not_equal truediv truncatediv truncatemod
""".split()

# Keras losses: (y_true, y_pred) with y_true one-hot and y_pred probabilities.
LOSSES = """
    keras.losses.KLD keras.losses.MAE keras.losses.MAPE keras.losses.MSE keras.losses.MSLE
    keras.losses.binary_crossentropy keras.losses.binary_focal_crossentropy
    keras.losses.categorical_crossentropy keras.losses.categorical_focal_crossentropy
    keras.losses.categorical_hinge
    keras.losses.cosine_similarity keras.losses.dice keras.losses.hinge keras.losses.huber
    keras.losses.log_cosh keras.losses.poisson keras.losses.squared_hinge
    keras.losses.tversky
""".split()

# name -> (function of the tensor inputs, [input makers])
SPECIAL = {
    "approx_top_k": (lambda x: tf.approx_top_k(x, 2), [F(3, 5)]),
    "math.approx_max_k": (lambda x: tf.math.approx_max_k(x, 2), [F(3, 5)]),
    "math.approx_min_k": (lambda x: tf.math.approx_min_k(x, 2), [F(3, 5)]),
    "bitcast": (lambda x: tf.bitcast(x, tf.int64), [F(3, 4)]),
    "complex": (tf.complex, [F(3, 4), F(3, 4)]),
    "ensure_shape": (lambda x: tf.ensure_shape(x, (3, 4)), [F(3, 4)]),
    "eye": (lambda x: tf.eye(3, dtype=tf.float64) * x, [F(3, 3)]),
    "ones": (lambda x: tf.ones((3, 4), tf.float64) + x, [F(3, 4)]),
    "zeros": (lambda x: tf.zeros((3, 4), tf.float64) + x, [F(3, 4)]),
    "range": (lambda x: tf.range(4, dtype=tf.float64) * x, [F(3, 4)]),
    "histogram_fixed_width": (lambda x: tf.histogram_fixed_width(x, [-2.0, 2.0], nbins=5),
                              [F(20)]),
    "histogram_fixed_width_bins": (
        lambda x: tf.histogram_fixed_width_bins(x, [-2.0, 2.0], nbins=5), [F(20)]),
    "logical_and": (tf.logical_and, [B(3, 4), B(3, 4)]),
    "logical_or": (tf.logical_or, [B(3, 4), B(3, 4)]),
    "logical_xor": (tf.logical_xor, [B(3, 4), B(3, 4)]),
    "logical_not": (tf.logical_not, [B(3, 4)]),
    "reduce_all": (lambda x: tf.reduce_all(x, axis=1), [B(3, 4)]),
    "reduce_any": (lambda x: tf.reduce_any(x, axis=1), [B(3, 4)]),
    "one_hot": (lambda i: tf.one_hot(i, 5), [I(0, 5, 6)]),
    "saturate_cast": (lambda x: tf.saturate_cast(x * 100, tf.int8), [F(3, 4)]),
    "searchsorted": (tf.searchsorted, [SORTED(2, 6), F(2, 4)]),
    "sequence_mask": (lambda n: tf.sequence_mask(n, 6), [I(0, 7, 4)]),
    "unique": (lambda x: tf.unique(x), [I(0, 5, 8)]),
    "unique_with_counts": (lambda x: tf.unique_with_counts(x), [I(0, 5, 8)]),
    "unravel_index": (lambda i: tf.unravel_index(i, [3, 4]), [I(0, 12, 5)]),
    "broadcast_dynamic_shape": (
        lambda x, y: tf.broadcast_dynamic_shape(tf.shape(x), tf.shape(y)), [F(3, 1), F(1, 4)]),
    "cond": (lambda p, x: tf.cond(p, lambda: x * 2.0, lambda: x - 1.0), [B(), F(3)]),
    "case": (lambda p, x: tf.case([(p, lambda: x * 2.0)], default=lambda: x - 1.0),
             [B(), F(3)]),
    "switch_case": (lambda i, x: tf.switch_case(i, [lambda: x * 2.0, lambda: x - 1.0,
                                                    lambda: x * x]), [I(0, 3), F(3)]),
    "while_loop": (lambda n, x: tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 1.5),
                                              (tf.constant(0), x)), [I(0, 5), F(3)]),
    "foldr": (lambda x: tf.foldr(lambda a, b: a * b + 1.0, x), [F(5)]),
    "vectorized_map": (lambda x: tf.vectorized_map(lambda r: tf.reduce_max(r) * r, x),
                       [F(3, 4)]),
    "custom_gradient": (lambda x: tf.custom_gradient(lambda y: (y * y, lambda g: g))(x),
                        [F(3)]),
    "recompute_grad": (lambda x: tf.recompute_grad(lambda y: tf.sin(y) * y)(x), [F(3)]),
    "grad_pass_through": (lambda x: tf.grad_pass_through(tf.round)(x), [F(3)]),
    "math.bincount": (lambda x: tf.math.bincount(x), [I(0, 6, 10)]),
    "math.confusion_matrix": (lambda a, b: tf.math.confusion_matrix(a, b),
                              [I(0, 4, 10), I(0, 4, 10)]),
    "math.in_top_k": (lambda t, p: tf.math.in_top_k(t, tf.cast(p, tf.float32), 2),
                      [I(0, 5, 3), F(3, 5)]),
    "nn.in_top_k": (lambda t, p: tf.nn.in_top_k(t, tf.cast(p, tf.float32), 2),
                    [I(0, 5, 3), F(3, 5)]),
    "keras.losses.sparse_categorical_crossentropy": (
        tf.keras.losses.sparse_categorical_crossentropy, [I(0, 4, 3), U(3, 4)]),
    "keras.losses.categorical_generalized_cross_entropy": (
        lambda t, p: tf.keras.losses.categorical_generalized_cross_entropy(t, p, q=0.5),
        [I(0, 4, 3), U(3, 4)]),
    "nn.zero_fraction": (tf.nn.zero_fraction, [SPARSE(3, 4)]),
    # the Python body reads values (numpy), so a traced caller must run it every call
    "py_function": (lambda x: tf.py_function(lambda t: t * float(tf.reduce_sum(t)), [x],
                                             tf.float64), [F(3)]),
    "numpy_function": (lambda x: tf.numpy_function(lambda a: a * a.sum(), [x], tf.float64),
                       [F(3)]),
    "keras.losses.circle": (tf.keras.losses.circle, [I(0, 3, 6), F(6, 4)]),
    # labels in 1..4 (0 is the blank and the padding), logits of 5 classes over 6 steps
    "keras.losses.ctc": (tf.keras.losses.ctc, [I(1, 5, 2, 3), F(2, 6, 5)]),
    **{f"math.{op}": (getattr(tf.math, op), [F(5, 2), SORTED_IDS5])
       for op in ("segment_max", "segment_mean", "segment_min", "segment_prod",
                  "segment_sum")},
    **{f"math.{op}": (lambda d, i, _op=getattr(tf.math, op): _op(d, i, 4), [F(5, 2), I(0, 4, 5)])
       for op in ("unsorted_segment_max", "unsorted_segment_mean", "unsorted_segment_min",
                  "unsorted_segment_sqrt_n", "unsorted_segment_sum")},
    "math.invert_permutation": (tf.math.invert_permutation,
                                [lambda rng: rng.permutation(6).astype(np.int32)]),
    "math.sobol_sample": (lambda x: tf.math.sobol_sample(2, 4, dtype=tf.float64) + x,
                          [F(4, 2)]),
    "linalg.banded_triangular_solve": (tf.linalg.banded_triangular_solve,
                                       [lambda rng: np.concatenate(
                                           [rng.uniform(-1, 1, (1, 4)),
                                            rng.uniform(1, 2, (1, 4))]), F(4, 2)]),
    "linalg.eig": (lambda x: tf.linalg.eig(x), [F(3, 3)]),
    "linalg.eigvals": (tf.linalg.eigvals, [F(3, 3)]),
    "linalg.eigh_tridiagonal": (tf.linalg.eigh_tridiagonal, [F(4), F(3)]),
    "linalg.expm": (tf.linalg.expm, [F(3, 3)]),
    "linalg.logm": (lambda x: tf.linalg.logm(tf.cast(x, tf.complex128)), [SPD(3)]),
    "linalg.global_norm": (lambda a, b: tf.linalg.global_norm([a, b]), [F(3), F(2, 2)]),
    "linalg.lstsq": (tf.linalg.lstsq, [F(4, 3), F(4, 2)]),
    "linalg.matrix_rank": (tf.linalg.matrix_rank, [RANKDEF(4)]),
    "linalg.tensor_diag": (tf.linalg.tensor_diag, [F(3)]),
    "linalg.tensor_diag_part": (tf.linalg.tensor_diag_part, [F(3, 3)]),
    "linalg.tridiagonal_matmul": (lambda d, r: tf.linalg.tridiagonal_matmul(
        d, r, diagonals_format="compact"), [F(3, 4), F(4, 2)]),
    "linalg.tridiagonal_solve": (tf.linalg.tridiagonal_solve, [F(3, 4), F(4, 2)]),
    "nn.atrous_conv2d": (lambda x, f: tf.nn.atrous_conv2d(x, f, 2, "SAME"),
                         [F(1, 6, 6, 2), F(2, 2, 2, 3)]),
    "nn.atrous_conv2d_transpose": (lambda x, f: tf.nn.atrous_conv2d_transpose(
        x, f, [1, 6, 6, 2], 2, "SAME"), [F(1, 6, 6, 3), F(2, 2, 2, 3)]),
    "nn.avg_pool1d": (lambda x: tf.nn.avg_pool1d(x, 2, 2, "VALID"), [F(1, 6, 2)]),
    "nn.avg_pool3d": (lambda x: tf.nn.avg_pool3d(x, 2, 2, "VALID"), [F(1, 4, 4, 4, 1)]),
    "nn.max_pool": (lambda x: tf.nn.max_pool(x, 2, 2, "VALID"), [F(1, 4, 4, 1)]),
    "nn.max_pool3d": (lambda x: tf.nn.max_pool3d(x, 2, 2, "VALID"), [F(1, 4, 4, 4, 1)]),
    "nn.max_pool_with_argmax": (lambda x: tf.nn.max_pool_with_argmax(x, 2, 2, "VALID"),
                                [F(1, 4, 4, 2)]),
    "nn.pool": (lambda x: tf.nn.pool(x, [2, 2], "MAX", strides=[2, 2]), [F(1, 4, 4, 1)]),
    "nn.conv1d_transpose": (lambda x, f: tf.nn.conv1d_transpose(x, f, [1, 6, 2], 1),
                            [F(1, 6, 3), F(2, 2, 3)]),
    "nn.conv3d_transpose": (lambda x, f: tf.nn.conv3d_transpose(x, f, [1, 3, 3, 3, 2], 1),
                            [F(1, 3, 3, 3, 3), F(2, 2, 2, 2, 3)]),
    "nn.conv_transpose": (lambda x, f: tf.nn.conv_transpose(x, f, [1, 4, 4, 2], 1),
                          [F(1, 4, 4, 3), F(2, 2, 2, 3)]),
    "nn.convolution": (lambda x, f: tf.nn.convolution(x, f, padding="SAME"),
                       [F(1, 4, 4, 2), F(2, 2, 2, 3)]),
    "nn.depthwise_conv2d_backprop_input": (
        lambda f, g: tf.nn.depthwise_conv2d_backprop_input([1, 4, 4, 2], f, g, [1, 1, 1, 1],
                                                           "SAME"),
        [F(2, 2, 2, 1), F(1, 4, 4, 2)]),
    "nn.separable_conv2d": (lambda x, d, p: tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1],
                                                                   "SAME"),
                            [F(1, 4, 4, 2), F(2, 2, 2, 1), F(1, 1, 2, 3)]),
    "nn.depth_to_space": (lambda x: tf.nn.depth_to_space(x, 2), [F(1, 2, 2, 4)]),
    "nn.space_to_depth": (lambda x: tf.nn.space_to_depth(x, 2), [F(1, 4, 4, 1)]),
    "required_space_to_batch_paddings": (
        lambda s, b: tf.required_space_to_batch_paddings(s, [2, 3], b),
        [I(0, 9, 2), I(0, 3, 2, 2)]),
    "nn.space_to_batch": (lambda x: tf.nn.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]),
                          [F(1, 4, 4, 1)]),
    "nn.batch_normalization": (lambda x, m, v: tf.nn.batch_normalization(x, m, v, None, None,
                                                                         1e-3),
                               [F(3, 4), F(4), P(4)]),
    "nn.batch_norm_with_global_normalization": (
        lambda x, m, v, b, g: tf.nn.batch_norm_with_global_normalization(x, m, v, b, g, 1e-3,
                                                                         True),
        [F(2, 2, 2, 3), F(3), P(3), F(3), F(3)]),
    "nn.local_response_normalization": (tf.nn.local_response_normalization,
                                        [F(1, 2, 2, 4)]),
    "nn.moments": (lambda x: tf.nn.moments(x, [0]), [F(3, 4)]),
    "nn.weighted_moments": (lambda x, w: tf.nn.weighted_moments(x, [0], w), [F(3, 4), P(3, 4)]),
    "nn.sufficient_statistics": (lambda x: tf.nn.sufficient_statistics(x, [0]), [F(3, 4)]),
    "nn.normalize_moments": (lambda c, m, v: tf.nn.normalize_moments(c, m, v, None),
                             [P(), F(4), P(4)]),
    "nn.log_poisson_loss": (tf.nn.log_poisson_loss, [P(3, 4), F(3, 4)]),
    "nn.weighted_cross_entropy_with_logits": (
        lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 2.0), [U(3, 4), F(3, 4)]),
    "nn.collapse_repeated": (tf.nn.collapse_repeated, [I(0, 3, 2, 6), I(1, 7, 2)]),
    "nn.ctc_unique_labels": (tf.nn.ctc_unique_labels, [I(0, 4, 2, 6)]),
    "signal.fft": (tf.signal.fft, [C(3, 4)]),
    "signal.fft2d": (tf.signal.fft2d, [C(3, 4)]),
    "signal.fft3d": (tf.signal.fft3d, [C(2, 3, 4)]),
    "signal.fftnd": (tf.signal.fftnd, [C(3, 4)]),
    "signal.ifft": (tf.signal.ifft, [C(3, 4)]),
    "signal.ifft2d": (tf.signal.ifft2d, [C(3, 4)]),
    "signal.ifft3d": (tf.signal.ifft3d, [C(2, 3, 4)]),
    "signal.ifftnd": (tf.signal.ifftnd, [C(3, 4)]),
    "signal.irfft": (tf.signal.irfft, [C(3, 4)]),
    "signal.irfft2d": (tf.signal.irfft2d, [C(3, 4)]),
    "signal.irfft3d": (tf.signal.irfft3d, [C(2, 3, 4)]),
    "signal.irfftnd": (tf.signal.irfftnd, [C(3, 4)]),
    "signal.rfft3d": (tf.signal.rfft3d, [F(2, 3, 4)]),
    "fftnd": (lambda x: tf.fftnd(x, [3, 5], [0, 1]), [C(3, 4)]),
    "ifftnd": (lambda x: tf.ifftnd(x, [4], [-1]), [C(3, 4)]),
    "rfftnd": (lambda x: tf.rfftnd(x, [3, 4], [0, 1], Tcomplex=tf.complex128), [F(3, 4)]),
    "irfftnd": (lambda x: tf.irfftnd(x, [3, 6], [0, 1], Treal=tf.float64), [C(3, 4)]),
    "signal.inverse_mdct": (tf.signal.inverse_mdct, [F(3, 4)]),
    "signal.hamming_window": (lambda x: tf.signal.hamming_window(4, dtype=tf.float64) * x,
                              [F(4)]),
    "signal.hann_window": (lambda x: tf.signal.hann_window(4, dtype=tf.float64) * x, [F(4)]),
    "signal.kaiser_window": (lambda x: tf.signal.kaiser_window(4, dtype=tf.float64) * x,
                             [F(4)]),
    "signal.kaiser_bessel_derived_window": (
        lambda x: tf.signal.kaiser_bessel_derived_window(4, dtype=tf.float64) * x, [F(4)]),
    "signal.vorbis_window": (lambda x: tf.signal.vorbis_window(4, dtype=tf.float64) * x,
                             [F(4)]),
    "signal.linear_to_mel_weight_matrix": (
        lambda x: tf.signal.linear_to_mel_weight_matrix(4, 5, dtype=tf.float64) * x,
        [F(5, 4)]),
    "signal.mfccs_from_log_mel_spectrograms": (tf.signal.mfccs_from_log_mel_spectrograms,
                                               [F(3, 4)]),
    "signal.stft": (lambda x: tf.signal.stft(x, 4, 2), [F(10)]),
    "signal.inverse_stft": (lambda x: tf.signal.inverse_stft(x, 4, 2), [C(4, 3)]),
    "signal.inverse_stft_window_fn": (
        lambda x: tf.signal.inverse_stft_window_fn(2)(4, dtype=tf.float64) * x, [F(4)]),
    "sparse.from_dense": (lambda x: sp(x), [SPARSE(3, 4)]),
    "sparse.to_dense": (lambda x: tf.sparse.to_dense(sp(x)), [SPARSE(3, 4)]),
    "sparse.add": (lambda x, y: tf.sparse.add(sp(x), sp(y)), [SPARSE(3, 4), SPARSE(3, 4)]),
    "sparse.maximum": (lambda x, y: tf.sparse.maximum(sp(x), sp(y)),
                       [SPARSE(3, 4), SPARSE(3, 4)]),
    "sparse.minimum": (lambda x, y: tf.sparse.minimum(sp(x), sp(y)),
                       [SPARSE(3, 4), SPARSE(3, 4)]),
    "sparse.bincount": (lambda x: tf.sparse.bincount(x), [I(0, 5, 3, 4)]),
    "sparse.concat": (lambda x, y: tf.sparse.concat(1, [sp(x), sp(y)]),
                      [SPARSE(3, 4), SPARSE(3, 2)]),
    "sparse.expand_dims": (lambda x: tf.sparse.expand_dims(sp(x), 0), [SPARSE(3, 4)]),
    "sparse.eye": (lambda x: tf.sparse.to_dense(tf.sparse.eye(3, dtype=tf.float64)) * x,
                   [F(3, 3)]),
    "sparse.fill_empty_rows": (lambda x: tf.sparse.fill_empty_rows(sp(x), 7.0),
                               [SPARSE(4, 2)]),
    "sparse.map_values": (lambda x: tf.sparse.map_values(tf.square, sp(x)), [SPARSE(3, 4)]),
    "sparse.mask": (lambda x: tf.sparse.mask(tf.IndexedSlices(x, tf.constant([0, 2])),
                                             tf.constant([2])), [F(2, 3)]),
    "sparse.reduce_max": (lambda x: tf.sparse.reduce_max(sp(x), 1), [SPARSE(3, 4)]),
    "sparse.reduce_sum": (lambda x: tf.sparse.reduce_sum(sp(x), 1), [SPARSE(3, 4)]),
    "sparse.reorder": (lambda x: tf.sparse.reorder(sp(x)), [SPARSE(3, 4)]),
    "sparse.reset_shape": (lambda x: tf.sparse.reset_shape(sp(x)), [SPARSE(3, 4)]),
    "sparse.reshape": (lambda x: tf.sparse.reshape(sp(x), [4, 3]), [SPARSE(3, 4)]),
    "sparse.retain": (lambda x, k: tf.sparse.retain(sp(x), k[:tf.size(sp(x).values)]),
                      [SPARSE(3, 4), B(12)]),
    "sparse.segment_mean": (tf.sparse.segment_mean, [F(4, 2), I(0, 4, 3), SORTED_IDS]),
    "sparse.segment_sqrt_n": (tf.sparse.segment_sqrt_n, [F(4, 2), I(0, 4, 3), SORTED_IDS]),
    "sparse.segment_sum": (tf.sparse.segment_sum, [F(4, 2), I(0, 4, 3), SORTED_IDS]),
    "sparse.slice": (lambda x: tf.sparse.slice(sp(x), [1, 0], [2, 3]), [SPARSE(3, 4)]),
    "sparse.softmax": (lambda x: tf.sparse.softmax(sp(x)), [SPARSE(3, 4)]),
    "sparse.sparse_dense_matmul": (lambda x, y: tf.sparse.sparse_dense_matmul(sp(x), y),
                                   [SPARSE(3, 4), F(4, 2)]),
    "sparse.split": (lambda x: tf.sparse.split(sp_input=sp(x), num_split=2, axis=1),
                     [SPARSE(3, 4)]),
    "sparse.to_indicator": (lambda i: tf.sparse.to_indicator(sp(i), 6), [I(0, 6, 3, 4)]),
    "sparse.transpose": (lambda x: tf.sparse.transpose(sp(x)), [SPARSE(3, 4)]),
    "bitwise.bitwise_and": (tf.bitwise.bitwise_and, [I(0, 64, 3, 4), I(0, 64, 3, 4)]),
    "bitwise.bitwise_or": (tf.bitwise.bitwise_or, [I(0, 64, 3, 4), I(0, 64, 3, 4)]),
    "bitwise.bitwise_xor": (tf.bitwise.bitwise_xor, [I(0, 64, 3, 4), I(0, 64, 3, 4)]),
    "bitwise.invert": (tf.bitwise.invert, [I(0, 64, 3, 4)]),
    "bitwise.left_shift": (tf.bitwise.left_shift, [I(0, 64, 3, 4), I(0, 8, 3, 4)]),
    "bitwise.right_shift": (tf.bitwise.right_shift, [I(0, 64, 3, 4), I(0, 8, 3, 4)]),
    "random.stateless_uniform": (lambda s: tf.random.stateless_uniform([3, 4], s), [SEED()]),
    "random.stateless_normal": (lambda s: tf.random.stateless_normal([3, 4], s), [SEED()]),
    "random.stateless_truncated_normal": (
        lambda s: tf.random.stateless_truncated_normal([3, 4], s), [SEED()]),
    "random.stateless_parameterized_truncated_normal": (
        lambda s: tf.random.stateless_parameterized_truncated_normal([3, 4], s), [SEED()]),
    "random.stateless_binomial": (
        lambda s, p: tf.random.stateless_binomial([3, 4], s, 10.0, p), [SEED(), U(3, 4)]),
    "random.stateless_categorical": (
        lambda s, x: tf.random.stateless_categorical(x, 5, s), [SEED(), F(3, 4)]),
    "random.stateless_gamma": (lambda s, a: tf.random.stateless_gamma([3, 4], s, a,
                                                                      dtype=tf.float64),
                               [SEED(), P(3, 4)]),
    "random.stateless_poisson": (lambda s, lam: tf.random.stateless_poisson([3, 4], s, lam),
                                 [SEED(), P(3, 4)]),
    "random.fold_in": (lambda s, d: tf.random.fold_in(s, d), [SEED(), I(0, 1000, dtype=np.int64)]),
    "random.split": (lambda s: tf.random.split(s, 3), [SEED()]),
    "debugging.Assert": (lambda x: tf.debugging.Assert(tf.reduce_all(x > -3.0), [x]), [F(3)]),
    "assert_equal": (lambda x: tf.debugging.assert_equal(x, x), [F(3)]),
    "assert_greater": (lambda x: tf.debugging.assert_greater(x + 3.0, x), [F(3)]),
    "assert_less": (lambda x: tf.debugging.assert_less(x, x + 3.0), [F(3)]),
    "debugging.assert_greater_equal": (
        lambda x: tf.debugging.assert_greater_equal(x, x), [F(3)]),
    "debugging.assert_less_equal": (lambda x: tf.debugging.assert_less_equal(x, x), [F(3)]),
    "debugging.assert_near": (lambda x: tf.debugging.assert_near(x, x * (1 + 1e-15)), [F(3)]),
    "debugging.assert_none_equal": (lambda x: tf.debugging.assert_none_equal(x, x + 1.0),
                                    [F(3)]),
    "debugging.assert_negative": (lambda x: tf.debugging.assert_negative(-x), [P(3)]),
    "debugging.assert_positive": (lambda x: tf.debugging.assert_positive(x), [P(3)]),
    "debugging.assert_non_negative": (lambda x: tf.debugging.assert_non_negative(x), [P(3)]),
    "debugging.assert_non_positive": (lambda x: tf.debugging.assert_non_positive(-x), [P(3)]),
    "assert_rank": (lambda x: tf.debugging.assert_rank(x, 2), [F(3, 4)]),
    "debugging.assert_rank_at_least": (lambda x: tf.debugging.assert_rank_at_least(x, 1),
                                       [F(3, 4)]),
    "debugging.assert_rank_in": (lambda x: tf.debugging.assert_rank_in(x, [1, 2]), [F(3, 4)]),
    "debugging.assert_integer": (lambda i: tf.debugging.assert_integer(i), [I(0, 3, 3)]),
    "debugging.assert_scalar": (lambda x: tf.debugging.assert_scalar(x), [F()]),
    "debugging.assert_shapes": (lambda x, y: tf.debugging.assert_shapes(
        [(x, ("N", "M")), (y, ("N",))]), [F(3, 4), F(3)]),
    "debugging.assert_type": (lambda x: tf.debugging.assert_type(x, tf.float64), [F(3)]),
    "debugging.assert_same_float_dtype": (
        lambda x, y: tf.debugging.assert_same_float_dtype([x, y]), [F(3), F(3)]),
}

# name -> why it is not run here
EXCLUDED = {
    **dict.fromkeys(
        "random.normal random.uniform random.truncated_normal random.gamma random.poisson "
        "random.categorical random.shuffle nn.dropout random.all_candidate_sampler "
        "random.fixed_unigram_candidate_sampler random.log_uniform_candidate_sampler "
        "random.uniform_candidate_sampler nn.nce_loss nn.sampled_softmax_loss "
        "nn.compute_accidental_hits".split(),
        "stateful random draw (or sampler built on one): a traced function draws anew, "
        "there is no single eager result to compare"),
    **dict.fromkeys(
        "random.create_rng_state random.get_global_generator random.set_global_generator "
        "random.set_seed".split(), "random state management, no tensor computation"),
    **dict.fromkeys(
        "function device executing_eagerly inside_function no_op print show_config "
        "timestamp as_dtype is_tensor get_static_value broadcast_static_shape "
        "gradients hessians sum_to_shape".split(),
        "not a numeric op on tensors (tracing machinery, context, printing, static "
        "shape/dtype helpers, graph-only gradients)"),
    **dict.fromkeys(
        "debugging.disable_check_numerics debugging.enable_check_numerics "
        "debugging.disable_traceback_filtering debugging.enable_traceback_filtering "
        "debugging.get_log_device_placement debugging.set_log_device_placement "
        "debugging.is_traceback_filtering_enabled debugging.assert_proper_iterable "
        "debugging.export debugging.namespace".split(),
        "debugging configuration or a Python-object check, no tensor computation"),
    **dict.fromkeys(
        "keras.losses.get keras.losses.serialize keras.losses.deserialize "
        "keras.activations.get keras.activations.serialize "
        "keras.activations.deserialize".split(), "looks up or (de)serializes a function"),
    **dict.fromkeys(
        "control_dependencies get_current_name_scope get_logger group tuple "
        "register_tensor_conversion_function type_spec_from_value".split(),
        "graph bookkeeping, names, logging or conversion registration: no tensor computation"),
    "parallel_stack": "graph-only: raises under eager execution, as in TF",
    "keras.activations.threshold": "value-dependent Python threshold argument; "
                                   "covered through its tensor op by the gradcheck cases",
}


def _entries():
    entries = {}
    for name in UNARY:
        entries[name] = (_public(name), [F(3, 4)])
    for name in BINARY:
        entries[name] = (_public(name), [F(3, 4), F(3, 4)])
    for name in LOSSES:
        entries[name] = (_public(name), [LABELS(3, 4), U(3, 4)])
    entries.update(SPECIAL)
    return entries


ENTRIES = _entries()


def _flat(result):
    """The arrays of a (possibly nested, possibly sparse) result, in order."""
    if result is None:
        return [None]
    if isinstance(result, tf.SparseTensor):
        return _flat([result.indices, result.values, result.dense_shape])
    if isinstance(result, tf.IndexedSlices):
        return _flat([result.values, result.indices])
    if isinstance(result, (list, tuple)) or hasattr(result, "_fields"):
        return [a for r in result for a in _flat(r)]
    if isinstance(result, dict):
        return [a for k in sorted(result) for a in _flat(result[k])]
    if isinstance(result, (tf.Tensor, tf.Variable, np.ndarray, np.generic, int, float, bool,
                           complex)):
        return [np.asarray(result)]
    return [result]


def _parts(result):
    """The result with sparse values and dtypes spelled as tensors and strings, which
    a traced function can return."""
    if isinstance(result, tf.SparseTensor):
        return (result.indices, result.values, result.dense_shape)
    if isinstance(result, tf.IndexedSlices):
        return (result.values, result.indices)
    if isinstance(result, tf.DType):
        return result.name
    if isinstance(result, (list, tuple)) and not hasattr(result, "_fields"):
        return type(result)(_parts(r) for r in result)
    return result


def _assert_same(got, want):
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, np.ndarray):
            assert isinstance(g, np.ndarray)
            assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
            np.testing.assert_array_equal(g, w)      # NaN-aware: equal NaNs pass
        else:
            assert g == w


def _draw(makers, seed):
    rng = np.random.default_rng(seed)
    return [tf.constant(m(rng)) for m in makers]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_replay_on_new_values_matches_eager(name):
    fn, makers = ENTRIES[name]
    fn = (lambda f: lambda *xs: _parts(f(*xs)))(fn)
    traced = tf.function(fn)
    traced(*_draw(makers, 0))                        # traced on input A
    for seed in (1, 2, 3):                           # inputs B: same shapes, other values
        xs = _draw(makers, seed)
        _assert_same(traced(*xs), fn(*xs))


def test_every_public_function_is_covered():
    covered = set()
    for case in CASES:                               # run by test_traced_cases.py
        covered.add(id(case.fn))
        covered.add(id(getattr(case.fn, "func", None)))
    # functions the cases call by attribute (lambda x: tf.X(x)): found by wrapping
    # the public names while each case runs once
    public = _public_functions()
    originals = {}
    for mod in NAMESPACES.values():
        for name in dir(mod):
            obj = getattr(mod, name, None)
            if id(obj) in public:
                def recording(*args, _obj=obj, **kwargs):
                    covered.add(id(_obj))
                    return _obj(*args, **kwargs)
                originals[(mod, name)] = obj
                setattr(mod, name, recording)
    try:
        from tests.ops.gradcheck import draw_inputs
        rng = np.random.default_rng(0)
        for case in CASES:
            shapes = case.shapes if case.shapes is not None else [(2, 3)] * case.n_in
            case.fn(*[tf.constant(x) for x in draw_inputs(case, rng, shapes)])
    finally:
        for (mod, name), obj in originals.items():
            setattr(mod, name, obj)
    listed = {id(_public(n)) for n in list(ENTRIES) + list(EXCLUDED)}
    missing = sorted(" = ".join(names) for key, (_, names) in public.items()
                     if key not in covered and key not in listed)
    assert not missing, ("public functions with neither a case nor an exclusion in "
                         f"test_trace_safety.py: {missing}")


def test_exclusions_name_public_functions():
    for name in EXCLUDED:
        assert callable(_public(name)), name


# ---- paths the table's inputs do not reach ---------------------------------------------

# Value-dependent paths behind an argument or mode: (function, [input makers])
PATHS = {
    "pad with a tensor constant_values": (
        lambda x, c: tf.pad(x, [[1, 0], [0, 2]], constant_values=c), [F(2, 3), F()]),
    "lstsq with a tensor l2_regularizer": (
        lambda a, b, l2: tf.linalg.lstsq(a, b, l2_regularizer=l2), [F(4, 3), F(4, 2), P()]),
    "tridiagonal_solve conjugate_rhs": (
        lambda d, r: tf.linalg.tridiagonal_solve(tf.cast(d, tf.complex128), r,
                                                 conjugate_rhs=True), [F(3, 4), C(4, 2)]),
    "logdet complex": (lambda a: tf.linalg.logdet(tf.cast(a, tf.complex128)), [SPD(3)]),
    "reduce_max second order": (
        lambda x: _second_order(lambda y: tf.square(tf.reduce_max(y, axis=1)), x), [F(3, 4)]),
    "reduce_min second order": (
        lambda x: _second_order(lambda y: tf.square(tf.reduce_min(y, axis=0)), x), [F(3, 4)]),
    "LinearOperatorCirculant to_dense": (
        lambda s: tf.linalg.LinearOperatorCirculant(
            tf.cast(s, tf.complex128), input_output_dtype=tf.complex128).to_dense(), [F(4)]),
    "LinearOperatorPermutation to_dense": (
        lambda p: tf.linalg.LinearOperatorPermutation(p, dtype=tf.float64).to_dense(),
        [lambda rng: rng.permutation(4).astype(np.int32)]),
    "embedding_lookup over shards": (
        lambda i: tf.nn.embedding_lookup(
            [tf.reshape(tf.range(6.0), (3, 2)), tf.reshape(tf.range(6.0, 12.0), (3, 2))], i),
        [I(0, 6, 4)]),
}


def _second_order(f, x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
        s = tf.reduce_sum(g * tf.sin(x))
    return g, outer.gradient(s, x)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_value_dependent_path_replays_correctly(path):
    fn, makers = PATHS[path]
    traced = tf.function(fn)
    traced(*_draw(makers, 0))
    for seed in (1, 2, 3):
        xs = _draw(makers, seed)
        _assert_same(traced(*xs), fn(*xs))


# name -> (function, makers of inputs where it passes, makers where it fails)
ASSERTS = {
    "Assert": (lambda x: tf.debugging.Assert(tf.reduce_all(x > 0.0), [x]), [P(3)], [F(3)]),
    "assert_equal": (lambda x, y: tf.debugging.assert_equal(x, y), [I(0, 1, 3)] * 2,
                     [I(0, 1, 3), I(1, 2, 3)]),
    "assert_less": (lambda x: tf.debugging.assert_less(x, 3.0), [F(3)], [F(3, lo=3.5, hi=4)]),
    "assert_positive": (lambda x: tf.debugging.assert_positive(x), [P(3)], [F(3, lo=-2, hi=-1)]),
    "assert_near": (lambda x, y: tf.debugging.assert_near(x, y), [I(0, 1, 3, dtype=np.float64)] * 2,
                    [F(3), F(3)]),
}


@pytest.mark.parametrize("name", sorted(ASSERTS))
def test_assertion_traced_on_passing_input_raises_on_failing_one(name):
    fn, passing, failing = ASSERTS[name]
    traced = tf.function(fn)
    traced(*_draw(passing, 0))
    traced(*_draw(passing, 1))
    with pytest.raises(tf.errors.InvalidArgumentError):
        traced(*_draw(failing, 2))


# Variable writes whose rows or values come from the inputs: name -> (write(v, u, i), shape)
WRITES = {
    "scatter_nd_add": (lambda v, u, i: v.scatter_nd_add(tf.reshape(i, (1, 1)), u), (1,)),
    "scatter_nd_update": (lambda v, u, i: v.scatter_nd_update(tf.reshape(i, (1, 1)), u), (1,)),
    "scatter_update": (lambda v, u, i: v.scatter_update(
        tf.IndexedSlices(u, tf.reshape(i, (1,)))), (1,)),
    "slice assign": (lambda v, u, i: v[1:2].assign(u), (1,)),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_variable_write_replays_new_values(name):
    write, shape = WRITES[name]
    traced_var, eager_var = tf.Variable(np.zeros(4)), tf.Variable(np.zeros(4))

    def reset_and_write(v, u, i):      # the variable holds the same value before each write
        v.assign(tf.zeros(4, tf.float64))
        return write(v, u, i)
    traced = tf.function(lambda u, i: reset_and_write(traced_var, u, i))
    rng = np.random.default_rng(0)
    for _ in range(4):
        u, i = tf.constant(rng.uniform(-2, 2, shape)), tf.constant(int(rng.integers(0, 4)))
        traced(u, i)
        reset_and_write(eager_var, u, i)
        np.testing.assert_array_equal(traced_var.numpy(), eager_var.numpy())
