"""Tests for fasttape.dtypes (behaviour checked against TF 2.21's tf.dtypes)."""

import builtins
import copy
import pickle

import numpy as np
import pytest

from fasttape import dtypes

ALL_NAMES = [
    "float16",
    "float32",
    "float64",
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
FLOAT_NAMES = ["float16", "float32", "float64"]
INT_NAMES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
UNSIGNED_NAMES = ["uint8", "uint16", "uint32", "uint64"]
COMPLEX_NAMES = ["complex64", "complex128"]

# TF's DataType enum values (`tf.float32.as_datatype_enum` is 1, ...).
TF_ENUMS = {
    "float32": 1,
    "float64": 2,
    "int32": 3,
    "uint8": 4,
    "int16": 5,
    "int8": 6,
    "complex64": 8,
    "int64": 9,
    "bool": 10,
    "uint16": 17,
    "complex128": 18,
    "float16": 19,
    "uint32": 22,
    "uint64": 23,
}


@pytest.mark.parametrize("name", ALL_NAMES)
def test_module_attribute_has_its_name(name):
    dtype = getattr(dtypes, name)
    assert isinstance(dtype, dtypes.DType)
    assert dtype.name == name


@pytest.mark.parametrize("name", ALL_NAMES)
def test_as_numpy_dtype_is_numpy_scalar_type(name):
    assert getattr(dtypes, name).as_numpy_dtype is np.dtype(name).type


def test_all_lists_tf_public_names():
    assert set(dtypes.__all__) == set(ALL_NAMES) | {"DType", "as_dtype", "half", "double"}
    assert all(hasattr(dtypes, name) for name in dtypes.__all__)


def test_bool_dtype_does_not_break_the_builtin():
    assert isinstance(dtypes.bool, dtypes.DType)
    assert builtins.bool(1) is True


def test_repr_uses_module_prefix():
    assert repr(dtypes.float32) == "fasttape.float32"
    assert repr(dtypes.bool) == "fasttape.bool"


def test_str_matches_tf():
    assert str(dtypes.float32) == "<dtype: 'float32'>"
    assert str(dtypes.int64) == "<dtype: 'int64'>"
    assert f"{dtypes.float32}" == "<dtype: 'float32'>"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_kind_flags(name):
    dtype = getattr(dtypes, name)
    assert dtype.is_floating == (name in FLOAT_NAMES)
    assert dtype.is_integer == (name in INT_NAMES)
    assert dtype.is_bool == (name == "bool")
    assert dtype.is_complex == (name in COMPLEX_NAMES)
    assert dtype.is_unsigned == (name in UNSIGNED_NAMES)
    assert dtype.is_numeric == (name != "bool")
    assert dtype.is_quantized is False


@pytest.mark.parametrize("name", ALL_NAMES)
def test_size_is_itemsize(name):
    assert getattr(dtypes, name).size == np.dtype(name).itemsize


@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_float_min_max_are_numpy_scalars(name):
    dtype = getattr(dtypes, name)
    assert type(dtype.min) is dtype.as_numpy_dtype
    assert dtype.min == np.finfo(name).min
    assert dtype.max == np.finfo(name).max


@pytest.mark.parametrize("name", INT_NAMES)
def test_int_min_max_are_python_ints(name):
    dtype = getattr(dtypes, name)
    assert type(dtype.min) is int and type(dtype.max) is int
    assert (dtype.min, dtype.max) == (np.iinfo(name).min, np.iinfo(name).max)


@pytest.mark.parametrize("name", ["bool", "complex64", "complex128"])
@pytest.mark.parametrize("limit", ["min", "max"])
def test_min_max_raise_type_error_for_unordered_types(name, limit):
    with pytest.raises(TypeError, match=name):
        getattr(getattr(dtypes, name), limit)


def test_real_dtype():
    assert dtypes.complex64.real_dtype is dtypes.float32
    assert dtypes.complex128.real_dtype is dtypes.float64
    assert dtypes.float32.real_dtype is dtypes.float32
    assert dtypes.int32.real_dtype is dtypes.int32


@pytest.mark.parametrize("name", ALL_NAMES)
def test_base_dtype_is_self(name):
    dtype = getattr(dtypes, name)
    assert dtype.base_dtype is dtype


@pytest.mark.parametrize("name", ALL_NAMES)
def test_as_datatype_enum_matches_tf(name):
    assert getattr(dtypes, name).as_datatype_enum == TF_ENUMS[name]


def test_aliases():
    assert dtypes.double is dtypes.float64
    assert dtypes.half is dtypes.float16


@pytest.mark.parametrize("attr", ["name", "is_floating", "size", "foo"])
def test_immutable(attr):
    with pytest.raises(AttributeError):
        setattr(dtypes.float32, attr, "x")
    with pytest.raises(AttributeError):
        delattr(dtypes.float32, "name")
    assert dtypes.float32.name == "float32"


@pytest.mark.parametrize(
    "other",
    ["float32", "float", np.float32, np.dtype("float32"), np.dtype(">f4"), float, 1],
    ids=repr,
)
def test_eq_true_for_anything_converting_to_it(other):
    assert dtypes.float32 == other
    assert not (dtypes.float32 != other)


@pytest.mark.parametrize(
    "other",
    [dtypes.float64, "float64", np.float64, np.dtype("int32"), "bogus", None, 3, 2.5, object()],
    ids=repr,
)
def test_eq_false_otherwise(other):
    assert dtypes.float32 != other
    assert not (dtypes.float32 == other)


def test_eq_is_symmetric_with_strings_and_numpy():
    assert "float32" == dtypes.float32
    assert np.float32 == dtypes.float32
    assert np.dtype("float32") == dtypes.float32


def test_eq_python_types_follow_tf():
    # tf.float32 == float and tf.bool == bool, but tf.int64 != int (TF refuses int).
    # E721 is about comparing types with ==; here a DType is compared with a type.
    assert dtypes.float32 == float  # noqa: E721
    assert dtypes.float64 != float  # noqa: E721
    assert dtypes.bool == bool  # noqa: E721
    assert dtypes.int64 != int  # noqa: E721


def test_hash_is_hash_of_name():
    assert hash(dtypes.float32) == hash("float32")
    assert {dtypes.float32: 1}["float32"] == 1
    assert {"float32": 1}[dtypes.float32] == 1


def test_usable_as_dict_key_and_in_sets():
    table = {dtypes.float32: "f", dtypes.int32: "i"}
    assert table[dtypes.as_dtype("float32")] == "f"
    assert len({dtypes.float64, dtypes.double, dtypes.as_dtype("double")}) == 1


def test_not_orderable():
    with pytest.raises(TypeError):
        sorted([dtypes.float32, dtypes.int32])


@pytest.mark.parametrize("name", ALL_NAMES)
def test_pickle_returns_the_same_instance(name):
    dtype = getattr(dtypes, name)
    assert pickle.loads(pickle.dumps(dtype)) is dtype


def test_copy_returns_the_same_instance():
    assert copy.copy(dtypes.float32) is dtypes.float32
    assert copy.deepcopy([dtypes.float32])[0] is dtypes.float32


def test_dtype_constructor_returns_interned_instance():
    assert dtypes.DType("float32") is dtypes.float32
    assert dtypes.DType(1) is dtypes.float32


@pytest.mark.parametrize("name", ALL_NAMES)
def test_as_dtype_from_name(name):
    assert dtypes.as_dtype(name) is getattr(dtypes, name)


@pytest.mark.parametrize(
    "alias, expected", [("double", "float64"), ("half", "float16"), ("float", "float32")]
)
def test_as_dtype_from_alias_name(alias, expected):
    assert dtypes.as_dtype(alias) is getattr(dtypes, expected)


def test_as_dtype_of_dtype_is_identity():
    assert dtypes.as_dtype(dtypes.int16) is dtypes.int16


@pytest.mark.parametrize("name", ALL_NAMES)
def test_as_dtype_from_numpy_scalar_type_and_dtype(name):
    expected = getattr(dtypes, name)
    assert dtypes.as_dtype(np.dtype(name).type) is expected
    assert dtypes.as_dtype(np.dtype(name)) is expected


def test_as_dtype_from_platform_numpy_aliases():
    assert dtypes.as_dtype(np.intc) is dtypes.int32
    assert dtypes.as_dtype(np.longlong) is dtypes.int64
    assert dtypes.as_dtype(np.ulonglong) is dtypes.uint64


def test_as_dtype_ignores_byte_order():
    assert dtypes.as_dtype(np.dtype(">f4")) is dtypes.float32
    assert dtypes.as_dtype(np.dtype(">i8")) is dtypes.int64


def test_as_dtype_python_float_is_float32_like_tf():
    assert dtypes.as_dtype(float) is dtypes.float32


def test_as_dtype_python_bool_is_bool():
    assert dtypes.as_dtype(bool) is dtypes.bool


@pytest.mark.parametrize("name", ALL_NAMES)
def test_as_dtype_from_tf_enum(name):
    assert dtypes.as_dtype(TF_ENUMS[name]) is getattr(dtypes, name)
    assert dtypes.as_dtype(np.int64(TF_ENUMS[name])) is getattr(dtypes, name)


def test_as_dtype_from_object_with_numpy_dtype():
    assert dtypes.as_dtype(np.zeros(2)) is dtypes.float64
    assert dtypes.as_dtype(np.float32(2.0)) is dtypes.float32


@pytest.mark.parametrize(
    "value",
    [
        int,
        complex,
        str,
        object,
        "int",
        "complex",
        "string",
        "bogus",
        "<f4",
        None,
        0,
        99,
        True,
        2.0,
        [1],
        np.str_,
        np.dtype("U3"),
        np.longdouble,
    ],
    ids=repr,
)
def test_as_dtype_rejects_with_type_error(value):
    with pytest.raises(TypeError, match="Cannot convert .* to a fasttape DType"):
        dtypes.as_dtype(value)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_from_numpy(name):
    assert dtypes.from_numpy(np.dtype(name)) is getattr(dtypes, name)


def test_from_numpy_falls_back_for_byte_swapped_dtype():
    assert dtypes.from_numpy(np.dtype(">f8")) is dtypes.float64


def test_from_numpy_rejects_unsupported_dtype():
    with pytest.raises(TypeError):
        dtypes.from_numpy(np.dtype("U3"))


def test_floating_numpy():
    assert dtypes.FLOATING_NUMPY == frozenset(np.dtype(n) for n in FLOAT_NAMES)
    assert np.zeros(1, np.float32).dtype in dtypes.FLOATING_NUMPY
    assert np.zeros(1, np.int32).dtype not in dtypes.FLOATING_NUMPY


def test_is_compatible_with():
    assert dtypes.float32.is_compatible_with("float32")
    assert dtypes.float32.is_compatible_with(np.float32)
    assert not dtypes.float32.is_compatible_with(dtypes.float64)
    with pytest.raises(TypeError):
        dtypes.float32.is_compatible_with("bogus")
