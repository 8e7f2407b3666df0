"""tnp array creation: conversion, fills, ranges, grids and triangular matrices.

Results are constants, except where a tensor goes in: `array`/`asarray` of a tensor
(or of a list holding tensors) stay on the tape, `full`/`full_like` are differentiable
with respect to the fill value, `linspace`/`logspace`/`geomspace` with respect to
their ends, and `meshgrid`, `tril`, `triu` and `vander` with respect to their inputs.
"""

import numpy as np

from fasttape import _engine, dtypes
from fasttape._engine import Tensor, _TensorLike
from fasttape.experimental.numpy._core import dtype_arg, shape_tuple, to_tensor
from fasttape.experimental.numpy._dtypes import default_float, infer_dtype, np_dtype
from fasttape.experimental.numpy._math import log10
from fasttape.experimental.numpy._shape import moveaxis
from fasttape.ops.creation import linspace as _tf_linspace
from fasttape.ops.elementwise import cast, pow as _pow, where
from fasttape.ops.elementwise import identity as _identity
from fasttape.ops.math_ops import floor
from fasttape.ops.elementwise import sign as _sign
from fasttape.ops.shape import broadcast_to, reshape

__all__ = [
    "array", "asarray", "asanyarray", "ascontiguousarray", "copy", "empty", "empty_like",
    "zeros", "zeros_like", "ones", "ones_like", "full", "full_like", "eye", "identity",
    "arange", "linspace", "logspace", "geomspace", "meshgrid", "tri", "tril", "triu",
    "vander", "ix_", "diag_indices",
]

_MAX_NDMIN = 32


def _constant(arr):
    return _engine.wrap(arr)


def _float_or(dtype):
    """The dtype for a creation function whose NumPy default is `float`."""
    return default_float() if dtype is None else np_dtype(dtype)


# --- conversion ------------------------------------------------------------------------

def array(val, dtype=None, copy=True, ndmin=0):  # noqa: A002 - numpy's name
    """A tensor from `val` (tensors, numbers, lists, numpy arrays), NumPy's inference.

    Python floats give float64 (float32 under `prefer_float32`), ints int64. A tensor
    keeps its place on the tape: converting to another dtype records a cast.

    Args:
        val: The value.
        dtype: Optional dtype (a NumPy type, a Python type or a fasttape DType);
            floats converted to integers truncate.
        copy: Ignored beyond making a tensor argument a new tensor (tensors are
            immutable).
        ndmin: Leading axes of length 1 are added up to this rank.

    Raises:
        ValueError: ndmin above 32, or a value that cannot be converted.
    """
    if ndmin > _MAX_NDMIN:
        raise ValueError(f"ndmin bigger than allowable number of dimensions: {_MAX_NDMIN}.")
    result = to_tensor(val, dtype_arg(dtype))
    if copy and result is val:
        result = _identity(result)
    if ndmin > result.ndim:
        result = reshape(result, (1,) * (ndmin - result.ndim) + tuple(result.shape))
    return result


def asarray(a, dtype=None):
    """`a` as a tensor: itself when it already is one of `dtype` (see `array`)."""
    if isinstance(a, Tensor) and (dtype is None or a._value.dtype == np_dtype(dtype)):
        return a
    return array(a, dtype, copy=False)


def asanyarray(a, dtype=None):
    """Same as `asarray` (fasttape has one tensor type)."""
    return asarray(a, dtype)


def ascontiguousarray(a, dtype=None):
    """`array(a, dtype)` with at least one axis."""
    return array(a, dtype, ndmin=1)


def copy(a):
    """A new tensor with the value of `a` (differentiable)."""
    return array(a, copy=True)


# --- fills -------------------------------------------------------------------------------

def zeros(shape, dtype=float):
    """Zeros of `shape`; float64 by default (`dtype=None`: float32 under prefer_float32)."""
    return _constant(np.zeros(shape_tuple(shape), dtype=_float_or(dtype)))


def ones(shape, dtype=float):
    """Ones of `shape`; float64 by default (`dtype=None`: float32 under prefer_float32)."""
    return _constant(np.ones(shape_tuple(shape), dtype=_float_or(dtype)))


def empty(shape, dtype=float):
    """Zeros of `shape` (tensors cannot be left uninitialised)."""
    return zeros(shape, dtype)


def _like(a, dtype):
    """(shape, dtype) for the *_like functions: a's shape, `dtype` or a's dtype."""
    t = asarray(a)
    return tuple(t.shape), (infer_dtype(t) if dtype is None else np_dtype(dtype))


def zeros_like(a, dtype=None):
    """Zeros with the shape and (by default) the dtype of `a`; a constant."""
    shape, dt = _like(a, dtype)
    return _constant(np.zeros(shape, dtype=dt))


def ones_like(a, dtype=None):
    """Ones with the shape and (by default) the dtype of `a`; a constant."""
    shape, dt = _like(a, dtype)
    return _constant(np.ones(shape, dtype=dt))


