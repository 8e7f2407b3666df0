"""Turning Python values into Tensors: `constant`, `convert_to_tensor`, operand rules.

TF's inference rules: Python floats become float32, ints int32 (int64 when too
large), bools bool; numpy arrays and numpy scalars keep their dtype; a nested list
that contains tensors is stacked, differentiably, with its numbers adopting the
tensors' dtype. A non-tensor operand of an op adopts the dtype of the tensor it
meets (`f32 + 2` is float32, `f32 + np.float64 array` is float32), and existing
tensors are never cast silently.
"""

import numbers

import numpy as np

from fasttape import _engine, dtypes
from fasttape._engine import Tensor, Variable, _TensorLike
from fasttape.tensor_shape import TensorShape

__all__ = ["constant", "convert_to_tensor", "is_tensor", "register_tensor_conversion_function"]

_INT32 = np.iinfo(np.int32)
_INT64 = np.iinfo(np.int64)


def _dtype_or_none(dtype):
    return None if dtype is None else dtypes.as_dtype(dtype)


def _unsupported(value):
    return ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type "
                      f"({type(value)}) to a Tensor.")


_MIXED = "Can't convert Python sequence with mixed types to Tensor."
_NUMBER_TYPES = (int, float, complex, bool, np.number, np.bool_)


def _check_sequence(value, dtype):
    """TF's rules for the leaves of a Python sequence: one kind of leaf only (numbers,
    strings, None or one other type), and no strings where a numeric dtype is asked."""
    try:
        leaves = list(_leaves(value))
    except RecursionError:                        # a list that contains itself
        raise ValueError(_MIXED) from None
    kinds = set()
    other = None
    for leaf in leaves:
        if isinstance(leaf, _NUMBER_TYPES):
            kinds.add("number")
        elif isinstance(leaf, np.ndarray):
            kinds.add("number" if leaf.dtype.kind in "biufc" else "other")
            other = leaf if other is None else other
        elif isinstance(leaf, (str, bytes)):
            kinds.add("string")
        elif leaf is None:
            kinds.add("none")
        else:
            kinds.add(type(leaf))
            other = leaf if other is None else other
        if len(kinds) > 1:
            raise ValueError(_MIXED)
    if kinds == {"none"}:
        raise _unsupported(None)
    if kinds == {"string"} and dtype is not None:
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if kinds and kinds != {"number"} and kinds != {"string"} and other is not None:
        raise _unsupported(other)


def _unsupported_numpy(np_dtype):
    if np_dtype.kind == "O":
        return ValueError("Failed to convert a NumPy array to a Tensor (Unsupported object "
                          "type object).")
    name = {"m": "TIMEDELTA", "M": "DATETIME", "g": "LONGDOUBLE", "G": "CLONGDOUBLE"}.get(
        np_dtype.char if np_dtype.kind in "fc" else np_dtype.kind)
    return ValueError("Failed to convert a NumPy array to a Tensor (" + (
        f"Unsupported numpy type: NPY_{name})." if name else "Unexpected numpy data type)."))


def _from_numpy(value, dtype):
    """A new native-byte-order array from a numpy array or scalar: the one place where
    numpy values enter, so every op, Variable and assign sees native data."""
    np_dtype = value.dtype
    if np_dtype.kind in "US":
        raise TypeError(f"fasttape has no {np_dtype} tensors")
    if dtype is not None and np_dtype.kind not in "OV":
        # (TF casts any numeric-like array, datetimes included, to a requested dtype)
        return np.array(value, dtype=dtype.as_numpy_dtype, copy=True)
    try:
        dtypes.from_numpy(np_dtype.newbyteorder("="))
    except TypeError:
        raise _unsupported_numpy(np_dtype) from None
    if not np_dtype.isnative:
        return value.astype(np_dtype.newbyteorder("="))
    return np.array(value, copy=True)


