"""Tests for fasttape.nest (behaviour checked against TF 2.21's tf.nest)."""

import collections
import functools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fasttape import nest

NT = collections.namedtuple("NT", "b a")
NTTwin = collections.namedtuple("NT", "b a")  # same name and fields, different class
NTOtherFields = collections.namedtuple("NT", "x y")
NTOtherName = collections.namedtuple("NT3", "b a")


class ListSubclass(list):
    pass


class TupleSubclass(tuple):
    pass


class DictSubclass(dict):
    pass


class Leaf:
    """A stand-in for a Tensor: an arbitrary non-container object."""


leaves = st.one_of(st.none(), st.integers(), st.text(max_size=3))
structures = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=2), children, max_size=3),
        st.tuples(children, children).map(lambda pair: NT(*pair)),
    ),
    max_leaves=12,
)


def _defaultdict():
    d = collections.defaultdict(list)
    d["b"] = 1
    d["a"] = 2
    return d


# -- is_nested ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        [],
        (),
        {},
        [1],
        NT(1, 2),
        collections.OrderedDict(),
        range(2),
        collections.deque(),
        {"a": 1}.keys(),
        {"a": 1}.values(),
        {"a": 1}.items(),
    ],
    ids=repr,
)
def test_is_nested_true_for_containers(value):
    assert nest.is_nested(value)


@pytest.mark.parametrize(
    "value", [None, 1, 2.5, "ab", b"ab", np.array([1, 2]), {1, 2}, Leaf()], ids=repr
)
def test_is_nested_false_for_leaves(value):
    assert not nest.is_nested(value)


# -- flatten -----------------------------------------------------------------------


def test_flatten_leaf_gives_singleton_list():
    leaf = Leaf()
    assert nest.flatten(leaf) == [leaf]
    assert nest.flatten(3) == [3]


def test_flatten_none_is_a_leaf():
    assert nest.flatten(None) == [None]
    assert nest.flatten([None, [None]]) == [None, None]


def test_flatten_strings_and_bytes_are_leaves():
    assert nest.flatten("ab") == ["ab"]
    assert nest.flatten([b"ab", "cd"]) == [b"ab", "cd"]


def test_flatten_nested_lists_and_tuples():
    assert nest.flatten([1, (2, [3, (4,)]), 5]) == [1, 2, 3, 4, 5]


def test_flatten_dict_values_in_sorted_key_order():
    assert nest.flatten({"b": 1, "a": 2}) == [2, 1]


def test_flatten_ordered_dict_also_sorted():
    assert nest.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [2, 1]


def test_flatten_namedtuple_in_field_order():
    assert nest.flatten(NT(1, 2)) == [1, 2]


def test_flatten_mixed_nest():
    structure = [1, (2, [3, {"z": 4, "y": [5, None]}])]
    assert nest.flatten(structure) == [1, 2, 3, 5, None, 4]


def test_flatten_empty_containers_vanish():
    assert nest.flatten([[], (), {}]) == []


def test_flatten_keeps_leaf_identity():
    a, b = Leaf(), Leaf()
    flat = nest.flatten({"x": [a], "y": (b, a)})
    assert flat[0] is a and flat[1] is b and flat[2] is a


def test_flatten_generic_sequences_and_views():
    assert nest.flatten(range(3)) == [0, 1, 2]
    assert nest.flatten(collections.deque([1, [2]])) == [1, 2]
    assert nest.flatten({"b": 1, "a": 2}.keys()) == ["b", "a"]  # views: iteration order
    assert nest.flatten({"b": 1, "a": 2}.items()) == ["b", 1, "a", 2]


def test_flatten_unsortable_keys_raises_type_error():
    with pytest.raises(TypeError, match="sortable keys"):
        nest.flatten({1: "a", "b": 2})


def test_flatten_deep_nesting():
    deep = functools.reduce(lambda inner, _: [inner], range(5000), "leaf")
    assert nest.flatten(deep) == ["leaf"]


def test_flatten_rejects_expand_composites():
    with pytest.raises(NotImplementedError):
        nest.flatten([1], expand_composites=True)


