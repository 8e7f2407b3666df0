"""Turning tnp arguments into tensors: inference, conversion and promotion.

Every tnp function goes through here first. A tensor argument is used as it is (a
Variable is read, on the tape), or cast when the function needs another dtype; the
cast is recorded, so gradients flow back to the argument in its own dtype. Python and
numpy values are converted with NumPy's inference (see `_dtypes`), exactly: 0.1
becomes the float64 0.1, never a float32 widened afterwards.
"""

import numbers

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, _TensorLike
from fasttape.experimental.numpy._dtypes import infer_dtype, is_inexact, np_dtype
from fasttape.ops.elementwise import cast
from fasttape.tensor_shape import TensorShape


def _holds_tensor(value):
    if isinstance(value, _TensorLike) or hasattr(value, "_as_dense_tensor"):
        return True
    return isinstance(value, (list, tuple)) and any(_holds_tensor(v) for v in value)


def _fasttape_dtype(dtype):
    try:
        return dtypes.as_dtype(dtype)
    except (TypeError, KeyError, ValueError):
        raise TypeError(f"fasttape has no tensors of dtype {dtype}") from None


def to_tensor(value, dtype=None):
    """`value` as a Tensor of `dtype` (an np.dtype, or None to infer it).

    Tensors (and lists holding them) keep their place on the tape; other values are
    converted NumPy's way, then cast (floats to integers truncate, as `astype` does).
    """
    if _holds_tensor(value):
        tensor = convert_to_tensor(value)
        if dtype is not None and tensor._value.dtype != dtype:
            tensor = cast(tensor, _fasttape_dtype(dtype))
        return tensor
    if dtype is None:
        dtype = infer_dtype(value)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"fasttape has no string tensors: cannot convert {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind in "OUSV":
        raise ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type "
                         f"({type(value)}) to a Tensor.")
    _fasttape_dtype(dtype)
    return _engine.wrap(np.array(arr, dtype=dtype))


def to_tensors(*values):
    """The values converted to their common dtype (NumPy's promotion)."""
    if all(isinstance(v, Tensor) for v in values):
        first = values[0]._value.dtype
        if all(v._value.dtype == first for v in values):
            return list(values)
    dtype = infer_dtype(*values)
    return [to_tensor(v, dtype) for v in values]


def as_float(tensor):
    """A tensor of an integer or bool dtype cast to float64 (NumPy's `float`)."""
    if is_inexact(tensor._value.dtype):
        return tensor
    return cast(tensor, dtypes.float64)


def dtype_arg(dtype):
    """The np.dtype for a `dtype=` argument, or None when it is None."""
    return None if dtype is None else np_dtype(dtype)


def axis_arg(axis):
    """An `axis=` argument as an int, a tuple of ints, or None (numpy accepts both)."""
    if axis is None:
        return None
    if isinstance(axis, _TensorLike):
        axis = np.asarray(axis).tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def normalize_axis(axis, rank):
    """`axis` in [0, rank); InvalidArgumentError when out of range, as TF's ops raise."""
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"axis {axis} is out of bounds for a tensor of rank {rank}")
    return axis % rank


def shape_tuple(shape):
    """A tuple of ints from an int, a sequence, a TensorShape or an int tensor."""
    if isinstance(shape, TensorShape):
        return tuple(shape.as_list())
    if isinstance(shape, _TensorLike):
        shape = np.asarray(shape).tolist()
    if isinstance(shape, (numbers.Integral, np.integer)):
        return (int(shape),)
    dims = tuple(int(d) for d in shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"negative dimensions are not allowed: {dims}")
    return dims