def _python_array(value):
    """An array for a Python scalar or (nested) sequence, with TF's default dtypes."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"fasttape has no string tensors: cannot convert {value!r}")
    try:
        arr = np.array(value)
    except (ValueError, OverflowError) as exc:
        if "inhomogeneous" in str(exc) or "sequence" in str(exc):
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
        raise ValueError("Can't convert Python sequence with out-of-range integer to "
                         "Tensor.") from None
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(np.float32) if arr.dtype == np.float64 and _pure_python(value) else arr
    if kind in "iu":
        if arr.dtype == np.uint64 or (arr.size and (arr.max() > _INT64.max)):
            raise ValueError("Can't convert Python sequence with out-of-range integer to "
                             "Tensor.")
        if arr.size == 0 or (arr.min() >= _INT32.min and arr.max() <= _INT32.max):
            return arr.astype(np.int32)
        return arr.astype(np.int64)
    if kind in "bc":
        return arr
    if kind == "O":
        if isinstance(value, (list, tuple)) and any(isinstance(v, int) for v in _leaves(value)):
            raise ValueError("Can't convert Python sequence with out-of-range integer to "
                             "Tensor.")
        raise _unsupported(value)
    raise TypeError(f"fasttape has no {arr.dtype} tensors: cannot convert {value!r}")


def _leaves(value):
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _pure_python(value):
    """True unless a numpy float64 scalar sits among the leaves (it keeps float64)."""
    if isinstance(value, float):
        return type(value) is float
    if isinstance(value, (list, tuple)):
        return not any(isinstance(v, np.float64) for v in _leaves(value))
    return True


def _cast_python(value, dtype):
    """An array of `dtype` for a Python value; float -> integer is refused, as TF does."""
    np_dtype = dtype.as_numpy_dtype
    if dtype.is_integer or dtype.is_bool:
        for leaf in _leaves(value):
            if isinstance(leaf, float) or (
                    isinstance(leaf, (np.floating, np.complexfloating))) or (
                    dtype.is_bool and not isinstance(leaf, (bool, np.bool_))):
                raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"fasttape has no string tensors: cannot convert {value!r}")
    try:
        return np.array(value, dtype=np_dtype)
    except (ValueError, TypeError, OverflowError) as exc:
        if "inhomogeneous" in str(exc) or "sequence" in str(exc):
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}") from None


def _contains_tensor(value):
    if isinstance(value, _TensorLike):
        return True
    return isinstance(value, (list, tuple)) and any(_contains_tensor(v) for v in value)


def _has_tensor(value):
    try:
        return _contains_tensor(value)
    except RecursionError:                        # a list that contains itself
        raise ValueError(_MIXED) from None


def _first_tensor_dtype(value):
    for leaf in _leaves(value):
        if isinstance(leaf, _TensorLike):
            return leaf.dtype
    return None


# (priority, registration order, base types, function), tried in that order
_CONVERSIONS = []
_UNCONVERTIBLE = (int, float, np.generic, np.ndarray)


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Teach `convert_to_tensor` (and so every op) to convert instances of `base_type`.

    `conversion_func(value, dtype=None, name=None, as_ref=False)` returns a Tensor, or
    NotImplemented to let the next registered function try. Lower `priority` runs
    first.

    Raises:
        TypeError: `base_type` is not a type (or tuple of types), is a Python number or
            numpy type, or `conversion_func` is not callable.
    """
    base_types = base_type if isinstance(base_type, tuple) else (base_type,)
    if any(not isinstance(t, type) for t in base_types):
        raise TypeError(f"Argument `base_type` must be a type or a tuple of types. "
                        f"Obtained: {base_type!r}")
    if any(issubclass(t, _UNCONVERTIBLE) for t in base_types):
        raise TypeError("Cannot register conversions for Python numeric types and NumPy "
                        "scalars and arrays.")
    if not callable(conversion_func):
        raise TypeError(f"Argument `conversion_func` must be callable. Received "
                        f"{conversion_func!r}.")
    _CONVERSIONS.append((priority, len(_CONVERSIONS), base_types, conversion_func))
    _CONVERSIONS.sort(key=lambda entry: entry[:2])


