"""tnp's dtypes and its type inference: NumPy's rules on fasttape tensors.

The names (`tnp.float32`, `tnp.int64`, ...) are NumPy's scalar types, as in TF, and
they compare equal to fasttape DTypes (`x.dtype == tnp.float32`). Type inference is
`np.result_type` over the arguments, where a tensor, a numpy array and a numpy scalar
count with their dtype, and Python numbers are "weak" (they adopt the other operands'
kind: `float32 tensor + 1.5` is float32, `int32 tensor + 1.5` is float64). Python
numbers alone give NumPy's defaults: int64 and float64, or float32 for floats once
`experimental_enable_numpy_behavior(prefer_float32=True)` is in force.
"""

import numbers

import numpy as np

from fasttape import dtypes
from fasttape._convert import _leaves
from fasttape._engine import _TensorLike

__all__ = [
    "bool_", "complex64", "complex128", "complex_", "float16", "float32", "float64",
    "float_", "inexact", "int_", "int8", "int16", "int32", "int64", "object_", "string_",
    "uint8", "uint16", "uint32", "uint64", "unicode_", "iinfo", "finfo", "issubdtype",
    "promote_types", "result_type",
]

bool_ = np.bool_
complex64 = np.complex64
complex128 = np.complex128
complex_ = np.complex128
float16 = np.float16
float32 = np.float32
float64 = np.float64
float_ = np.float64
inexact = np.inexact
int_ = np.int_
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
object_ = np.object_
string_ = np.bytes_
uint8 = np.uint8
uint16 = np.uint16
uint32 = np.uint32
uint64 = np.uint64
unicode_ = np.str_


class _State:
    """Process-wide switches set by `experimental_enable_numpy_behavior`."""

    prefer_float32 = False


STATE = _State()


def np_dtype(dtype):
    """An `np.dtype` for anything naming one: a fasttape DType, a NumPy type or dtype,
    a string, or a Python type (`float` is float64 and `int` int64, as in NumPy)."""
    if isinstance(dtype, dtypes.DType):
        return np.dtype(dtype.as_numpy_dtype)
    if hasattr(dtype, "as_numpy_dtype"):           # a DType from elsewhere (tf.float32)
        return np.dtype(dtype.as_numpy_dtype)
    return np.dtype(dtype)


def is_inexact(dtype):
    return np.issubdtype(dtype, np.inexact)


def default_float():
    """The dtype tnp gives Python floats: float64, or float32 with prefer_float32."""
    return np.dtype(np.float32 if STATE.prefer_float32 else np.float64)




def _inference_input(value):
    """What `np.result_type` should see for one argument (see the module doc)."""
    if isinstance(value, _TensorLike):
        return np.dtype(value.dtype.as_numpy_dtype)
    if STATE.prefer_float32 and isinstance(value, (float, complex)):
        # (np.float64 and np.complex128 scalars are Python floats and complexes too)
        return np.dtype(np.float32 if isinstance(value, float) else np.complex64)
    if isinstance(value, numbers.Number) and not isinstance(value, np.generic):
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    if isinstance(value, dtypes.DType):
        return np_dtype(value)
    if hasattr(value, "_as_dense_tensor"):          # IndexedSlices
        return np_dtype(value.dtype)
    if isinstance(value, type) or isinstance(value, (np.dtype, str)):
        return np_dtype(value)
    if hasattr(value, "__array__"):
        return np.asarray(value).dtype
    raise TypeError(f"Cannot infer a dtype from {value!r} of type {type(value).__name__}")


def infer_dtype(*values):
    """The `np.dtype` of combining `values` (tensors, arrays, numbers, nested lists,
    dtypes) by NumPy's rules. With nothing to look at, float64 (NumPy's `[]`)."""
    inputs = [_inference_input(v) for v in _leaves(values)]
    if not inputs:
        return np.dtype(np.float64)
    return np.result_type(*inputs)


def result_type(*arrays_and_dtypes):
    """The fasttape DType NumPy's promotion gives for these arrays, values and dtypes.

    >>> result_type(int32, 1.5)
    fasttape.float64
    """
    return dtypes.as_dtype(infer_dtype(*arrays_and_dtypes))


def promote_types(type1, type2):
    """The smallest NumPy dtype both types convert to safely (`np.promote_types`)."""
    return np.promote_types(np_dtype(type1), np_dtype(type2))


def finfo(dtype):
    """Machine limits of a float dtype (`np.finfo`; fasttape DTypes accepted)."""
    return np.finfo(np_dtype(dtype))


def iinfo(int_type):
    """Machine limits of an integer dtype (`np.iinfo`; fasttape DTypes accepted)."""
    return np.iinfo(np_dtype(int_type))


def issubdtype(arg1, arg2):
    """`np.issubdtype`, also for fasttape DTypes: `issubdtype(x.dtype, tnp.floating)`."""
    def as_numpy(arg):
        return np.dtype(arg.as_numpy_dtype) if isinstance(arg, dtypes.DType) else arg
    return np.issubdtype(as_numpy(arg1), as_numpy(arg2))
