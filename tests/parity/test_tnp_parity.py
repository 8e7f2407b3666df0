"""Parity of `tnp` with TensorFlow 2.21's `tf.experimental.numpy`.

Each program is written once against a pair (tnp, tf) and runs with TF's and with
fasttape's; results must agree in dtype, shape and value (or both raise the same
exception class). Gradients are compared the same way, None-ness included.

Programs where TF's tnp fails by accident (it calls `.astype` on tensors that only
have it after `experimental_enable_numpy_behavior`, or ignores `dtype=` in linspace)
are in tests/tnp/test_values.py against NumPy instead; docs/api/tnp.md lists them.
"""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402
import tensorflow.experimental.numpy as tf_tnp  # noqa: E402

import fasttape  # noqa: E402
import fasttape.experimental.numpy as ft_tnp  # noqa: E402

LIBS = {"tf": (tf_tnp, tensorflow), "fasttape": (ft_tnp, fasttape)}


def _plain(value):
    """A comparable form of a result: (dtype name, nested list) for tensors."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "as_list") and not hasattr(value, "numpy"):
        return ("shape", value.as_list())
    if hasattr(value, "numpy"):
        arr = np.asarray(value.numpy())
        return (value.dtype.name, arr.shape, arr.tolist())
    if isinstance(value, np.generic):
        return ("numpy", value.dtype.name, value.item())
    return value


def _run(program, lib):
    tnp, tf = LIBS[lib]
    try:
        return _plain(program(tnp, tf))
    except Exception as exc:  # noqa: BLE001 - the class is what is compared
        return ("raises", type(exc).__name__)


def _close(a, b):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-6, abs=1e-12)
    return a == b


def _c(tf, value, dtype=None):
    return tf.constant(value) if dtype is None else tf.constant(value, getattr(tf, dtype))


PROGRAMS = {
    # conversion and creation
    "asarray_float": lambda tnp, tf: tnp.asarray(1.5),
    "asarray_ints": lambda tnp, tf: tnp.asarray([1, 2]),
    "asarray_empty": lambda tnp, tf: tnp.asarray([]),
    "asarray_mixed": lambda tnp, tf: tnp.asarray([1, 2.5]),
    "asarray_np32": lambda tnp, tf: tnp.asarray(np.float32(1.5)),
    "asarray_tensor_list": lambda tnp, tf: tnp.asarray([_c(tf, 1.0), 1.5]),
    "asarray_truncates": lambda tnp, tf: tnp.asarray([1.7, -1.7], dtype=int),
    "asarray_tf_dtype": lambda tnp, tf: tnp.asarray([1], dtype=tf.float32),
    "array_ndmin": lambda tnp, tf: tnp.array([1.0], ndmin=3),
    "zeros": lambda tnp, tf: tnp.zeros([2, 1]),
    "zeros_int": lambda tnp, tf: tnp.zeros(2, int),
    "zeros_none": lambda tnp, tf: tnp.zeros(2, None),
    "ones": lambda tnp, tf: tnp.ones(2),
    "full": lambda tnp, tf: tnp.full(2, 1.5),
    "full_like": lambda tnp, tf: tnp.full_like(_c(tf, [1, 2]), 2.7),
    "zeros_like": lambda tnp, tf: tnp.zeros_like([1.5]),
    "eye": lambda tnp, tf: tnp.eye(3, 2, k=-1),
    "eye_k_off": lambda tnp, tf: tnp.eye(2, k=5),
    "identity": lambda tnp, tf: tnp.identity(2),
    "arange": lambda tnp, tf: tnp.arange(3),
    "arange_float": lambda tnp, tf: tnp.arange(0, 2, 0.5),
    "arange_tensor": lambda tnp, tf: tnp.arange(_c(tf, 3.0)),
    "arange_empty": lambda tnp, tf: tnp.arange(5, 1),
    "arange_int_dtype": lambda tnp, tf: tnp.arange(1, 2, 0.25, dtype=int),
    "linspace": lambda tnp, tf: tnp.linspace(0, 1, 3),
    "linspace_no_endpoint": lambda tnp, tf: tnp.linspace(0, 1, 4, endpoint=False),
    "linspace_retstep": lambda tnp, tf: tnp.linspace(0, 1, 3, retstep=True),
    "linspace_f32": lambda tnp, tf: tnp.linspace(_c(tf, 0.0), 1, 3),
    "logspace": lambda tnp, tf: tnp.logspace(0, 2, 3),
    "geomspace": lambda tnp, tf: tnp.geomspace(1, 100, 3),
    "tri": lambda tnp, tf: tnp.tri(3),
    "tril": lambda tnp, tf: tnp.tril([[1, 2], [3, 4]]),
    "triu": lambda tnp, tf: tnp.triu(tnp.ones([3, 3]), 1),
    "meshgrid": lambda tnp, tf: tnp.meshgrid([1, 2], [3, 4, 5]),
    "meshgrid_ij": lambda tnp, tf: tnp.meshgrid([1, 2], [3, 4, 5], indexing="ij"),
    "vander": lambda tnp, tf: tnp.vander([1, 2, 3]),
    "ix": lambda tnp, tf: tnp.ix_([0, 1], [2, 3]),
    "diag_indices": lambda tnp, tf: tnp.diag_indices(3),
    # elementwise
    "sqrt_float": lambda tnp, tf: tnp.sqrt(4.0),
    "sqrt_f32": lambda tnp, tf: tnp.sqrt(_c(tf, [1.0, 2.0])),
    "abs_int": lambda tnp, tf: tnp.abs(_c(tf, [1, -2])),
    "square_int": lambda tnp, tf: tnp.square(3),
    "negative_list": lambda tnp, tf: tnp.negative([1.5]),
    "sign": lambda tnp, tf: tnp.sign([-2.0, 0, 3]),
    "cbrt": lambda tnp, tf: tnp.cbrt([-8.0, 1.0]),
    "exp2": lambda tnp, tf: tnp.exp2([3.0]),
    "log2": lambda tnp, tf: tnp.log2([8.0]),
    "log10": lambda tnp, tf: tnp.log10([100.0]),
    "sinc": lambda tnp, tf: tnp.sinc([0.0, 0.5]),
    "fix": lambda tnp, tf: tnp.fix([-1.5, 1.5]),
    "deg2rad": lambda tnp, tf: tnp.deg2rad(180.0),
    "signbit": lambda tnp, tf: tnp.signbit([-1.0, 0.0, -0.0]),
    "positive": lambda tnp, tf: tnp.positive([-1]),
    "real": lambda tnp, tf: tnp.real([1.0, 2.0]),
    "imag": lambda tnp, tf: tnp.imag([1.0, 2.0]),
    "trig": lambda tnp, tf: [f([0.25, -0.5]) for f in (
        tnp.arcsin, tnp.arccos, tnp.arctan, tnp.sinh, tnp.cosh, tnp.arcsinh, tnp.arctanh)],
    "arccosh": lambda tnp, tf: tnp.arccosh([1.5]),
    "add_int_float": lambda tnp, tf: tnp.add(_c(tf, [1, 2]), 1.5),
    "add_f32_int": lambda tnp, tf: tnp.add(_c(tf, [1.0, 2.0]), 2),
    "add_i32_f32": lambda tnp, tf: tnp.add(_c(tf, [1, 2]), _c(tf, [1.0, 2.0])),
    "add_i32_i64": lambda tnp, tf: tnp.add(_c(tf, [1, 2]), _c(tf, [1, 2], "int64")),
    "add_bool": lambda tnp, tf: tnp.add(_c(tf, True), False),
    "add_f32_np64": lambda tnp, tf: tnp.add(_c(tf, [1.0]), np.float64(1.0)),
    "add_lists": lambda tnp, tf: tnp.add([1, 2], [3, 4]),
    "multiply_bool": lambda tnp, tf: tnp.multiply(True, False),
    "divide_ints": lambda tnp, tf: tnp.divide(_c(tf, [1, 2]), _c(tf, [2, 2])),
    "true_divide_bool": lambda tnp, tf: tnp.true_divide(True, True),
    "floor_divide": lambda tnp, tf: tnp.floor_divide(7, 2),
    "mod_negative": lambda tnp, tf: tnp.mod(-7, 3),
    "remainder": lambda tnp, tf: tnp.remainder(-7.0, 3),
    "divmod": lambda tnp, tf: tnp.divmod(7, 2),
    "power_int": lambda tnp, tf: tnp.power(2, 3),
    "power_negative_int": lambda tnp, tf: tnp.power(2, -1),
    "maximum": lambda tnp, tf: tnp.maximum(_c(tf, [1, 2]), 1.5),
    "heaviside": lambda tnp, tf: tnp.heaviside([-1, 0, 2], 0.5),
    "logaddexp": lambda tnp, tf: tnp.logaddexp(1.0, 2.0),
    "logaddexp2": lambda tnp, tf: tnp.logaddexp2(1.0, 2.0),
    "nextafter": lambda tnp, tf: tnp.nextafter(1.0, 2.0),
    "clip": lambda tnp, tf: tnp.clip([1, 5, 9], 2, 7.5),
    "clip_no_min": lambda tnp, tf: tnp.clip([1, 5, 9], None, 7),
    "clip_none": lambda tnp, tf: tnp.clip([1], None, None),
    "gcd_lcm": lambda tnp, tf: [tnp.gcd(12, 18), tnp.lcm(4, 6)],
    "bitwise": lambda tnp, tf: [tnp.bitwise_and(6, 3), tnp.bitwise_or(6, 3),
                                tnp.bitwise_xor(6, 3), tnp.bitwise_not(5)],
    "equal": lambda tnp, tf: tnp.equal(_c(tf, [1, 2]), 1.0),
    "less_bool": lambda tnp, tf: tnp.less(True, False),
    "logical_and": lambda tnp, tf: tnp.logical_and([1, 0], [2.0, 3.0]),
    "isclose": lambda tnp, tf: tnp.isclose([1.0, 2.0], [1.0, 2.1]),
    "allclose": lambda tnp, tf: tnp.allclose([1.0], [1.0]),
    "array_equal": lambda tnp, tf: [tnp.array_equal([1, 2], [1, 2]),
                                    tnp.array_equal([1, 2], [1, 2, 3])],
    "isinf": lambda tnp, tf: [tnp.isinf(_c(tf, [1, 2])), tnp.isinf(_c(tf, [np.inf]))],
    "isneginf": lambda tnp, tf: tnp.isneginf(_c(tf, [-np.inf, 1.0])),
    # reductions
    "sum_int": lambda tnp, tf: tnp.sum(_c(tf, [1, 2])),
    "sum_bool": lambda tnp, tf: tnp.sum([True, True]),
    "sum_dtype": lambda tnp, tf: tnp.sum(_c(tf, [1, 2]), dtype=float),
    "sum_keepdims": lambda tnp, tf: tnp.sum([[1.0, 2.0]], axis=1, keepdims=True),
    "sum_axes": lambda tnp, tf: tnp.sum(tnp.ones([2, 3, 4]), axis=(0, 2)),
    "mean_int": lambda tnp, tf: tnp.mean(_c(tf, [1, 2])),
    "mean_dtype": lambda tnp, tf: tnp.mean(_c(tf, [1.0, 2.0]), dtype=tnp.float64),
    "prod_bool": lambda tnp, tf: tnp.prod([True, False]),
    "max_bool": lambda tnp, tf: tnp.max([True, False]),
    "amax_empty": lambda tnp, tf: tnp.amax(tnp.zeros([0])),
    "mean_empty": lambda tnp, tf: tnp.mean(tnp.zeros([0])),
    "std_int": lambda tnp, tf: tnp.std([1, 2, 3, 4]),
    "var_dtype": lambda tnp, tf: tnp.var(_c(tf, [1.0, 2.0]), dtype=tnp.float64),
    "var_keepdims": lambda tnp, tf: tnp.var([[1.0, 2.0, 4.0]], axis=1, keepdims=True),
    "argmax": lambda tnp, tf: [tnp.argmax([[1, 5], [7, 2]]),
                               tnp.argmax([[1, 5], [7, 2]], axis=1), tnp.argmax(3.0)],
    "argmax_empty": lambda tnp, tf: tnp.argmax(tnp.zeros([0])),
    "all_any": lambda tnp, tf: [tnp.all([1, 0]), tnp.any([[0, 1], [0, 0]], axis=1)],
    "cumsum": lambda tnp, tf: [tnp.cumsum([[1, 2], [3, 4]]), tnp.cumsum(_c(tf, [1, 2])),
                               tnp.cumsum([[1.0, 2], [3, 4]], axis=-1)],
    "cumprod_dtype": lambda tnp, tf: tnp.cumprod([1, 2], dtype=float),
    "count_nonzero": lambda tnp, tf: tnp.count_nonzero([[1, 0], [2, 3]], axis=0),
    "average_weights": lambda tnp, tf: tnp.average([1.0, 2.0, 3.0], weights=[1, 1, 2]),
    "average_axis": lambda tnp, tf: tnp.average([[1.0, 2.0], [3.0, 4.0]], axis=1,
                                                weights=[1.0, 3.0]),
    "average_returned": lambda tnp, tf: tnp.average([1.0, 2.0], returned=True),
    "ptp": lambda tnp, tf: tnp.ptp([3, 1, 7]),
    "nan_reductions": lambda tnp, tf: [tnp.nansum([1.0, np.nan]), tnp.nanmean([1.0, np.nan, 3.0]),
                                       tnp.nanprod([2.0, np.nan])],
    # linear algebra
    "dot": lambda tnp, tf: [tnp.dot([1.0, 2.0], [3.0, 4.0]), tnp.dot([[1.0, 2.0]], [3.0, 4.0]),
                            tnp.dot(2, [3.0, 4.0])],
    "dot_nd": lambda tnp, tf: tnp.dot(tnp.ones([2, 2, 3]), tnp.ones([4, 3, 5])),
    "matmul": lambda tnp, tf: [tnp.matmul([1.0, 2.0], [3.0, 4.0]),
                               tnp.matmul([[1.0, 2.0]], [3.0, 4.0]),
                               tnp.matmul([1.0, 2.0], [[3.0], [4.0]])],
    "matmul_mismatch": lambda tnp, tf: tnp.matmul([[1.0, 2.0]], [[3.0, 4.0]]),
    "matmul_scalar": lambda tnp, tf: tnp.matmul(2.0, [1.0]),
    "inner": lambda tnp, tf: tnp.inner([[1.0, 2.0]], [[3.0, 4.0], [5, 6]]),
    "outer": lambda tnp, tf: tnp.outer([1, 2], [3, 4, 5]),
    "vdot": lambda tnp, tf: tnp.vdot([[1, 2]], [[3, 4]]),
    "kron": lambda tnp, tf: tnp.kron([1, 2], [[1], [2]]),
    "trace": lambda tnp, tf: [tnp.trace([[1, 2], [3, 4]]), tnp.trace(tnp.ones([3, 3]), offset=1)],
    "diag": lambda tnp, tf: [tnp.diag([1, 2], k=1), tnp.diag([[1, 2], [3, 4]], k=-1),
                             tnp.diag([[1, 2], [3, 4]], k=3)],
    "diagonal": lambda tnp, tf: tnp.diagonal(tnp.reshape(tnp.arange(8), [2, 2, 2]), 0, 1, 2),
    "diagflat": lambda tnp, tf: tnp.diagflat([[1, 2]]),
    "einsum": lambda tnp, tf: tnp.einsum("ij,j->i", [[1, 2]], [3.0, 4.0]),
    "tensordot": lambda tnp, tf: tnp.tensordot([[1, 2]], [[3], [4]], 1),
    "cross": lambda tnp, tf: [tnp.cross([1, 0, 0], [0, 1, 0]), tnp.cross([1, 0], [0, 1])],
    "polyval": lambda tnp, tf: tnp.polyval([1, 2, 3], 2),
    # shapes and indexing
    "reshape": lambda tnp, tf: [tnp.reshape([1, 2, 3, 4], 4),
                                tnp.reshape(tnp.arange(6.0), [2, 3])],
    "flatten_F": lambda tnp, tf: tnp.flatten(tnp.reshape(tnp.arange(6.0), [2, 3]), "F"),
    "transpose": lambda tnp, tf: tnp.transpose(tnp.ones([1, 2, 3]), (2, 0, 1)),
    "swapaxes_moveaxis": lambda tnp, tf: [tnp.swapaxes(tnp.ones([1, 2, 3]), 0, -1),
                                          tnp.moveaxis(tnp.ones([1, 2, 3]), [0, 1], [-1, -2])],
    "expand_squeeze": lambda tnp, tf: [tnp.expand_dims(tnp.ones([2, 3]), 1),
                                       tnp.squeeze(tnp.ones([1, 2, 1])),
                                       tnp.squeeze(tnp.ones([1, 2, 1]), 0)],
    "squeeze_bad": lambda tnp, tf: tnp.squeeze(tnp.ones([1, 2, 1]), 1),
    "concatenate": lambda tnp, tf: tnp.concatenate([[1, 2], [3.5]]),
    "stack": lambda tnp, tf: [tnp.stack([[1, 2], [3, 4.0]], axis=1),
                              tnp.stack(tnp.ones([2, 3]), axis=1)],
    "hvd_stack": lambda tnp, tf: [tnp.vstack([[1, 2], [3, 4]]), tnp.hstack([[1, 2], [3]]),
                                  tnp.dstack([[1, 2], [3, 4]])],
    "split": lambda tnp, tf: [tnp.split(tnp.arange(6), 3), tnp.split(tnp.arange(6), [1, 4]),
                              tnp.split(tnp.arange(6), [1, 8])],
    "split_uneven": lambda tnp, tf: tnp.split(tnp.arange(6), 4),
    "hsplit_vsplit": lambda tnp, tf: [tnp.hsplit(tnp.ones([2, 3]), 3),
                                      tnp.vsplit(tnp.ones([2, 3]), 2),
                                      tnp.hsplit(tnp.arange(4), 2)],
    "tile": lambda tnp, tf: [tnp.tile([1, 2], 2), tnp.tile([1, 2], (2, 1))],
    "repeat": lambda tnp, tf: [tnp.repeat([1, 2], 2),
                               tnp.repeat([[1, 2], [3, 4]], [1, 2], axis=0),
                               tnp.repeat([[1, 2], [3, 4]], 2)],
    "broadcast": lambda tnp, tf: [tnp.broadcast_to([1, 2], [2, 2]), tnp.broadcast_to(1.0, 3),
                                  tnp.broadcast_arrays([1, 2], [[1], [2.0]])],
    "atleast": lambda tnp, tf: [tnp.atleast_1d(1.0), tnp.atleast_2d([1, 2]),
                                tnp.atleast_3d([1, 2]), tnp.atleast_3d([[1, 2]]),
                                tnp.atleast_1d(1, [2])],
    "flip_roll_rot": lambda tnp, tf: [
        tnp.flip(tnp.reshape(tnp.arange(6.0), [2, 3])), tnp.fliplr([[1, 2]]),
        tnp.flipud([[1], [2]]),
        tnp.roll(tnp.reshape(tnp.arange(6.0), [2, 3]), 1),
        tnp.roll(tnp.reshape(tnp.arange(6.0), [2, 3]), (1, 1), axis=(0, 1)),
        tnp.rot90(tnp.reshape(tnp.arange(6.0), [2, 3])),
        tnp.rot90(tnp.reshape(tnp.arange(6.0), [2, 3]), 2)],
    "append": lambda tnp, tf: [tnp.append([1, 2], [[3.0]]), tnp.append(tnp.ones([2, 3]),
                                                                      tnp.ones([2, 3]), axis=0)],
    "pad": lambda tnp, tf: tnp.pad([1.0, 2.0], [[1, 1]], "constant", constant_values=9),
    "shape_queries": lambda tnp, tf: [tnp.shape(tnp.ones([2, 3])), tnp.ndim([[1]]),
                                      tnp.size(tnp.ones([2, 3])), tnp.size(3.0),
                                      tnp.isscalar(3.0), tnp.isscalar([1])],
    "diff": lambda tnp, tf: [tnp.diff([1, 4, 9]), tnp.diff([1, 4, 9, 16], n=2),
                             tnp.diff([True, False, False])],
    "take": lambda tnp, tf: [tnp.take(tnp.reshape(tnp.arange(6.0), [2, 3]), [0, 5, 7]),
                             tnp.take([[1, 2, 3]], [0, -1], axis=1),
                             tnp.take([1, 2, 3], [4, -1], mode="wrap")],
    "take_raise": lambda tnp, tf: tnp.take([1, 2, 3], [1], mode="raise"),
    "take_along_axis": lambda tnp, tf: [
        tnp.take_along_axis(tnp.reshape(tnp.arange(6.0), [2, 3]), tnp.asarray([[0], [2]]), 1),
        tnp.take_along_axis(tnp.reshape(tnp.arange(6.0), [2, 3]), tnp.asarray([[-1, 0]]), 1)],
    "nonzero_where": lambda tnp, tf: [tnp.nonzero([[1, 0], [0, 2]]), tnp.nonzero(3),
                                      tnp.where([1, 0, 2]), tnp.where([True, False], 1, 2.5),
                                      tnp.where([True, False], 1, 2)],
    "select_compress": lambda tnp, tf: [
        tnp.select([[True, False], [True, True]], [[1, 2], [3, 4]], 9),
        tnp.compress([True, False], tnp.reshape(tnp.arange(6.0), [2, 3]), axis=1)],
    "sorting": lambda tnp, tf: [tnp.argsort([3, 1, 2]), tnp.argsort(3), tnp.sort([3, 1.0, 2]),
                                tnp.sort([[3, 1], [2, 4]], axis=0), tnp.sort([3, 1, 2])],
    "dtype_utils": lambda tnp, tf: [tnp.finfo(tnp.float32).eps, tnp.iinfo(tnp.int32).max,
                                    tnp.promote_types(tnp.int32, tnp.float32).name,
                                    tnp.result_type(tnp.int32, 1.5).name,
                                    tnp.result_type(tf.constant(1.0), 2).name,
                                    tnp.issubdtype(tnp.float32, tnp.inexact)],
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_result_as_tf(name):
    program = PROGRAMS[name]
    want, got = _run(program, "tf"), _run(program, "fasttape")
    assert _close(got, want), f"{name}: fasttape {got!r} vs TF {want!r}"


# --- gradients -------------------------------------------------------------------------------

def _gradient(fn, x, lib):
    tnp, tf = LIBS[lib]
    xs = tf.constant(np.asarray(x))
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = fn(tnp, xs)
    g = tape.gradient(y, xs)
    return None if g is None else (g.dtype.name, np.asarray(g).tolist())


GRADIENTS = {
    "abs_at_0": (lambda tnp, x: tnp.abs(x), [0.0, -2.0, 3.0]),
    "maximum_relu": (lambda tnp, x: tnp.maximum(x, 0), [0.0, -1.0, 2.0]),
    "maximum_ties": (lambda tnp, x: tnp.maximum(x, tnp.zeros_like(x)), [0.0, -1.0, 2.0]),
    "clip_bounds": (lambda tnp, x: tnp.clip(x, 1.0, 2.0), [1.0, 2.0, 3.0, 0.0]),
    "amax_ties": (lambda tnp, x: tnp.amax(x), [1.0, 3.0, 3.0, 2.0]),
    "prod_zero": (lambda tnp, x: tnp.prod(x), [2.0, 0.0, 4.0]),
    "std": (lambda tnp, x: tnp.std(x), [1.0, 2.0, 4.0]),
    "var": (lambda tnp, x: tnp.var(x), [1.0, 2.0, 4.0]),
    "sqrt_at_0": (lambda tnp, x: tnp.sqrt(x), [0.0, 4.0]),
    "where_sqrt": (lambda tnp, x: tnp.where(x > 0, tnp.sqrt(x), 0.0), [0.0, -1.0, 4.0]),
    "sinc_at_0": (lambda tnp, x: tnp.sinc(x), [0.0, 0.5]),
    "cbrt": (lambda tnp, x: tnp.cbrt(x), [-8.0, 1.0]),
    "hypot_at_0": (lambda tnp, x: tnp.hypot(x, 0.0), [0.0, 3.0]),
    "log2": (lambda tnp, x: tnp.log2(x), [1.0, 8.0]),
    "arcsin": (lambda tnp, x: tnp.arcsin(x), [0.0, 0.5]),
    "arctan2": (lambda tnp, x: tnp.arctan2(x, 2.0), [1.0, -1.0]),
    "logaddexp": (lambda tnp, x: tnp.logaddexp(x, 1.0), [1.0, 1000.0]),
    "fix_none": (lambda tnp, x: tnp.fix(x), [1.4]),
    "sign_zero": (lambda tnp, x: tnp.sign(x), [1.0, -1.0]),
    "sort": (lambda tnp, x: tnp.sort(x) * tnp.asarray([1.0, 10.0, 100.0]), [3.0, 1.0, 2.0]),
    "take": (lambda tnp, x: tnp.take(x, [0, 0, 2]), [1.0, 2.0, 3.0]),
    "take_along_axis": (lambda tnp, x: tnp.take_along_axis(x, tnp.asarray([2, 2]), 0),
                        [1.0, 2.0, 3.0]),
    "repeat": (lambda tnp, x: tnp.repeat(x, [1, 2, 3]), [1.0, 2.0, 3.0]),
    "roll": (lambda tnp, x: tnp.roll(x, 1) * tnp.asarray([1.0, 10.0, 100.0]), [1.0, 2.0, 3.0]),
    "cumprod": (lambda tnp, x: tnp.cumprod(x), [1.0, 2.0, 3.0]),
    "dot": (lambda tnp, x: tnp.dot(x, x), [1.0, 2.0, 3.0]),
    "matmul_vector": (lambda tnp, x: tnp.matmul(tnp.ones([2, 3]), x), [1.0, 2.0, 3.0]),
    "outer": (lambda tnp, x: tnp.outer(x, x), [1.0, 2.0]),
    "linspace": (lambda tnp, x: tnp.linspace(x[0], x[1], 4), [1.0, 2.0]),
    "full": (lambda tnp, x: tnp.full((2, 3), x), [1.0, 2.0, 3.0]),
    "tril": (lambda tnp, x: tnp.tril(tnp.reshape(x, [2, 2])), [1.0, 2.0, 3.0, 4.0]),
    "vander": (lambda tnp, x: tnp.vander(x), [0.0, 2.0]),
    "diff": (lambda tnp, x: tnp.diff(x) ** 2, [1.0, 4.0, 9.0]),
    "average": (lambda tnp, x: tnp.average(x, weights=[1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]),
    "nanmean": (lambda tnp, x: tnp.nanmean(x), [1.0, np.nan, 3.0]),
    "float32_kept": (lambda tnp, x: tnp.sum(tnp.asarray(x, tnp.float32) * 2.5),
                     np.array([1.0, 2.0], np.float32)),
    "int_cast_cuts": (lambda tnp, x: tnp.sum(tnp.asarray(x, int)), [1.5, 2.5]),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_same_gradient_as_tf(name):
    fn, x = GRADIENTS[name]
    want, got = _gradient(fn, x, "tf"), _gradient(fn, x, "fasttape")
    assert _close(got, want), f"{name}: fasttape {got!r} vs TF {want!r}"
