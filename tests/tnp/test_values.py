"""Every tnp function against NumPy's own result: the same call, the same answer.

Each row calls `fn(module)` with `module` bound to numpy and to tnp on the same
arguments (numpy arrays, Python numbers and lists) and compares shapes, values and
dtypes. Rows with `dtype=False` are functions whose dtype TF fixes differently from
NumPy (noted per row); their dtypes are tested in test_dtypes.py.
"""

import warnings

import numpy as np
import pytest

import fasttape.experimental.numpy as tnp
from tests.tnp.helpers import assert_same

rng = np.random.default_rng(7)
A = rng.uniform(-2, 2, (2, 3))              # float64 matrix
B = rng.uniform(-2, 2, (3, 4))
V = rng.uniform(-2, 2, 3)
W = rng.uniform(-2, 2, 3)
P = rng.uniform(0.5, 2, (2, 3))             # positive
U = rng.uniform(-0.9, 0.9, (2, 3))          # inside (-1, 1)
I32 = np.array([[3, -1, 4], [1, -5, 9]], dtype=np.int32)
BOOL = np.array([[True, False, True], [False, False, True]])
T3 = rng.uniform(-2, 2, (2, 3, 4))
SQ = rng.uniform(-2, 2, (3, 3))


def row(name, fn, dtype=True, rtol=1e-7, atol=0.0):
    return pytest.param(fn, dtype, rtol, atol, id=name)