# -- pack_sequence_as --------------------------------------------------------------


def test_pack_list_and_tuple_types_kept():
    packed = nest.pack_sequence_as([0, (0, [0])], [1, 2, 3])
    assert packed == [1, (2, [3])]
    assert type(packed) is list and type(packed[1]) is tuple and type(packed[1][1]) is list


def test_pack_dict_maps_sorted_values_and_keeps_insertion_order():
    packed = nest.pack_sequence_as({"b": 0, "a": 0}, [10, 20])
    assert packed == {"a": 10, "b": 20}
    assert list(packed) == ["b", "a"]


def test_pack_ordered_dict():
    packed = nest.pack_sequence_as(collections.OrderedDict([("b", 0), ("a", 0)]), [10, 20])
    assert type(packed) is collections.OrderedDict
    assert list(packed.items()) == [("b", 20), ("a", 10)]


def test_pack_dict_subclass_keeps_type():
    packed = nest.pack_sequence_as(DictSubclass(b=1, a=2), [10, 20])
    assert type(packed) is DictSubclass and packed == {"a": 10, "b": 20}


def test_pack_defaultdict_keeps_factory():
    packed = nest.pack_sequence_as(_defaultdict(), [10, 20])
    assert type(packed) is collections.defaultdict
    assert packed.default_factory is list
    assert dict(packed) == {"a": 10, "b": 20}


def test_pack_namedtuple():
    packed = nest.pack_sequence_as(NT(0, 0), [10, 20])
    assert type(packed) is NT and packed == NT(b=10, a=20)


def test_pack_sequence_subclasses_keep_type():
    assert type(nest.pack_sequence_as(ListSubclass([1, 2]), [3, 4])) is ListSubclass
    assert type(nest.pack_sequence_as(TupleSubclass((1, 2)), [3, 4])) is TupleSubclass
    assert nest.pack_sequence_as(collections.deque([1, 2]), [3, 4]) == collections.deque([3, 4])


def test_pack_views_and_range_become_lists():
    assert nest.pack_sequence_as(range(2), [7, 8]) == [7, 8]
    assert nest.pack_sequence_as({"b": 1, "a": 2}.keys(), [7, 8]) == [7, 8]


def test_pack_leaf_structure():
    assert nest.pack_sequence_as(5, [10]) == 10
    assert nest.pack_sequence_as(None, (7,)) == 7


def test_pack_leaf_structure_wrong_length_raises_value_error():
    with pytest.raises(ValueError, match="length 2"):
        nest.pack_sequence_as(5, [10, 20])


def test_pack_empty_containers():
    assert nest.pack_sequence_as([[], (), {}], []) == [[], (), {}]


@pytest.mark.parametrize("flat", [[10], [10, 20, 30]])
def test_pack_length_mismatch_raises_value_error(flat):
    with pytest.raises(
        ValueError, match=rf"Structure had 2 atoms, but flat_sequence had {len(flat)}"
    ):
        nest.pack_sequence_as([1, [2]], flat)


@pytest.mark.parametrize("flat", [10, "ab", np.array([1, 2]), {"a": 1}, None], ids=repr)
def test_pack_non_sequence_flat_raises_type_error(flat):
    with pytest.raises(TypeError, match="Attempted to pack value"):
        nest.pack_sequence_as([1, 2], flat)


def test_pack_accepts_tuple_flat_sequence():
    assert nest.pack_sequence_as([1, [2]], (10, 20)) == [10, [20]]


@given(structures)
def test_pack_inverts_flatten(structure):
    flat = nest.flatten(structure)
    assert nest.pack_sequence_as(structure, flat) == structure
    assert nest.flatten(nest.pack_sequence_as(structure, flat)) == flat


# -- map_structure -----------------------------------------------------------------


def test_map_structure_single():
    assert nest.map_structure(lambda x: x * 2, {"b": 1, "a": [2, (3,)]}) == {
        "b": 2,
        "a": [4, (6,)],
    }


def test_map_structure_several():
    assert nest.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)]) == [11, (22, 33)]