def empty_like(a, dtype=None):
    """Zeros with the shape and (by default) the dtype of `a`."""
    return zeros_like(a, dtype)


def full(shape, fill_value, dtype=None):
    """`fill_value` broadcast to `shape` (differentiable with respect to it).

    The dtype is `dtype`, or the one NumPy infers for `fill_value`.
    """
    value = to_tensor(fill_value, dtype_arg(dtype))
    return broadcast_to(value, shape_tuple(shape))


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None):
    """`fill_value` broadcast to the shape of `a`, in `dtype` or a's dtype.

    Raises:
        ValueError: `order` other than 'K', `subok=False` or a `shape` (not supported).
    """
    if order != "K":
        raise ValueError("Non-standard orders are not supported.")
    if not subok:
        raise ValueError("subok being False is not supported.")
    if shape:
        raise ValueError("Overriding the shape is not supported.")
    like, dt = _like(a, dtype)
    return broadcast_to(to_tensor(fill_value, dt), like)


def eye(N, M=None, k=0, dtype=float):  # noqa: N803 - numpy's names
    """An N x M matrix with ones on the k-th diagonal (float64 by default)."""
    cols = N if M is None else int(M)
    return _constant(np.eye(int(N), cols, int(k), dtype=_float_or(dtype)))


def identity(n, dtype=float):
    """The n x n identity matrix."""
    return eye(n, n, dtype=dtype)


# --- ranges ------------------------------------------------------------------------------

def _number(value):
    """A Python or numpy number from a number or a 0-d tensor."""
    if isinstance(value, _TensorLike):
        return np.asarray(value)[()]
    return value


def arange(start, stop=None, step=1, dtype=None):
    """Values from `start` (0 with one argument) to `stop`, exclusive, `step` apart.

    The dtype is `dtype`, or the one NumPy infers for the arguments (int64 for ints,
    float64 for floats). With an integer `dtype` and a fractional step the values are
    computed in floats and truncated, as TF does. A constant.

    Raises:
        ValueError: a zero step.
    """
    if not step:
        raise ValueError("step must be non-zero.")
    args = (start, step) if stop is None else (start, step, stop)
    dt = np_dtype(dtype) if dtype is not None else infer_dtype(*args)
    start, stop, step = _number(start), _number(stop), _number(step)
    if stop is None:
        start, stop = 0, start
    return _constant(np.arange(start, stop, step).astype(dt))