ROWS = [
    # --- unary -------------------------------------------------------------------------
    *[row(f, (lambda m, f=f: getattr(m, f)(A))) for f in [
        "abs", "absolute", "fabs", "negative", "positive", "sign", "signbit", "square",
        "reciprocal", "exp", "expm1", "sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh",
        "arcsinh", "deg2rad", "rad2deg", "floor", "ceil", "fix", "around", "round", "sinc",
        "cbrt", "exp2", "isnan", "isinf", "isfinite", "isneginf", "isposinf", "real", "imag",
        "conj", "conjugate", "angle", "iscomplex", "isreal", "iscomplexobj", "isrealobj"]],
    *[row(f, (lambda m, f=f: getattr(m, f)(P))) for f in [
        "sqrt", "log", "log2", "log10", "log1p", "arccosh"]],
    *[row(f, (lambda m, f=f: getattr(m, f)(U))) for f in ["arcsin", "arccos", "arctanh"]],
    *[row(f"{f}_int", (lambda m, f=f: getattr(m, f)(I32))) for f in [
        "abs", "negative", "sign", "square", "sqrt", "exp", "sin", "isnan", "isfinite",
        "around", "deg2rad", "signbit", "angle", "cbrt"]],
    # NumPy 2 keeps integers integral here; TF's tnp gives float64
    *[row(f"{f}_int", (lambda m, f=f: getattr(m, f)(I32)), dtype=False) for f in [
        "floor", "ceil"]],
    row("around_decimals", lambda m: m.around(A, 2)),
    row("around_negative_decimals_int", lambda m: m.around(np.array([15, 25, -35]), -1)),
    row("round_half_even", lambda m: m.round(np.array([0.5, 1.5, 2.5, -0.5]))),
    row("fix_negative", lambda m: m.fix(np.array([-1.5, 1.5, -0.2]))),
    row("bitwise_not", lambda m: m.bitwise_not(I32)),
    row("bitwise_not_bool", lambda m: m.bitwise_not(BOOL)),
    row("logical_not", lambda m: m.logical_not(A)),
    row("angle_deg", lambda m: m.angle(np.array([-1.0, 1.0]), deg=True)),
    # --- binary ------------------------------------------------------------------------
    *[row(f, (lambda m, f=f: getattr(m, f)(A, A[::-1]))) for f in [
        "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
        "arctan2", "hypot", "logaddexp", "logaddexp2", "nextafter", "equal", "not_equal",
        "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
        "logical_xor", "heaviside"]],
    *[row(f"{f}_broadcast", (lambda m, f=f: getattr(m, f)(A, V))) for f in [
        "add", "multiply", "maximum", "arctan2", "hypot", "less"]],
    *[row(f, (lambda m, f=f: getattr(m, f)(P, np.array([1.5, 0.7, 2.0])))) for f in [
        "power", "float_power", "mod", "remainder", "floor_divide"]],
    *[row(f"{f}_int", (lambda m, f=f: getattr(m, f)(I32, np.int32(3)))) for f in [
        "add", "subtract", "multiply", "true_divide", "floor_divide", "mod", "power",
        "maximum", "float_power", "gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor",
        "heaviside", "hypot", "arctan2"]],
    *[row(f"{f}_bool", (lambda m, f=f: getattr(m, f)(BOOL, BOOL[::-1]))) for f in [
        "add", "multiply", "maximum", "minimum", "logical_and", "bitwise_and", "less",
        "true_divide"]],
    row("divmod", lambda m: m.divmod(A, 0.7)),
    row("divmod_int", lambda m: m.divmod(I32, 4)),
    row("mod_negative", lambda m: m.mod(np.array([-7, 7]), np.array([3, -3]))),
    row("int_times_float", lambda m: m.multiply(I32, 1.5)),
    row("clip", lambda m: m.clip(A, -0.5, 0.8)),
    row("clip_array_bounds", lambda m: m.clip(A, V * 0 - 1, 1.0)),
    row("clip_no_max", lambda m: m.clip(A, 0.1, None)),
    row("clip_no_min", lambda m: m.clip(I32, None, 2)),
    row("isclose", lambda m: m.isclose(A, A + 1e-9)),
    row("isclose_nan", lambda m: m.isclose(np.array([np.nan, 1.0]), np.array([np.nan, 1.1]),
                                           equal_nan=True)),
    row("isclose_int", lambda m: m.isclose(I32, I32)),
    row("allclose", lambda m: m.allclose(A, A * (1 + 1e-9)), dtype=False),
    row("array_equal", lambda m: m.array_equal(I32, I32), dtype=False),
    row("array_equal_shapes", lambda m: m.array_equal(V, A), dtype=False),
    # --- reductions --------------------------------------------------------------------
    *[row(f, (lambda m, f=f: getattr(m, f)(T3))) for f in [
        "sum", "prod", "mean", "std", "var", "amax", "amin", "max", "min", "ptp", "argmax",
        "argmin", "all", "any", "cumsum", "cumprod", "count_nonzero", "average", "nansum",
        "nanprod", "nanmean"]],
    *[row(f"{f}_axis", (lambda m, f=f: getattr(m, f)(T3, axis=1))) for f in [
        "sum", "prod", "mean", "std", "var", "amax", "amin", "ptp", "argmax", "argmin",
        "all", "any", "cumsum", "cumprod", "count_nonzero", "average"]],
    *[row(f"{f}_axes_keepdims", (lambda m, f=f: getattr(m, f)(T3, axis=(0, 2), keepdims=True)))
      for f in ["sum", "prod", "mean", "std", "var", "amax", "amin", "all", "any"]],
    *[row(f"{f}_int", (lambda m, f=f: getattr(m, f)(I32))) for f in [
        "sum", "prod", "mean", "std", "var", "amax", "amin", "ptp", "cumsum", "cumprod",
        "average"]],
    *[row(f"{f}_bool", (lambda m, f=f: getattr(m, f)(BOOL))) for f in [
        "sum", "prod", "amax", "amin", "all", "any", "mean"]],
    row("sum_dtype", lambda m: m.sum(I32, dtype=np.float32)),
    row("sum_dtype_bool", lambda m: m.sum(I32, dtype=bool)),
    row("mean_dtype", lambda m: m.mean(A, axis=0, dtype=np.float32), rtol=1e-6),
    row("cumsum_dtype", lambda m: m.cumsum(I32, axis=1, dtype=np.float64)),
    row("cumsum_negative_axis", lambda m: m.cumsum(T3, axis=-1)),
    row("var_ddof", lambda m: m.var(A, axis=1, ddof=1)),
    row("var_dtype", lambda m: m.var(I32, dtype=np.float32), rtol=1e-6),
    row("argmax_ties", lambda m: m.argmax(np.array([1, 3, 3, 2]))),
    row("argmax_scalar", lambda m: m.argmax(np.float64(3.0))),
    row("average_weights", lambda m: m.average(A, weights=P)),
    row("average_axis_weights", lambda m: m.average(A, axis=1, weights=np.array([1., 2., 3.]))),
    row("average_returned", lambda m: m.average(A, axis=0, returned=True)),
    row("nansum_nan", lambda m: m.nansum(np.array([1.0, np.nan, 2.0]))),
    row("nanmean_nan", lambda m: m.nanmean(np.array([[1.0, np.nan], [3.0, 5.0]]), axis=0)),
    row("nanprod_nan", lambda m: m.nanprod(np.array([2.0, np.nan, 4.0]))),
    row("sum_empty", lambda m: m.sum(np.zeros((0, 3)), axis=0)),
    row("amax_empty_axis", lambda m: m.amax(np.zeros((2, 0)), axis=0)),
    # --- linear algebra ----------------------------------------------------------------
    row("dot_vv", lambda m: m.dot(V, W)),
    row("dot_mv", lambda m: m.dot(A, V)),
    row("dot_mm", lambda m: m.dot(A, B)),
    row("dot_scalar", lambda m: m.dot(2.0, A)),
    row("dot_nd", lambda m: m.dot(T3, np.ones((2, 4, 5)))),
    row("matmul_mm", lambda m: m.matmul(A, B)),
    row("matmul_vm", lambda m: m.matmul(V, B)),
    row("matmul_mv", lambda m: m.matmul(A, V)),
    row("matmul_vv", lambda m: m.matmul(V, W)),
    row("matmul_batch_broadcast", lambda m: m.matmul(T3, np.ones((4, 2)))),
    row("matmul_v_batch", lambda m: m.matmul(np.ones(3), T3)),
    row("matmul_int", lambda m: m.matmul(I32, I32.T)),
    row("tensordot", lambda m: m.tensordot(T3, B.T, axes=1)),
    row("tensordot_pairs", lambda m: m.tensordot(T3, A, axes=([0, 1], [0, 1]))),
    row("inner", lambda m: m.inner(A, A)),
    row("inner_scalar", lambda m: m.inner(A, 2.0)),
    row("outer", lambda m: m.outer(V, A)),
    row("vdot", lambda m: m.vdot(A, A)),
    row("kron", lambda m: m.kron(A, SQ)),
    row("kron_ranks", lambda m: m.kron(V, A)),
    row("cross", lambda m: m.cross(A, A[::-1])),
    row("cross_2d", lambda m: m.cross(np.array([1.0, 2.0]), np.array([3.0, 5.0]))),
    row("cross_2_3", lambda m: m.cross(np.array([1.0, 2.0]), np.array([3.0, 5.0, 7.0]))),
    row("cross_axis", lambda m: m.cross(A.T, A[::-1].T, axis=0)),
    row("einsum", lambda m: m.einsum("ij,jk->ik", A, B)),
    row("einsum_trace", lambda m: m.einsum("ii", SQ)),
    row("einsum_promotes", lambda m: m.einsum("i,i", V, np.array([1, 2, 3]))),
    row("trace", lambda m: m.trace(SQ)),
    row("trace_offset", lambda m: m.trace(T3, offset=1, axis1=1, axis2=2)),
    row("trace_int", lambda m: m.trace(I32)),
    row("diagonal", lambda m: m.diagonal(T3, 1, 1, 2)),
    row("diagonal_past_edge", lambda m: m.diagonal(A, 5)),
    row("diagonal_negative", lambda m: m.diagonal(SQ, -1)),
    row("diag_vector", lambda m: m.diag(V, 1)),
    row("diag_vector_negative_k", lambda m: m.diag(V, -2)),
    row("diag_matrix", lambda m: m.diag(A, -1)),
    row("diag_empty", lambda m: m.diag(np.zeros(0), 2)),
    row("diagflat", lambda m: m.diagflat(A, 1)),
    row("polyval", lambda m: m.polyval(np.array([1.0, -2.0, 3.0]), A)),
    row("polyval_constant", lambda m: m.polyval(np.array([4.0]), V)),
    # --- shapes ------------------------------------------------------------------------
    row("reshape", lambda m: m.reshape(T3, (4, -1))),
    row("reshape_int", lambda m: m.reshape(A, 6)),
    row("reshape_F", lambda m: m.reshape(T3, (6, 4), order="F")),
    row("ravel", lambda m: m.ravel(T3)),
    row("transpose", lambda m: m.transpose(T3)),
    row("transpose_axes", lambda m: m.transpose(T3, (1, 2, 0))),
    row("swapaxes", lambda m: m.swapaxes(T3, 0, -1)),
    row("moveaxis", lambda m: m.moveaxis(T3, 0, -1)),
    row("moveaxis_several", lambda m: m.moveaxis(T3, (0, 1), (2, 0))),
    row("expand_dims", lambda m: m.expand_dims(A, 1)),
    row("expand_dims_tuple", lambda m: m.expand_dims(A, (0, -1))),
    row("squeeze", lambda m: m.squeeze(np.ones((1, 3, 1)))),
    row("squeeze_axis", lambda m: m.squeeze(np.ones((1, 3, 1)), axis=2)),
    row("concatenate", lambda m: m.concatenate([A, A * 2], axis=1)),
    row("concatenate_promotes", lambda m: m.concatenate([I32, A])),
    row("concatenate_none", lambda m: m.concatenate([A, V], axis=None)),
    row("stack", lambda m: m.stack([A, A * 2], axis=1)),
    row("stack_negative", lambda m: m.stack([V, W], axis=-1)),
    row("stack_array", lambda m: m.stack(T3, axis=1)),
    row("hstack", lambda m: m.hstack([A, A])),
    row("hstack_vectors", lambda m: m.hstack([V, W, 1.0])),
    row("vstack", lambda m: m.vstack([V, W])),
    row("dstack", lambda m: m.dstack([A, A])),
    row("split", lambda m: m.split(T3, 2, axis=2)),
    row("split_indices", lambda m: m.split(np.arange(10.0), [2, 5, 12])),
    row("hsplit", lambda m: m.hsplit(A, 3)),
    row("hsplit_vector", lambda m: m.hsplit(np.arange(4), 2)),
    row("vsplit", lambda m: m.vsplit(A, [1])),
    row("dsplit", lambda m: m.dsplit(T3, 2)),
    row("tile", lambda m: m.tile(A, 2)),
    row("tile_rank_up", lambda m: m.tile(V, (2, 1, 2))),
    row("repeat", lambda m: m.repeat(A, 2)),
    row("repeat_axis_counts", lambda m: m.repeat(A, [1, 0, 3], axis=1)),
    row("repeat_scalar", lambda m: m.repeat(3.0, 4)),
    row("broadcast_to", lambda m: m.broadcast_to(V, (2, 3))),
    row("broadcast_arrays", lambda m: m.broadcast_arrays(V, A[:, :1])),
    row("atleast_1d", lambda m: m.atleast_1d(3.0)),
    row("atleast_2d", lambda m: m.atleast_2d(V)),
    row("atleast_3d_vector", lambda m: m.atleast_3d(V)),
    row("atleast_3d_matrix", lambda m: m.atleast_3d(A)),
    row("atleast_1d_several", lambda m: m.atleast_1d(1.0, V)),
    row("flip", lambda m: m.flip(T3)),
    row("flip_axis", lambda m: m.flip(T3, 1)),
    row("flip_axes", lambda m: m.flip(T3, (0, 2))),
    row("fliplr", lambda m: m.fliplr(A)),
    row("flipud", lambda m: m.flipud(A)),
    row("roll", lambda m: m.roll(A, 2)),
    row("roll_axis", lambda m: m.roll(A, -1, axis=1)),
    row("roll_axes", lambda m: m.roll(T3, (1, 2), axis=(0, 2))),
    row("rot90", lambda m: m.rot90(A)),
    row("rot90_k", lambda m: m.rot90(T3, 3, axes=(1, 2))),
    row("rot90_k2", lambda m: m.rot90(A, 2)),
    row("append", lambda m: m.append(A, V)),
    row("append_axis", lambda m: m.append(A, A, axis=0)),
    row("pad_constant", lambda m: m.pad(A, ((1, 0), (2, 1)), "constant", constant_values=7.0)),
    row("pad_int_width", lambda m: m.pad(V, 2, "constant")),
    row("pad_reflect", lambda m: m.pad(A, 1, "reflect")),
    row("pad_symmetric", lambda m: m.pad(A, (1, 2), "symmetric")),
    row("shape", lambda m: m.shape(T3)),
    row("ndim", lambda m: m.ndim(T3)),
    row("size", lambda m: m.size(T3)),
    row("size_number", lambda m: m.size(3.0)),
    row("isscalar", lambda m: m.isscalar(3.0)),
    row("isscalar_vector", lambda m: m.isscalar(V)),
    row("diff", lambda m: m.diff(T3)),
    row("diff_n_axis", lambda m: m.diff(T3, n=2, axis=1)),
    row("diff_bool", lambda m: m.diff(BOOL)),
    # --- indexing ----------------------------------------------------------------------
    row("take_flat", lambda m: m.take(A, [0, 5, 3])),
    row("take_axis", lambda m: m.take(A, [[2, 0], [1, 1]], axis=1)),
    row("take_clip", lambda m: m.take(V, [-4, 1, 9], mode="clip")),
    row("take_wrap", lambda m: m.take(V, [-4, 1, 9], mode="wrap")),
    row("take_along_axis", lambda m: m.take_along_axis(A, np.argsort(A, axis=1), axis=1)),
    row("take_along_axis_broadcast", lambda m: m.take_along_axis(A, np.array([[2, 0]]), 1)),
    row("take_along_axis_negative", lambda m: m.take_along_axis(V, np.array([-1, 0]), 0)),
    row("take_along_axis_none", lambda m: m.take_along_axis(A, np.array([5, 0]), None)),
    row("nonzero", lambda m: m.nonzero(I32 > 0)),
    row("nonzero_scalar", lambda m: m.nonzero(np.float64(2.0)) if m is tnp else
        m.nonzero(np.atleast_1d(2.0))),
    row("where", lambda m: m.where(A > 0, A, -A)),
    row("where_promotes", lambda m: m.where(BOOL, 1, 2.5)),
    row("where_one_arg", lambda m: m.where(I32)),
    row("select", lambda m: m.select([A > 1, A < -1], [A, -A], 0.5)),
    row("compress", lambda m: m.compress([True, False, True], A, axis=1)),
    row("compress_flat", lambda m: m.compress([False, True], A)),
    row("argsort", lambda m: m.argsort(A)),
    row("argsort_axis0_ties", lambda m: m.argsort(np.array([[1, 1], [0, 1], [1, 0]]), axis=0,
                                                 kind="stable")),
    row("argsort_none", lambda m: m.argsort(A, axis=None)),
    row("sort", lambda m: m.sort(T3)),
    row("sort_axis0", lambda m: m.sort(T3, axis=0)),
    row("sort_none", lambda m: m.sort(A, axis=None)),
    row("sort_int", lambda m: m.sort(I32)),
]


