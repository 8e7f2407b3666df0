"""Nested structures (`fasttape.nest`), following `tf.nest`.

A *structure* is a leaf or a container of structures. Containers are:

* lists and tuples, including namedtuples and their subclasses;
* mappings (`dict`, `OrderedDict`, `defaultdict`, any `collections.abc.Mapping`),
  whose values are visited in **sorted key order** whatever the insertion
  order;
* mapping views (`d.keys()`, `d.values()`, `d.items()`), visited in
  iteration order;
* any other `collections.abc.Sequence` (`range`, `deque`, `bytearray`, ...).

Everything else is a leaf: `None`, numbers, Tensors, numpy arrays, sets, and
`str`/`bytes` (sequences treated as atoms).

`flatten` is iterative, so structure depth is unlimited there (a container
that contains itself raises RecursionError, as in TF);
`pack_sequence_as` and `assert_same_structure` recurse once per level.

>>> flatten({'b': 1, 'a': [2, None]})
[2, None, 1]
>>> pack_sequence_as({'b': 0, 'a': [0, 0]}, [10, 20, 30])
{'b': 30, 'a': [10, 20]}
"""

import collections.abc

__all__ = [
    "assert_same_structure",
    "flatten",
    "is_nested",
    "map_structure",
    "pack_sequence_as",
]

_Mapping = collections.abc.Mapping
_MappingView = collections.abc.MappingView
_Sequence = collections.abc.Sequence

# Exact types answered without an ABC check (the common cases).
_NESTED_TYPES = frozenset({list, tuple, dict})
_LEAF_TYPES = frozenset({type(None), int, float, complex, bool, str, bytes})


def is_nested(seq):
    """Returns True if `seq` is a container that `flatten` descends into.

    >>> is_nested([1]), is_nested({'a': 1}), is_nested(None), is_nested('ab')
    (True, True, False, False)

    Args:
        seq: Any value.
    """
    kind = type(seq)
    if kind in _NESTED_TYPES:
        return True
    if kind in _LEAF_TYPES:
        return False
    if isinstance(seq, (str, bytes)):
        return False
    return isinstance(seq, (_Sequence, _Mapping, _MappingView))


def _is_namedtuple(value):
    return isinstance(value, tuple) and isinstance(getattr(type(value), "_fields", None), tuple)


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError as e:
        raise TypeError(f"nest only supports dicts with sortable keys. Error: {e}") from None


def _children(structure):
    """Returns the direct children of a nested `structure`, in flatten order."""
    if type(structure) is list or type(structure) is tuple:
        return structure
    if isinstance(structure, _Mapping):
        return [structure[key] for key in _sorted_keys(structure)]
    return list(structure)


def _sequence_like(instance, values):
    """Returns a container of the same kind as `instance` holding `values`.

    Args:
        instance: A nested structure (see `is_nested`).
        values: A list of new children, in flatten order.
    """
    kind = type(instance)
    if kind is list:
        return values
    if kind is tuple:
        return tuple(values)
    if isinstance(instance, _Mapping):
        by_key = dict(zip(_sorted_keys(instance), values, strict=True))
        if kind is dict:
            return {key: by_key[key] for key in instance}  # keep insertion order
        pairs = [(key, by_key[key]) for key in instance]
        if isinstance(instance, collections.defaultdict):
            return kind(instance.default_factory, pairs)
        try:
            return kind(pairs)
        except TypeError as e:
            raise TypeError(
                f"Error creating an object of type {kind} like {instance}. It must accept "
                f"a single positional argument, an iterable of key-value pairs. Cause: {e}"
            ) from None
    if _is_namedtuple(instance):
        return kind(*values)
    if isinstance(instance, (_MappingView, range)):
        return values  # neither can be built from values
    try:
        return kind(values)
    except TypeError as e:
        raise TypeError(
            f"Error creating an object of type {kind} like {instance!r}. It must accept a "
            f"single positional argument, an iterable of elements. Cause: {e}"
        ) from None