def _registered(value, dtype, name):
    """The registered conversion of `value`, or None when no function takes it."""
    for _, _, base_types, func in _CONVERSIONS:
        if not isinstance(value, base_types):
            continue
        ret = func(value, dtype=dtype, name=name, as_ref=False)
        if ret is NotImplemented:
            continue
        if not isinstance(ret, _TensorLike):
            raise RuntimeError(f"Conversion function {func!r} for type {base_types} "
                               f"returned non-Tensor: {ret!r}")
        if dtype is not None and ret.dtype != dtype:
            raise RuntimeError(f"Conversion function {func!r} for type {base_types} "
                               f"returned incompatible dtype: requested = {dtype.name}, "
                               f"actual = {ret.dtype.name}")
        return _engine.read(ret)
    return None


# tf.stack, which the ops layer (above this module) hands over when it loads
_stack = None


def install(stack):
    """Called by fasttape.ops: the op that packs a list of tensors into one."""
    global _stack
    _stack = stack


def _pack(value, dtype):
    """Stack a nested list holding tensors, so the result stays on the tape."""
    if isinstance(value, (list, tuple)):
        return _stack([_pack(v, dtype) for v in value])
    return convert_to_tensor(value, dtype=dtype)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None,
                      preferred_dtype=None) -> Tensor:
    """Convert `value` to a Tensor.

    Args:
        value: A Tensor, Variable, IndexedSlices, numpy array, Python scalar or a
            (nested) list of those. Lists holding tensors are stacked on the tape.
        dtype: Optional DType. Python values are converted to it; a Tensor of another
            dtype raises ValueError (no silent casts).
        dtype_hint: Optional DType used for Python values when `dtype` is None, when
            they can be represented in it.
        name: Ignored (eager mode).
        preferred_dtype: Alias of `dtype_hint`.

    Returns:
        A Tensor. A Variable gives its current value, recorded as a read.

    Raises:
        ValueError: for None, unsupported objects, ragged lists, or a tensor of a
            different dtype than `dtype`.
        TypeError: for values that cannot be represented in `dtype` (2.5 as int32).

    >>> convert_to_tensor([1., 2.])
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """
    kind = type(value)
    if kind is Tensor and dtype is None:
        if value._value is None:
            return _engine.read(value)             # raises: an uninitialised Tensor
        return value                                                # the commonest cases
    if dtype is None and dtype_hint is None and preferred_dtype is None and (
            kind is float or (kind is list and value and all([type(v) is float for v in value]))):
        return _engine.wrap(np.array(value, dtype=np.float32))     # Python floats
    dtype = _dtype_or_none(dtype)
    if isinstance(value, _TensorLike):
        tensor = _engine.read(value)
        if dtype is not None and tensor.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {tensor.dtype.name}: {tensor!r}")
        return tensor
    if hasattr(value, "_as_dense_tensor"):         # IndexedSlices
        return convert_to_tensor(value._as_dense_tensor(), dtype=dtype)
    if _CONVERSIONS and not isinstance(value, (list, tuple)):
        hint = _dtype_or_none(dtype_hint or preferred_dtype) if dtype is None else None
        if hint is not None:                      # the hint first, as TF
            try:
                ret = _registered(value, hint, name)
            except (TypeError, ValueError):
                ret = None
            if ret is not None:
                return ret
        ret = _registered(value, dtype, name)
        if ret is not None:
            return ret
    if value is None:
        raise _unsupported(value)
    if isinstance(value, (list, tuple)) and _has_tensor(value):
        return _pack(value, dtype or _first_tensor_dtype(value))
    if isinstance(value, (np.ndarray, np.generic)):
        return _engine.wrap(_from_numpy(value, dtype))
    if not isinstance(value, (numbers.Number, list, tuple, str, bytes)):
        if isinstance(value, TensorShape):
            return _engine.wrap(_shape_array(value, dtype))
        if hasattr(value, "__array__"):
            return convert_to_tensor(np.asarray(value), dtype=dtype)
        raise _unsupported(value)
    if isinstance(value, (list, tuple)):
        _check_sequence(value, dtype)
    elif not isinstance(value, _NUMBER_TYPES + (str, bytes)):
        raise _unsupported(value)                 # Decimal, Fraction, ...
    if dtype is None:
        hint = _dtype_or_none(dtype_hint or preferred_dtype)
        if hint is not None:
            try:
                return _engine.wrap(_cast_python(value, hint))
            except (TypeError, ValueError):
                pass
        return _engine.wrap(_python_array(value))
    return _engine.wrap(_cast_python(value, dtype))