def test_map_structure_pairs_dicts_by_key():
    result = nest.map_structure(lambda a, b: (a, b), {"a": 1, "b": 2}, {"b": 3, "a": 4})
    assert result == {"a": (1, 4), "b": (2, 3)}


def test_map_structure_result_type_follows_first_structure():
    first = collections.OrderedDict([("a", 1), ("b", 2)])
    result = nest.map_structure(lambda a, b: a + b, first, {"b": 10, "a": 20})
    assert type(result) is collections.OrderedDict and list(result.items()) == [
        ("a", 21),
        ("b", 12),
    ]


def test_map_structure_none_leaves_are_passed():
    assert nest.map_structure(lambda x: x is None, [None, 1]) == [True, False]


def test_map_structure_type_mismatch_raises_type_error():
    with pytest.raises(TypeError):
        nest.map_structure(lambda a, b: a, [1, 2], (1, 2))


def test_map_structure_check_types_false():
    assert nest.map_structure(lambda a, b: a + b, [1, 2], (1, 2), check_types=False) == [2, 4]


def test_map_structure_length_mismatch_raises_value_error():
    with pytest.raises(ValueError):
        nest.map_structure(lambda a, b: a, [1, 2], [1, 2, 3])


def test_map_structure_needs_a_structure():
    with pytest.raises(ValueError, match="at least one structure"):
        nest.map_structure(lambda: 1)


def test_map_structure_unknown_keyword_raises_value_error():
    with pytest.raises(ValueError, match="`foo`"):
        nest.map_structure(lambda x: x, [1], foo=1)


# -- assert_same_structure ---------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ([1, (2, 3)], [4, (5, 6)]),
        (None, 1),
        ({"b": 1, "a": 2}, {"a": 3, "b": 4}),
        ({"a": 1}, collections.OrderedDict(a=1)),
        ({"a": 1}, DictSubclass(a=1)),
        (ListSubclass([1]), [1]),
        (NT(1, 2), NTTwin(3, 4)),
        ([], []),
    ],
    ids=repr,
)
def test_assert_same_structure_accepts(a, b):
    nest.assert_same_structure(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ([1, 2], (1, 2)),
        ([[1]], [(1,)]),
        (NT(1, 2), (1, 2)),
        (NT(1, 2), NTOtherName(1, 2)),
        (NT(1, 2), NTOtherFields(1, 2)),
        (TupleSubclass((1,)), (1,)),
        ([1], {"a": 1}),
    ],
    ids=repr,
)
def test_assert_same_structure_type_mismatch_raises_type_error(a, b):
    with pytest.raises(TypeError, match="don't have the same nested structure"):
        nest.assert_same_structure(a, b)


@pytest.mark.parametrize(
    "a, b", [([1, 2], (1, 2)), (NT(1, 2), (1, 2)), (NT(1, 2), NTOtherName(1, 2)), ([1], {"a": 1})]
)
def test_assert_same_structure_check_types_false_ignores_types(a, b):
    nest.assert_same_structure(a, b, check_types=False)


@pytest.mark.parametrize(
    "a, b", [([1, 2], [1, 2, 3]), ([1, [2, 3]], [1, [2]]), (1, [1]), ([1], 1), ([], 1)]
)
def test_assert_same_structure_shape_mismatch_raises_value_error(a, b):
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        nest.assert_same_structure(a, b)


def test_assert_same_structure_dict_keys_differ_raises_value_error():
    with pytest.raises(ValueError, match="same set of keys"):
        nest.assert_same_structure({"a": 1}, {"b": 1})


def test_assert_same_structure_dict_keys_unchecked_without_check_types():
    nest.assert_same_structure({"a": 1}, {"b": 1}, check_types=False)


def test_assert_same_structure_unsortable_keys_error_not_wrapped():
    with pytest.raises(TypeError, match="^nest only supports dicts with sortable keys"):
        nest.assert_same_structure({1: 1, "a": 2}, {1: 1, "a": 2})


@given(structures)
def test_assert_same_structure_reflexive(structure):
    nest.assert_same_structure(structure, structure)