def flatten(structure, expand_composites=False):
    """Returns the leaves of `structure` as a flat list, depth first.

    Mapping values come in sorted key order. A leaf (including None) gives a
    one-element list.

    >>> flatten([1, (2, {'y': 3, 'x': 4})])
    [1, 2, 4, 3]
    >>> flatten(None)
    [None]

    Args:
        structure: Any structure.
        expand_composites: Must be False: fasttape treats composite values
            such as IndexedSlices as leaves.

    Returns:
        A list of leaves.

    Raises:
        TypeError: If a mapping has keys that cannot be sorted.
        NotImplementedError: If `expand_composites` is True.
    """
    _check_no_composites(expand_composites)
    if not is_nested(structure):
        return [structure]
    leaves = []
    stack = [iter(_children(structure))]
    path = [id(structure)]            # the containers being visited, outermost first
    on_path = {id(structure)}
    while stack:
        for item in stack[-1]:
            if is_nested(item):
                if id(item) in on_path:   # a container inside itself: TF's error
                    raise RecursionError("maximum recursion depth exceeded in flatten")
                stack.append(iter(_children(item)))
                path.append(id(item))
                on_path.add(id(item))
                break
            leaves.append(item)
        else:
            stack.pop()
            on_path.discard(path.pop())
    return leaves


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """Returns `flat_sequence` packed into the shape of `structure`.

    The inverse of `flatten`: containers are rebuilt with the same types
    (a namedtuple stays that namedtuple, a dict keeps its key order, a
    defaultdict its factory); mapping views and ranges become lists.

    >>> pack_sequence_as([0, (0, 0)], [1, 2, 3])
    [1, (2, 3)]

    Args:
        structure: The structure to imitate; its leaves are ignored.
        flat_sequence: A list or tuple (or other non-mapping sequence) of
            leaves, as `flatten` returns them.
        expand_composites: Must be False.

    Returns:
        The packed structure, or `flat_sequence[0]` if `structure` is a leaf.

    Raises:
        TypeError: If `flat_sequence` is not a sequence.
        ValueError: If the number of leaves does not match `structure`.
    """
    _check_no_composites(expand_composites)
    if not is_nested(flat_sequence) or isinstance(flat_sequence, (_Mapping, _MappingView)):
        raise TypeError(
            f"Attempted to pack value:\n  {flat_sequence!r}\ninto a structure, but found "
            f"incompatible type `{type(flat_sequence)}` instead."
        )
    flat = list(flat_sequence)
    if not is_nested(structure):
        if len(flat) != 1:
            raise ValueError(
                f"The target structure is of type `{type(structure)}`\n  {structure!r}\n"
                f"However the input is a sequence ({type(flat_sequence)}) of length "
                f"{len(flat)}.\n  {flat_sequence!r}\n"
                "nest cannot guarantee that it is safe to map one to the other."
            )
        return flat[0]
    n_leaves = len(flatten(structure))
    if n_leaves != len(flat):
        raise ValueError(
            f"Could not pack sequence. Structure had {n_leaves} atoms, but flat_sequence "
            f"had {len(flat)} items. Structure: {structure!r}, "
            f"flat_sequence: {flat_sequence!r}."
        )
    return _pack(structure, iter(flat))


def _pack(structure, leaves):
    """Rebuilds `structure`, taking its leaves in order from the iterator `leaves`."""
    values = [
        _pack(child, leaves) if is_nested(child) else next(leaves)
        for child in _children(structure)
    ]
    return _sequence_like(structure, values)


