"""Data types: the `DType` class, its module-level instances and `as_dtype`.

A `DType` names one of the numpy dtypes fasttape supports and answers TF's
questions about it (`is_floating`, `min`, `real_dtype`, ...). There is exactly
one `DType` object per type: `as_dtype`, pickling and copying all return the
interned instance, so identity comparison is valid inside the library.

`from_numpy` is the hot-path conversion used by `Tensor.dtype`; it is a single
dict lookup keyed by `np.dtype` objects, with a slow fallback only for exotic
spellings such as byte-swapped dtypes.

This module shadows the builtin `bool` with the `bool` DType (as `tf.bool`
does), so the code below spells the builtin `builtins.bool`.
"""

import builtins

import numpy as np

__all__ = [
    "DType",
    "as_dtype",
    "float16",
    "float32",
    "float64",
    "half",
    "double",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "complex64",
    "complex128",
]

# Every DType by its canonical name, filled in as the instances are created.
_BY_NAME = {}
# Every DType by TF's DataType enum value (`DType.as_datatype_enum`).
_BY_ENUM = {}
# Every DType by its `np.dtype`; the table behind `from_numpy`.
_BY_NUMPY = {}


class DType:
    """The type of the elements of a Tensor, such as `fasttape.float32`.

    Instances are immutable singletons; obtain them from the module attributes
    (`fasttape.float32`) or with `as_dtype`. Calling `DType(x)` is the same as
    `as_dtype(x)`.

    A DType compares equal to anything `as_dtype` converts to it, e.g. the
    string `'float32'`, `np.float32` or `np.dtype('float32')`:

    >>> float32 == 'float32', float32 == np.float32, float32 == float64
    (True, True, False)
    >>> float32
    fasttape.float32
    >>> print(float32)
    <dtype: 'float32'>

    Attributes:
        name: The canonical name, e.g. `'float32'`.
        as_numpy_dtype: The numpy scalar type, e.g. `np.float32`.
        is_floating: True for float16, float32 and float64.
        is_integer: True for the signed and unsigned integer types.
        is_bool: True for `bool` only.
        is_complex: True for complex64 and complex128.
        is_unsigned: True for the unsigned integer types.
        is_numeric: True for every type except `bool`.
        is_quantized: Always False (fasttape has no quantized types).
        size: The number of bytes per element.
        real_dtype: The DType of the real part (float32 for complex64);
            the type itself for non-complex types.
        base_dtype: The type itself (fasttape has no reference types).
        as_datatype_enum: TF's `DataType` enum value, e.g. 1 for float32.
    """

    __slots__ = (
        "name",
        "as_numpy_dtype",
        "is_floating",
        "is_integer",
        "is_bool",
        "is_complex",
        "is_unsigned",
        "is_numeric",
        "is_quantized",
        "size",
        "real_dtype",
        "base_dtype",
        "as_datatype_enum",
        "_np_dtype",
        "_hash",
    )

    def __new__(cls, type_value):
        return as_dtype(type_value)

    @classmethod
    def _create(cls, name, enum):
        """Builds and registers the single instance for `name` (import time only)."""
        self = object.__new__(cls)
        np_dtype = np.dtype(name)
        kind = np_dtype.kind
        fields = {
            "name": name,
            "as_numpy_dtype": np_dtype.type,
            "is_floating": kind == "f",
            "is_integer": kind in "iu",
            "is_bool": kind == "b",
            "is_complex": kind == "c",
            "is_unsigned": kind == "u",
            "is_numeric": kind != "b",
            "is_quantized": False,
            "size": np_dtype.itemsize,
            "real_dtype": self,  # complex types are patched once their float exists
            "base_dtype": self,
            "as_datatype_enum": enum,
            "_np_dtype": np_dtype,
            "_hash": hash(name),
        }
        for attr, value in fields.items():
            object.__setattr__(self, attr, value)
        _BY_NAME[name] = self
        _BY_ENUM[enum] = self
        _BY_NUMPY[np_dtype] = self
        return self

    def __setattr__(self, attr, value):
        raise AttributeError(f"DType is immutable: cannot set attribute {attr!r}")

    def __delattr__(self, attr):
        raise AttributeError(f"DType is immutable: cannot delete attribute {attr!r}")

    @property
    def min(self):
        """The smallest representable value.

        A numpy scalar of this type for floating types, a Python int for
        integer types.

        Raises:
            TypeError: For `bool` and complex types, which have no order.
        """
        if self.is_floating:
            return np.finfo(self._np_dtype).min
        if self.is_integer:
            return int(np.iinfo(self._np_dtype).min)
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        """The largest representable value.

        A numpy scalar of this type for floating types, a Python int for
        integer types.

        Raises:
            TypeError: For `bool` and complex types, which have no order.
        """
        if self.is_floating:
            return np.finfo(self._np_dtype).max
        if self.is_integer:
            return int(np.iinfo(self._np_dtype).max)
        raise TypeError(f"Cannot find maximum value of {self}.")

    def is_compatible_with(self, other):
        """Returns True if a value of dtype `other` can be used where `self` is expected.

        Without reference types this is plain equality after conversion.

        Args:
            other: Anything `as_dtype` accepts.

        Returns:
            True if `as_dtype(other)` is this type.

        Raises:
            TypeError: If `other` cannot be converted to a DType.
        """
        return as_dtype(other) is self

    def __eq__(self, other):
        if other is self:
            return True
        if type(other) is DType or other is None:
            # Instances are interned, so a different DType is a different type.
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        # Hash of the name, so `{float32: ...}` can be probed with 'float32'.
        return self._hash

    def __repr__(self):
        return "fasttape." + self.name

    def __str__(self):
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