def _float_dtype_of(*values):
    """The float dtype NumPy computes `values * 1.0` in."""
    dt = infer_dtype(*values, 0.0)
    return dt if np.issubdtype(dt, np.inexact) else np.dtype(np.float64)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=float, axis=0):
    """`num` evenly spaced values from `start` to `stop` (included if `endpoint`).

    Computed in the float dtype of the ends (float64 for Python numbers; float32 under
    prefer_float32 or for float32 tensors), then converted to `dtype` when one other
    than `float` is given (integers round down, as NumPy does). Differentiable with
    respect to tensor ends.

    Returns:
        The values, or (values, step) with `retstep`.

    Raises:
        ValueError: a negative `num`.
    """
    num = int(num)
    if num < 0:
        raise ValueError(f"Argument `num` (number of samples) must be a non-negative "
                         f"integer. Received: num={num}")
    work = _float_dtype_of(start, stop)
    lo, hi = to_tensor(start, work), to_tensor(stop, work)
    step = None
    if endpoint:
        result = _tf_linspace(lo, hi, num, axis=axis)
        if num > 1:
            step = (hi - lo) / (num - 1)
    else:
        if num > 0:
            step = (hi - lo) / num
        result = _tf_linspace(lo, hi - step if num > 1 else hi, num, axis=axis)
    if dtype is not float and dtype is not None:
        target = np_dtype(dtype)
        if np.issubdtype(target, np.integer):
            result = floor(result)
        result = cast(result, dtypes.as_dtype(target))
    if retstep:
        return result, (step if step is not None else _constant(np.array(np.nan, work)))
    return result


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """`base ** linspace(start, stop, num)`, in `dtype` when given."""
    work = _float_dtype_of(start, stop)
    exponents = linspace(start, stop, num, endpoint=endpoint, dtype=work, axis=axis)
    result = _pow(to_tensor(base, work), exponents)
    return result if dtype is None else cast(result, dtypes.as_dtype(np_dtype(dtype)))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values from `start` to `stop` spaced evenly on a log scale.

    Both ends negative gives negative values; ends of opposite signs give nan.
    """
    out = np_dtype(dtype) if dtype is not None else infer_dtype(start, stop, float(num))
    work = np.promote_types(out, np.float32)
    lo, hi = to_tensor(start, work), to_tensor(stop, work)
    # +1 where both ends are positive, -1 where both are negative (else log10 -> nan)
    flip = 1 - (1 - _sign(lo)) * (1 - _sign(hi)) // 2
    result = flip * logspace(log10(flip * lo), log10(flip * hi), num, endpoint=endpoint,
                             base=10.0, dtype=work, axis=0)
    if axis != 0:
        result = moveaxis(result, 0, axis)
    return cast(result, dtypes.as_dtype(out))


# --- grids and matrices ------------------------------------------------------------------

def meshgrid(*xi, **kwargs):
    """Coordinate grids from 1-D coordinate vectors (differentiable).

    Keyword args: `indexing` 'xy' (default: the first two axes swapped) or 'ij';
    `sparse` and `copy` must keep their defaults (False, True).

    Raises:
        ValueError: sparse=True, copy=False, or an unknown indexing.
    """
    sparse = kwargs.pop("sparse", False)
    copy_ = kwargs.pop("copy", True)
    indexing = kwargs.pop("indexing", "xy")
    if sparse:
        raise ValueError(f"Function `meshgrid` does not support returning sparse arrays "
                         f"yet. Received: sparse={sparse}")
    if not copy_:
        raise ValueError(f"Function `meshgrid` only supports copy=True. Received: copy={copy_}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing must be 'xy' or 'ij', got {indexing!r}")
    if kwargs:
        raise TypeError(f"meshgrid() got unexpected keyword arguments {sorted(kwargs)}")
    vectors = [reshape(asarray(x), [-1]) for x in xi]
    sizes = [int(v.shape[0]) for v in vectors]
    if indexing == "xy" and len(vectors) > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for i, v in enumerate(vectors):
        place = i
        if indexing == "xy" and len(vectors) > 1 and i < 2:
            place = 1 - i
        shape = [1] * len(vectors)
        shape[place] = -1
        grids.append(broadcast_to(reshape(v, shape), sizes))
    return grids


def tri(N, M=None, k=0, dtype=None):  # noqa: N803 - numpy's names
    """An N x M matrix of ones at and below the k-th diagonal (float64 by default)."""
    dt = np.dtype(np.float64) if dtype is None else np_dtype(dtype)
    return _constant(np.tri(int(N), None if M is None else int(M), int(k), dtype=dt))


def _triangle(m, k, lower, what):
    m = asarray(m)
    shape = tuple(m.shape)
    if len(shape) < 2:
        raise ValueError(f"Argument to {what} must have rank at least 2")
    mask = np.tri(shape[-2], shape[-1], k if lower else k - 1, dtype=bool)
    if not lower:
        mask = ~mask
    keep = _constant(np.broadcast_to(mask, shape).copy())
    return where(keep, m, _constant(np.zeros(shape, dtype=m._value.dtype)))


def tril(m, k=0):
    """`m` with the elements above the k-th diagonal zeroed (last two axes).

    Raises:
        ValueError: `m` of rank below 2.
    """
    return _triangle(m, k, True, "tril")


def triu(m, k=0):
    """`m` with the elements below the k-th diagonal zeroed (last two axes).

    Raises:
        ValueError: `m` of rank below 2.
    """
    return _triangle(m, k, False, "triu")


def vander(x, N=None, increasing=False):  # noqa: N803 - numpy's name
    """The Vandermonde matrix of a vector: columns x**(N-1), ..., x**0 (or increasing).

    Raises:
        ValueError: `x` not one-dimensional, or a negative N.
    """
    x = asarray(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array")
    n = int(x.shape[0]) if N is None else int(N)
    if n < 0:
        raise ValueError("N must be nonnegative")
    powers = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    return _pow(reshape(x, [-1, 1]), _constant(powers.astype(x._value.dtype)))


def ix_(*args):
    """Open meshes for indexing: the i-th int (or bool, via its nonzero positions)
    vector reshaped to length-1 axes everywhere but axis i.

    Raises:
        ValueError: an argument that is not 1-D, or not of an integer or bool dtype.
    """
    out = []
    for i, a in enumerate(args):
        a = asarray(a)
        if a.ndim != 1:
            raise ValueError(f"Arguments must be 1-d, got arg {i} of rank {a.ndim}")
        arr = np.asarray(a)
        if arr.dtype == np.bool_:
            arr = np.flatnonzero(arr)
        elif arr.dtype.kind not in "iu":
            raise ValueError(f"Only integer and bool dtypes are supported, got {a.dtype}")
        shape = [1] * len(args)
        shape[i] = -1
        out.append(_constant(arr.reshape(shape)))
    return out


def diag_indices(n, ndim=2):
    """A tuple of `ndim` int32 vectors 0..n-1: the indices of the main diagonal.

    Raises:
        ValueError: negative n or ndim.
    """
    if n < 0:
        raise ValueError(f"n argument to diag_indices must be nonnegative, got {n}")
    if ndim < 0:
        raise ValueError(f"ndim argument to diag_indices must be nonnegative, got {ndim}")
    return (_constant(np.arange(n, dtype=np.int32)),) * ndim

