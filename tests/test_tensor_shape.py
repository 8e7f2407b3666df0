"""Tests for fasttape.tensor_shape (behaviour checked against TF 2.21's tf.TensorShape)."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fasttape.tensor_shape import TensorShape, _from_tuple, as_shape

dims_lists = st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=6)
shapes = st.one_of(st.just(None), dims_lists).map(TensorShape)


@pytest.mark.parametrize(
    "dims, expected",
    [
        ([2, 2], "TensorShape([2, 2])"),
        ([], "TensorShape([])"),
        ([3], "TensorShape([3])"),
        ([None, 3], "TensorShape([None, 3])"),
        (None, "TensorShape(None)"),
    ],
)
def test_repr(dims, expected):
    assert repr(TensorShape(dims)) == expected


@pytest.mark.parametrize(
    "dims, expected",
    [
        ([2, 2], "(2, 2)"),
        ([], "()"),
        ([3], "(3,)"),
        ([None], "(None,)"),
        ([None, 3], "(None, 3)"),
        (None, "<unknown>"),
    ],
)
def test_str(dims, expected):
    assert str(TensorShape(dims)) == expected
    assert f"{TensorShape(dims)}" == expected


@pytest.mark.parametrize(
    "value", [(1, 2), [1, 2], np.array([1, 2]), [np.int64(1), np.int32(2)], iter([1, 2])], ids=repr
)
def test_construct_from_iterables(value):
    shape = TensorShape(value)
    assert shape.as_list() == [1, 2]
    assert all(type(d) is int for d in shape)


def test_construct_from_single_int():
    assert TensorShape(3) == [3]
    assert TensorShape(np.int64(4)) == [4]


def test_construct_from_tensor_shape_copies_dims():
    shape = TensorShape([2, None])
    assert TensorShape(shape) == shape


def test_construct_unknown_rank():
    shape = TensorShape(None)
    assert shape.rank is None and shape.ndims is None


@pytest.mark.parametrize("dims", [[2.0], [2.5], ["a"], "ab", 2.5, [[1]], (1, 2.0)], ids=repr)
def test_construct_rejects_non_integer_dims(dims):
    with pytest.raises(TypeError):
        TensorShape(dims)


@pytest.mark.parametrize("dims", [[-1], (-1,), (2, -3), -1])
def test_construct_rejects_negative_dims(dims):
    with pytest.raises(ValueError, match="must be >= 0"):
        TensorShape(dims)


def test_from_tuple_skips_validation():
    shape = _from_tuple((2, 3))
    assert type(shape) is TensorShape
    assert shape == TensorShape([2, 3])


def test_rank_and_ndims():
    assert TensorShape([2, 3]).rank == 2
    assert TensorShape([]).ndims == 0


def test_len():
    assert len(TensorShape([2, 3, 4])) == 3
    assert len(TensorShape([])) == 0


def test_len_unknown_rank_raises():
    with pytest.raises(ValueError, match="unknown rank"):
        len(TensorShape(None))


def test_as_list_returns_python_ints():
    dims = TensorShape((np.int64(2), 3)).as_list()
    assert dims == [2, 3] and all(type(d) is int for d in dims)


def test_as_list_unknown_rank_raises():
    with pytest.raises(ValueError, match="unknown TensorShape"):
        TensorShape(None).as_list()


def test_index_returns_python_int_or_none():
    shape = TensorShape([4, None, 6])
    assert shape[0] == 4 and type(shape[0]) is int
    assert shape[1] is None
    assert shape[-1] == 6
    assert shape[np.int64(0)] == 4


def test_index_out_of_range_raises_index_error():
    with pytest.raises(IndexError):
        TensorShape([2])[5]


def test_slice_returns_tensor_shape():
    shape = TensorShape([2, 3, 4])
    assert shape[1:] == TensorShape([3, 4])
    assert type(shape[1:]) is TensorShape
    assert shape[::2] == [2, 4]


def test_unknown_rank_indexing():
    shape = TensorShape(None)
    assert shape[0] is None
    assert shape[1:].rank is None
    assert shape[-2:].rank is None
    assert shape[1:3] == TensorShape([None, None])
    with pytest.raises(ValueError):
        shape[::2]


def test_iteration():
    assert list(TensorShape([2, None])) == [2, None]
    assert tuple(TensorShape([2, 2])) == (2, 2)
    assert 2 in TensorShape([1, 2])


def test_iteration_unknown_rank_raises():
    with pytest.raises(ValueError, match="unknown rank"):
        iter(TensorShape(None))


@pytest.mark.parametrize(
    "other", [(2, 2), [2, 2], TensorShape([2, 2]), np.array([2, 2])], ids=repr
)
def test_eq_with_shape_tuple_list(other):
    assert TensorShape([2, 2]) == other
    assert not (TensorShape([2, 2]) != other)


@pytest.mark.parametrize("other", [(2, 3), [2], 3, "ab", None, object(), [-1], [2.5]], ids=repr)
def test_ne_otherwise(other):
    assert TensorShape([2, 2]) != other
    assert not (TensorShape([2, 2]) == other)


def test_eq_scalar_shape():
    assert TensorShape([]) == ()
    assert TensorShape([]) == []


def test_eq_partially_known_compares_dims_exactly():
    assert TensorShape([None, 3]) == TensorShape([None, 3])
    assert TensorShape([None, 3]) == (None, 3)
    assert TensorShape([None, 3]) != TensorShape([2, 3])


def test_eq_unknown_rank():
    assert TensorShape(None) == TensorShape(None)
    assert TensorShape(None) == None  # noqa: E711 -- TF converts None to TensorShape(None)
    assert TensorShape(None) != TensorShape([])


def test_hash_consistent_with_eq():
    assert hash(TensorShape([2, 2])) == hash(TensorShape((2, 2)))
    assert hash(TensorShape([2, 2])) == hash((2, 2))
    assert len({TensorShape([1]), TensorShape([1]), TensorShape([2])}) == 2
    assert hash(TensorShape(None)) == hash(TensorShape(None))


@given(shapes)
def test_eq_and_hash_agree_with_dims(shape):
    twin = TensorShape(None if shape.rank is None else shape.as_list())
    assert shape == twin and hash(shape) == hash(twin)


@pytest.mark.parametrize("dims", [[2, 2], [], [3], None])
def test_bool_is_rank_known(dims):
    # TF: True even for the scalar shape; False only for unknown rank.
    assert bool(TensorShape(dims)) == (dims is not None)


def test_num_elements():
    assert TensorShape([2, 3]).num_elements() == 6
    assert TensorShape([]).num_elements() == 1
    assert TensorShape([0, 5]).num_elements() == 0
    assert TensorShape([None, 3]).num_elements() is None
    assert TensorShape(None).num_elements() is None


def test_is_fully_defined():
    assert TensorShape([2, 3]).is_fully_defined()
    assert TensorShape([]).is_fully_defined()
    assert not TensorShape([None, 3]).is_fully_defined()
    assert not TensorShape(None).is_fully_defined()


def test_assert_is_fully_defined():
    TensorShape([2]).assert_is_fully_defined()
    with pytest.raises(ValueError, match="not fully defined"):
        TensorShape([None]).assert_is_fully_defined()


def test_concatenate():
    assert TensorShape([2, 2]).concatenate([3]) == [2, 2, 3]
    assert TensorShape([2]).concatenate(TensorShape([None])) == TensorShape([2, None])
    assert TensorShape([2]).concatenate(None).rank is None
    assert TensorShape(None).concatenate([2]).rank is None


def test_add_and_radd_concatenate():
    shape = TensorShape([2, 2])
    assert shape + [3] == [2, 2, 3]
    assert shape + (3,) == [2, 2, 3]
    assert shape + 3 == [2, 2, 3]
    assert shape + TensorShape([1]) == [2, 2, 1]
    assert [3] + shape == [3, 2, 2]
    assert (3,) + shape == [3, 2, 2]
    assert type([3] + shape) is TensorShape


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([2, 2], [2, 2], True),
        ([2, 2], [None, 3], False),
        ([None, 3], [5, 3], True),
        ([2, 2], None, True),
        (None, [1, 2, 3], True),
        ([2, 2], [2, 3], False),
        ([2, 2], [2], False),
        ([], [], True),
    ],
)
def test_is_compatible_with(a, b, expected):
    assert TensorShape(a).is_compatible_with(b) is expected
    assert TensorShape(b).is_compatible_with(TensorShape(a)) is expected


def test_assert_is_compatible_with():
    TensorShape([2, 2]).assert_is_compatible_with([2, None])
    with pytest.raises(ValueError, match=r"Shapes \(2, 2\) and \(2, 3\) are incompatible"):
        TensorShape([2, 2]).assert_is_compatible_with([2, 3])


def test_merge_with():
    assert TensorShape([None, 3]).merge_with([4, 3]) == [4, 3]
    assert TensorShape([4, None]).merge_with(TensorShape([None, 3])) == [4, 3]
    assert TensorShape(None).merge_with([1]) == [1]
    assert TensorShape([1]).merge_with(None) == [1]


@pytest.mark.parametrize("a, b", [([None, 3], [4, 4]), ([2, 2], [1])])
def test_merge_with_incompatible_raises(a, b):
    with pytest.raises(ValueError, match="are not compatible"):
        TensorShape(a).merge_with(b)


def test_most_specific_compatible_shape():
    assert TensorShape([2, 2]).most_specific_compatible_shape([2, 3]) == TensorShape([2, None])
    assert TensorShape([2]).most_specific_compatible_shape([2, 3]).rank is None


def test_with_rank():
    assert TensorShape([None, 3]).with_rank(2) == TensorShape([None, 3])
    assert TensorShape(None).with_rank(2) == TensorShape([None, None])
    with pytest.raises(ValueError, match=r"Shape \(None, 3\) must have rank 3"):
        TensorShape([None, 3]).with_rank(3)


def test_with_rank_at_least_message_matches_tf():
    assert TensorShape([2, 3]).with_rank_at_least(2) == [2, 3]
    with pytest.raises(ValueError, match=r"^Shape \(2,\) must have rank at least 2$"):
        TensorShape([2]).with_rank_at_least(2)


def test_with_rank_at_most():
    assert TensorShape([2]).with_rank_at_most(1) == [2]
    with pytest.raises(ValueError, match="at most 1"):
        TensorShape([2, 3]).with_rank_at_most(1)


def test_assert_has_rank_and_same_rank():
    TensorShape([2, 3]).assert_has_rank(2)
    TensorShape(None).assert_has_rank(5)
    TensorShape([1]).assert_same_rank([7])
    with pytest.raises(ValueError):
        TensorShape([2, 3]).assert_has_rank(1)
    with pytest.raises(ValueError):
        TensorShape([1]).assert_same_rank([1, 2])


def test_as_shape():
    shape = TensorShape([1])
    assert as_shape(shape) is shape
    assert as_shape([1, 2]) == TensorShape([1, 2])
    assert as_shape(None).rank is None


@given(shapes)
def test_pickle_round_trip(shape):
    restored = pickle.loads(pickle.dumps(shape))
    assert type(restored) is TensorShape and restored == shape


def test_deepcopy():
    assert copy.deepcopy(TensorShape([2, None])) == TensorShape([2, None])


def test_not_orderable():
    with pytest.raises(TypeError):
        TensorShape([1]) < TensorShape([2])  # noqa: B015


@given(dims_lists, dims_lists)
def test_concatenation_matches_list_concatenation(a, b):
    assert (TensorShape(a) + b).as_list() == a + b


@given(dims_lists)
def test_str_matches_tuple_str(dims):
    assert str(TensorShape(dims)) == str(tuple(dims))


# --- conversion to a tensor (TF's advanced autodiff guide: tf.reduce_prod(v.shape)) ---

def test_fully_known_shape_converts_to_int32():
    import fasttape as tf
    t = tf.convert_to_tensor(tf.ones([5, 8]).shape)
    assert t.dtype == tf.int32 and t.numpy().tolist() == [5, 8]
    assert int(tf.reduce_prod(tf.ones([5, 8]).shape)) == 40
    assert tf.constant(TensorShape([])).shape == (0,)
    assert tf.convert_to_tensor(TensorShape([2, 3]), dtype=tf.int64).dtype == tf.int64
    assert tf.convert_to_tensor(TensorShape([2**33])).dtype == tf.int64


@pytest.mark.parametrize("dims", [[None, 3], None])
def test_partially_known_shape_does_not_convert(dims):
    import fasttape as tf
    with pytest.raises(ValueError, match="partially known TensorShape"):
        tf.convert_to_tensor(TensorShape(dims))


def test_shape_to_float_raises_type_error():
    import fasttape as tf
    with pytest.raises(TypeError, match="Allowed dtypes are"):
        tf.convert_to_tensor(TensorShape([2, 3]), dtype=tf.float32)
