"""Specs of composite values (`tf.SparseTensorSpec`, `tf.IndexedSlicesSpec`,
`tf.TensorArraySpec`, `tf.NoneTensorSpec`) and `tf.type_spec_from_value`."""

from fasttape import dtypes
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, Variable
from fasttape.function import TensorSpec
from fasttape.indexed_slices import IndexedSlices
from fasttape.ops.functional import TensorArray
from fasttape.ops.sparse_ops import SparseTensor
from fasttape.tensor_shape import TensorShape
from fasttape.type_spec import TypeSpec

__all__ = ["SparseTensorSpec", "IndexedSlicesSpec", "TensorArraySpec", "NoneTensorSpec",
           "type_spec_from_value"]


def _shape(shape):
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def _dtype_or_none(dtype):
    return None if dtype is None else dtypes.as_dtype(dtype)


class NoneTensorSpec(TypeSpec):
    """The spec of None (where a structure holds no value)."""

    __slots__ = ()

    @property
    def value_type(self):
        return type(None)

    def _serialize(self):
        return ()

    @classmethod
    def _spec_of(cls, value):
        return cls() if value is None else None


class SparseTensorSpec(TypeSpec):
    """The spec of a SparseTensor: its dense shape and its values' dtype."""

    __slots__ = ("_shape", "_dtype")

    def __init__(self, shape=None, dtype=dtypes.float32):
        self._shape = _shape(shape)
        self._dtype = dtypes.as_dtype(dtype)

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)

    @property
    def value_type(self):
        return SparseTensor

    def _serialize(self):
        return (self._shape, self._dtype)

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype)

    @classmethod
    def _spec_of(cls, value):
        return cls.from_value(value) if isinstance(value, SparseTensor) else None


class IndexedSlicesSpec(TypeSpec):
    """The spec of IndexedSlices: dense shape, values' dtype, the indices' dtype, the
    dense shape's dtype (None when it has none) and the indices' shape."""

    __slots__ = ("_shape", "_values_dtype", "_indices_dtype", "_dense_shape_dtype",
                 "_indices_shape")

    def __init__(self, shape=None, dtype=dtypes.float32, indices_dtype=dtypes.int64,
                 dense_shape_dtype=None, indices_shape=None):
        self._shape = _shape(shape)
        self._values_dtype = dtypes.as_dtype(dtype)
        self._indices_dtype = dtypes.as_dtype(indices_dtype)
        self._dense_shape_dtype = _dtype_or_none(dense_shape_dtype)
        self._indices_shape = _shape(indices_shape).with_rank_at_most(1)

    @property
    def value_type(self):
        return IndexedSlices

    def _serialize(self):
        return (self._shape, self._values_dtype, self._indices_dtype,
                self._dense_shape_dtype, self._indices_shape)

    @classmethod
    def _spec_of(cls, value):
        if not isinstance(value, IndexedSlices):
            return None
        values, dense = value.values, value.dense_shape
        shape = value.shape if dense is not None else TensorShape(
            [None] + values.shape.as_list()[1:])
        return cls(shape, values.dtype, value.indices.dtype,
                   None if dense is None else dense.dtype, value.indices.shape)


class TensorArraySpec(TypeSpec):
    """The spec of a TensorArray: element shape, dtype, dynamic_size, infer_shape."""

    __slots__ = ("_element_shape", "_dtype", "_dynamic_size", "_infer_shape")

    def __init__(self, element_shape=None, dtype=dtypes.float32, dynamic_size=False,
                 infer_shape=True):
        self._element_shape = _shape(element_shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = dynamic_size
        self._infer_shape = infer_shape

    @property
    def value_type(self):
        return TensorArray

    def _serialize(self):
        return (self._element_shape, self._dtype, self._dynamic_size, self._infer_shape)

    @classmethod
    def from_value(cls, value):
        return cls(value.element_shape, value.dtype, value.dynamic_size, value._infer_shape)

    @classmethod
    def _spec_of(cls, value):
        return cls.from_value(value) if isinstance(value, TensorArray) else None


def type_spec_from_value(value):
    """The TypeSpec describing `value`: a TensorSpec for tensors, Variables and
    anything `tf.convert_to_tensor` accepts; the matching spec for SparseTensor,
    IndexedSlices, TensorArray and None.

    Raises:
        TypeError: no spec describes `value`.
    """
    if isinstance(value, (Tensor, Variable)):
        return TensorSpec.from_tensor(value)
    for spec in (NoneTensorSpec, SparseTensorSpec, IndexedSlicesSpec, TensorArraySpec):
        found = spec._spec_of(value)
        if found is not None:
            return found
    try:
        tensor = convert_to_tensor(value)
    except (TypeError, ValueError):
        raise TypeError(f"Could not build a TypeSpec for {value!r} of unsupported type "
                        f"{type(value)}.") from None
    return TensorSpec.from_tensor(tensor)