def _shape_array(shape, dtype):
    """A fully known TensorShape as TF converts it: int32, or int64 when a dimension
    needs it or `dtype` asks for it."""
    if not shape.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor.")
    dims = shape.as_list()
    if dtype is None:
        dtype = dtypes.int64 if any(d >= 2**31 for d in dims) else dtypes.int32
    elif dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Cannot convert TensorShape {shape} to dtype {dtype}. Allowed "
                        f"dtypes are {dtypes.int32!r} and {dtypes.int64!r}.")
    return np.array(dims, dtype=dtype.as_numpy_dtype)


def constant(value, dtype=None, shape=None, name="Const") -> Tensor:
    """A constant Tensor from a Python or numpy value.

    Args:
        value: A Python scalar, (nested) list, numpy array or Tensor.
        dtype: Optional DType to convert to.
        shape: Optional shape: a scalar (or one-element) value fills it, any other
            value with the same number of elements is reshaped to it.
        name: Ignored (eager mode).

    Returns:
        A Tensor that does not depend on anything recorded.

    >>> constant(1., shape=[2])
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([1., 1.], dtype=float32)>
    """
    if type(value) is float and dtype is None and shape is None:
        return _engine.wrap(np.array(value, dtype=np.float32))
    if isinstance(value, _TensorLike):
        tensor = _engine.read(value)
        if dtype is not None and tensor.dtype != dtypes.as_dtype(dtype):
            tensor = _engine.wrap(tensor.numpy().astype(dtypes.as_dtype(dtype).as_numpy_dtype))
    elif isinstance(value, (list, tuple)) and _has_tensor(value):
        # TF builds a constant from Python data only; packing tensors is tf.stack's job
        raise ValueError("tf.constant cannot take a list or tuple that holds Tensors or "
                         "Variables; use tf.stack or tf.convert_to_tensor to pack them")
    else:
        tensor = convert_to_tensor(value, dtype=dtype)
    if shape is None:
        return _engine.wrap(np.asarray(tensor))
    shape = tuple(int(d) for d in (shape if isinstance(shape, (list, tuple)) else list(shape)))
    arr = np.asarray(tensor)
    if arr.size == 1:
        return _engine.wrap(np.full(shape, arr.reshape(()), dtype=arr.dtype))
    if arr.size != int(np.prod(shape)):
        raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor "
                        f"{tensor} (converted from {value}) has {arr.size} elements, but got "
                        f"`shape` {shape} with {int(np.prod(shape))} elements).")
    return _engine.wrap(arr.reshape(shape))


def is_tensor(x) -> bool:
    """True for Tensors and Variables (TF's `tf.is_tensor`)."""
    return isinstance(x, (_TensorLike,)) or hasattr(x, "_as_dense_tensor")


# An op's inputs as tensors, non-tensors adopting the first tensor's dtype (compiled:
# it runs on every op call).
convert_inputs = _engine.convert_inputs


__all__ += ["Tensor", "Variable"]