@pytest.mark.parametrize("fn, check_dtype, rtol, atol", ROWS)
def test_matches_numpy(fn, check_dtype, rtol, atol):
    # some rows compare nan/inf results on purpose; numpy deprecates 2-element cross
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Arrays of 2-dimensional vectors are deprecated",
                                DeprecationWarning)
        actual, expected = fn(tnp), fn(np)
    assert_same(actual, expected, check_dtype, rtol, atol)


CREATION = [
    row("zeros", lambda m: m.zeros((2, 3))),
    row("zeros_int", lambda m: m.zeros(3, dtype=int)),
    row("ones", lambda m: m.ones([2, 1], np.float32)),
    row("empty_shape", lambda m: m.empty((2, 2)).shape),
    row("zeros_like", lambda m: m.zeros_like(I32)),
    row("ones_like", lambda m: m.ones_like(A, dtype=np.int64)),
    row("empty_like_shape", lambda m: m.empty_like(A).shape),
    row("full", lambda m: m.full((2, 2), 1.5)),
    row("full_int", lambda m: m.full(3, 7)),
    row("full_row", lambda m: m.full((2, 3), V)),
    row("full_dtype", lambda m: m.full((2,), 3, dtype=np.float32)),
    row("full_like", lambda m: m.full_like(I32, 2.7)),
    row("full_like_dtype", lambda m: m.full_like(I32, 2.7, dtype=float)),
    row("eye", lambda m: m.eye(3)),
    row("eye_rect_k", lambda m: m.eye(3, 4, k=1)),
    row("eye_negative_k", lambda m: m.eye(4, 2, k=-1, dtype=np.int32)),
    row("eye_k_off", lambda m: m.eye(2, k=5)),
    row("identity", lambda m: m.identity(3, dtype=bool)),
    row("arange", lambda m: m.arange(5)),
    row("arange_start_stop", lambda m: m.arange(2, 9, 3)),
    row("arange_float", lambda m: m.arange(0.0, 1.0, 0.1)),
    row("arange_negative_step", lambda m: m.arange(5, 1, -1.5)),
    row("arange_empty", lambda m: m.arange(5, 1)),
    row("arange_dtype", lambda m: m.arange(4, dtype=np.float32)),
    row("linspace", lambda m: m.linspace(0, 1, 5)),
    row("linspace_no_endpoint", lambda m: m.linspace(2.0, 3.0, 4, endpoint=False)),
    row("linspace_retstep", lambda m: m.linspace(0, 10, 5, retstep=True)),
    row("linspace_int", lambda m: m.linspace(0, 10, 4, dtype=int)),
    row("linspace_one", lambda m: m.linspace(3.0, 5.0, 1)),
    row("linspace_vector_ends", lambda m: m.linspace(V, W, 4, axis=1)),
    row("logspace", lambda m: m.logspace(0, 3, 4)),
    row("logspace_base", lambda m: m.logspace(0, 3, 4, base=2.0)),
    row("geomspace", lambda m: m.geomspace(1, 1000, 4), rtol=1e-12),
    row("geomspace_negative", lambda m: m.geomspace(-1, -16, 5), rtol=1e-12),
    row("meshgrid", lambda m: m.meshgrid(V, np.arange(4.0))),
    row("meshgrid_ij", lambda m: m.meshgrid(V, np.arange(4.0), np.arange(2), indexing="ij")),
    row("tri", lambda m: m.tri(3, 4, 1)),
    row("tri_dtype", lambda m: m.tri(3, dtype=np.int32)),
    row("tril", lambda m: m.tril(T3, -1)),
    row("triu", lambda m: m.triu(A, 1)),
    row("vander", lambda m: m.vander(V)),
    row("vander_increasing", lambda m: m.vander(V, 5, increasing=True)),
    row("ix", lambda m: m.ix_([0, 1], [2, 0, 1])),
    row("ix_bool", lambda m: m.ix_([True, False, True], [1])),
    row("array", lambda m: m.array([[1, 2], [3, 4]])),
    row("array_ndmin", lambda m: m.array(V, ndmin=3)),
    row("array_dtype_truncates", lambda m: m.array([1.7, -1.7], dtype=np.int32)),
    row("asarray", lambda m: m.asarray([1.5, 2])),
    row("asarray_bool", lambda m: m.asarray([True, False])),
    row("asarray_empty", lambda m: m.asarray([])),
    row("asarray_float_to_bool", lambda m: m.asarray([0.0, 0.5], dtype=bool)),
    row("asanyarray", lambda m: m.asanyarray(A)),
    row("ascontiguousarray", lambda m: m.ascontiguousarray(3.0)),
    row("copy", lambda m: m.copy(A)),
]


@pytest.mark.parametrize("fn, check_dtype, rtol, atol", CREATION)
def test_creation_matches_numpy(fn, check_dtype, rtol, atol):
    assert_same(fn(tnp), fn(np), check_dtype, rtol, atol)