float16 = DType._create("float16", 19)
float32 = DType._create("float32", 1)
float64 = DType._create("float64", 2)
int8 = DType._create("int8", 6)
int16 = DType._create("int16", 5)
int32 = DType._create("int32", 3)
int64 = DType._create("int64", 9)
uint8 = DType._create("uint8", 4)
uint16 = DType._create("uint16", 17)
uint32 = DType._create("uint32", 22)
uint64 = DType._create("uint64", 23)
bool = DType._create("bool", 10)  # noqa: A001 -- TF's public name; see module docstring
complex64 = DType._create("complex64", 8)
complex128 = DType._create("complex128", 18)
object.__setattr__(complex64, "real_dtype", float32)
object.__setattr__(complex128, "real_dtype", float64)

half = float16
double = float64

# Extra spellings accepted by `as_dtype` (TF accepts exactly these three).
_BY_NAME_OR_ALIAS = dict(_BY_NAME, half=float16, double=float64, float=float32)

# Python types TF maps directly; note `float` is float32 and `int` is refused.
_BY_PYTHON_TYPE = {builtins.float: float32, builtins.bool: bool}

FLOATING_NUMPY = frozenset(np.dtype(name) for name in ("float16", "float32", "float64"))
"""The `np.dtype`s of the floating DTypes: the dtypes that can carry a gradient."""


def from_numpy(np_dtype):
    """Returns the DType of a `np.dtype` (hot path: one dict lookup).

    Args:
        np_dtype: A `np.dtype` instance, normally `ndarray.dtype`.

    Returns:
        The matching DType.

    Raises:
        TypeError: If the dtype has no fasttape equivalent.

    >>> from_numpy(np.dtype('float32'))
    fasttape.float32
    """
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        return as_dtype(np_dtype)


def as_dtype(type_value):
    """Converts `type_value` to a DType.

    Accepted values follow `tf.as_dtype`:

    * a DType (returned as is);
    * a type name: `'float32'`, ..., plus `'double'`, `'half'` and `'float'`
      (float32);
    * a `np.dtype` (any byte order) or numpy scalar type, e.g. `np.float32`;
    * the Python types `float` (float32, as in TF) and `bool`; `int` and
      `complex` are refused, as in TF;
    * a TF `DataType` enum value (a Python or numpy integer, e.g. 1 for float32);
    * an object with a numpy `dtype` attribute, such as an ndarray.

    Args:
        type_value: The value to convert.

    Returns:
        The interned DType.

    Raises:
        TypeError: If `type_value` does not name a supported type.

    >>> as_dtype('double'), as_dtype(np.int64), as_dtype(float)
    (fasttape.float64, fasttape.int64, fasttape.float32)
    """
    if type(type_value) is DType:
        return type_value
    try:
        if isinstance(type_value, str):
            return _BY_NAME_OR_ALIAS[type_value]
        if isinstance(type_value, np.dtype):
            result = _BY_NUMPY.get(type_value)
            if result is None:  # e.g. byte-swapped '>f4'
                result = _BY_NUMPY[np.dtype(type_value.type)]
            return result
        if isinstance(type_value, type):
            if type_value in _BY_PYTHON_TYPE:
                return _BY_PYTHON_TYPE[type_value]
            if issubclass(type_value, np.generic):
                return _BY_NUMPY[np.dtype(type_value)]
        elif isinstance(type_value, (int, np.integer)) and not isinstance(
            type_value, (builtins.bool, np.bool_)
        ):
            return _BY_ENUM[int(type_value)]
        else:
            dtype_attr = getattr(type_value, "dtype", None)
            if isinstance(dtype_attr, np.dtype):
                return as_dtype(dtype_attr)
    except (KeyError, TypeError):
        pass
    raise TypeError(
        f"Cannot convert the argument `type_value`: {type_value!r} to a fasttape DType."
    )