def map_structure(func, *structure, **kwargs):
    """Applies `func` to corresponding leaves of one or more structures.

    >>> map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)])
    [11, (22, 33)]

    Args:
        func: A callable taking as many arguments as there are structures.
        *structure: Structures of the same shape (see `assert_same_structure`).
        **kwargs: Only `check_types` (default True: corresponding containers
            must also have the same type) and `expand_composites` (must be
            False), as in `tf.nest`.

    Returns:
        A structure shaped like `structure[0]` holding the results of `func`.

    Raises:
        ValueError: If no structure is given, the structures differ in shape,
            or an unknown keyword argument is passed.
        TypeError: If `check_types` is True and container types differ.
    """
    check_types = kwargs.pop("check_types", True)
    _check_no_composites(kwargs.pop("expand_composites", False))
    if kwargs:
        raise ValueError(
            "Only valid keyword arguments are `check_types` and `expand_composites`, "
            f"not: `{'`, `'.join(kwargs)}`"
        )
    if not structure:
        raise ValueError("Must provide at least one structure")
    first = structure[0]
    for other in structure[1:]:
        assert_same_structure(first, other, check_types=check_types)
    flat_structures = [flatten(s) for s in structure]
    results = [func(*leaves) for leaves in zip(*flat_structures, strict=True)]
    return pack_sequence_as(first, results)


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raises an error unless `nest1` and `nest2` have the same nested structure.

    Leaves may differ. With `check_types`, corresponding containers must
    have the same type, with these exceptions (as in `tf.nest`): any two
    mappings match each other if their key sets are equal, any two lists
    (including list subclasses) match, and two namedtuple classes match if
    they have the same name and fields.

    >>> assert_same_structure([1, (2, 3)], ['a', ('b', 'c')])

    Args:
        nest1: A structure.
        nest2: A structure.
        check_types: Whether to compare container types (and mapping keys).
        expand_composites: Must be False.

    Raises:
        ValueError: If the structures differ in nesting or in number of
            elements, or two mappings have different keys.
        TypeError: If `check_types` is True and container types differ.
    """
    _check_no_composites(expand_composites)
    try:
        _assert_same(nest1, nest2, check_types)
    except (_StructureValueError, _StructureTypeError) as e:
        error_class = ValueError if isinstance(e, ValueError) else TypeError
        raise error_class(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {_describe(nest1)}\n\n"
            f"Second structure: {_describe(nest2)}\n\n"
            f"More specifically: {e}"
        ) from None


class _StructureValueError(ValueError):
    """A mismatch found by `_assert_same`; re-raised as a plain ValueError."""


class _StructureTypeError(TypeError):
    """A container type mismatch found by `_assert_same`; re-raised as a TypeError."""


def _describe(value):
    return f"type={type(value).__name__} str={value!r}"


def _same_container_type(a, b):
    if type(a) is type(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return True
    if isinstance(a, _Mapping) and isinstance(b, _Mapping):
        return True
    if _is_namedtuple(a) and _is_namedtuple(b):
        return type(a).__name__ == type(b).__name__ and type(a)._fields == type(b)._fields
    return False


def _assert_same(a, b, check_types):
    """Compares `a` and `b` level by level; the caller adds the overall context."""
    a_nested, b_nested = is_nested(a), is_nested(b)
    if a_nested != b_nested:
        seq, leaf = (a, b) if a_nested else (b, a)
        raise _StructureValueError(
            f'Substructure "{_describe(seq)}" is a sequence, while substructure '
            f'"{_describe(leaf)}" is not'
        )
    if not a_nested:
        return
    if check_types:
        if not _same_container_type(a, b):
            raise _StructureTypeError(
                f"The two containers don't have the same type. First structure "
                f"{_describe(a)} has type {type(a).__name__}, while second structure "
                f"{_describe(b)} has type {type(b).__name__}"
            )
        if isinstance(a, _Mapping) and set(a) != set(b):
            raise _StructureValueError(
                "The two dictionaries don't have the same set of keys. First structure "
                f"has keys {sorted(a, key=repr)}, while second structure has keys "
                f"{sorted(b, key=repr)}"
            )
    a_children, b_children = _children(a), _children(b)
    if len(a_children) != len(b_children):
        raise _StructureValueError(
            "The two structures don't have the same number of elements. First "
            f"structure: {_describe(a)}. Second structure: {_describe(b)}"
        )
    for a_child, b_child in zip(a_children, b_children, strict=True):
        _assert_same(a_child, b_child, check_types)


def _check_no_composites(expand_composites):
    if expand_composites:
        raise NotImplementedError(
            "expand_composites=True is not supported: fasttape.nest treats composite "
            "values such as IndexedSlices as leaves."
        )
