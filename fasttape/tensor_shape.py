"""`TensorShape`: the shape of a Tensor, with TF2's int-valued dimensions.

A shape is either of unknown rank (`TensorShape(None)`) or a tuple of
dimensions, each a non-negative Python int or `None` (unknown). Tensors built
by fasttape always have fully defined shapes; unknown dimensions exist only so
that user code written against TF's API (`TensorShape([None, 3])`,
`is_compatible_with`, ...) keeps working.

A TensorShape is built on every `Tensor.shape` access, so it stores one plain
tuple (`_dims`) and nothing else. `TensorShape(tuple_of_ints)` only checks each
dimension's type and sign; the engine, whose tuples come from `ndarray.shape`
and need no check, can use `_from_tuple`.
"""

import math
import operator

__all__ = ["TensorShape", "as_shape"]

_index = operator.index


def _convert_dims(value):
    """Returns the validated dims tuple for a shape-like `value` (slow path)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"Failed to convert {value!r} to a shape. A shape should either be a "
            "single dimension (e.g. 10), or an iterable of dimensions "
            "(e.g. [1, 10, None])."
        )
    try:
        items = tuple(value)
    except TypeError:
        try:  # a single dimension: TensorShape(3) is TensorShape([3])
            items = (_index(value),)
        except TypeError:
            raise TypeError(
                f"Failed to convert {value!r} to a shape. A shape should either be a "
                "single dimension (e.g. 10), or an iterable of dimensions "
                "(e.g. [1, 10, None])."
            ) from None
    dims = []
    for d in items:
        if d is None:
            dims.append(None)
            continue
        try:
            d = _index(d)
        except TypeError:
            raise TypeError(
                "Dimension value must be integer or None or have an __index__ "
                f"method, got value {d!r} with type {type(d)!r}"
            ) from None
        if d < 0:
            raise ValueError(f"Dimension {d} must be >= 0")
        dims.append(d)
    return tuple(dims)


class TensorShape:
    """The shape of a Tensor: a rank and one size per dimension.

    Dimensions are Python ints, or `None` where unknown; the whole shape may be
    of unknown rank (`TensorShape(None)`).

    >>> s = TensorShape([2, 3])
    >>> s
    TensorShape([2, 3])
    >>> print(s)
    (2, 3)
    >>> s == (2, 3), s.rank, s[0], s.as_list(), s.num_elements()
    (True, 2, 2, [2, 3], 6)
    >>> print(TensorShape([]), TensorShape([3]), TensorShape(None))
    () (3,) <unknown>

    Args:
        dims: An iterable of dimensions (ints, objects with `__index__`, or
            `None`), a single int, another TensorShape, or `None` for an
            unknown rank.

    Raises:
        TypeError: If a dimension is not an integer or None.
        ValueError: If a dimension is negative.
    """

    __slots__ = ("_dims",)

    def __init__(self, dims):
        if type(dims) is tuple:
            # Fast path: a tuple of non-negative ints is stored as is. For the
            # short tuples of real shapes a plain loop beats map()/min().
            for d in dims:
                if type(d) is not int or d < 0:
                    dims = _convert_dims(dims)  # None, numpy ints, or an error
                    break
            self._dims = dims
        elif dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        else:
            self._dims = _convert_dims(dims)

    # -- rank and dimensions ---------------------------------------------------

    @property
    def rank(self):
        """The number of dimensions as an int, or None if the rank is unknown."""
        dims = self._dims
        return None if dims is None else len(dims)

    @property
    def ndims(self):
        """The same as `rank` (TF's older name)."""
        dims = self._dims
        return None if dims is None else len(dims)

    def as_list(self):
        """Returns the dimensions as a list of Python ints (None where unknown).

        Raises:
            ValueError: If the rank is unknown.
        """
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def num_elements(self):
        """Returns the number of elements (1 for a scalar), or None if not fully defined."""
        dims = self._dims
        if dims is None or None in dims:
            return None
        return math.prod(dims)

    def is_fully_defined(self):
        """Returns True if the rank and every dimension are known."""
        dims = self._dims
        return dims is not None and None not in dims

    def assert_is_fully_defined(self):
        """Raises ValueError unless the rank and every dimension are known."""
        if not self.is_fully_defined():
            raise ValueError(f"Shape {self} is not fully defined")

    # -- combining shapes --------------------------------------------------------

    def concatenate(self, other):
        """Returns the shape with the dimensions of `self` followed by those of `other`.

        Args:
            other: Anything `as_shape` accepts.

        Returns:
            A TensorShape, of unknown rank if either part has unknown rank.
        """
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return _UNKNOWN
        return _from_tuple(self._dims + other._dims)

    def is_compatible_with(self, other):
        """Returns True if `self` and `other` could describe the same shape.

        Unknown rank is compatible with every shape; otherwise the ranks must be
        equal and each pair of dimensions equal or at least one of them None.

        Args:
            other: Anything `as_shape` accepts.
        """
        other = as_shape(other)
        a, b = self._dims, other._dims
        if a is None or b is None:
            return True
        if len(a) != len(b):
            return False
        return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))

    def assert_is_compatible_with(self, other):
        """Raises ValueError unless `self.is_compatible_with(other)`."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def merge_with(self, other):
        """Returns the most specific shape compatible with both `self` and `other`.

        Known dimensions of either shape fill in unknown ones of the other.

        Args:
            other: Anything `as_shape` accepts.

        Raises:
            ValueError: If the shapes are not compatible.
        """
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return _from_tuple(
            tuple(x if x is not None else y for x, y in zip(self._dims, other._dims, strict=True))
        )

    def most_specific_compatible_shape(self, other):
        """Returns the most specific shape that both `self` and `other` are compatible with.

        Dimensions that differ (or are unknown in either) become None; shapes of
        different or unknown rank give an unknown shape.
        """
        other = as_shape(other)
        a, b = self._dims, other._dims
        if a is None or b is None or len(a) != len(b):
            return _UNKNOWN
        return _from_tuple(tuple(x if x == y else None for x, y in zip(a, b, strict=True)))

    # -- rank checks -------------------------------------------------------------

    def assert_has_rank(self, rank):
        """Raises ValueError if the rank is known and differs from `rank`."""
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")

    def assert_same_rank(self, other):
        """Raises ValueError if both ranks are known and differ."""
        other = as_shape(other)
        if self._dims is not None and other._dims is not None:
            if len(self._dims) != len(other._dims):
                raise ValueError(f"Shapes {self} and {other} must have the same rank")

    def with_rank(self, rank):
        """Returns `self` with rank `rank` (an unknown rank becomes `rank` unknown dims).

        Raises:
            ValueError: If the rank is known and differs from `rank`.
        """
        if self._dims is None:
            return _from_tuple((None,) * rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def with_rank_at_least(self, rank):
        """Returns `self` if its rank is unknown or at least `rank`.

        Raises:
            ValueError: If the rank is known and smaller than `rank`.
        """
        if self._dims is not None and len(self._dims) < rank:
            raise ValueError(f"Shape {self} must have rank at least {rank}")
        return self

    def with_rank_at_most(self, rank):
        """Returns `self` if its rank is unknown or at most `rank`.

        Raises:
            ValueError: If the rank is known and larger than `rank`.
        """
        if self._dims is not None and len(self._dims) > rank:
            raise ValueError(f"Shape {self} must have rank at most {rank}")
        return self

    # -- Python protocols --------------------------------------------------------

    def __len__(self):
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __bool__(self):
        # As in TF: True whenever the rank is known, even for a scalar shape.
        return self._dims is not None

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        """Returns a dimension (int or None) for an int key, a TensorShape for a slice."""
        dims = self._dims
        if dims is not None:
            if isinstance(key, slice):
                return _from_tuple(dims[key])
            return dims[key]
        # Unknown rank: any single dimension is unknown; a slice has known rank
        # only when both bounds are given and non-negative.
        if not isinstance(key, slice):
            return None
        if key.step is not None:
            raise ValueError("Steps are not yet handled")
        start = 0 if key.start is None else key.start
        stop = key.stop
        if stop is None or start < 0 or stop < 0:
            return _UNKNOWN
        return _from_tuple((None,) * max(stop - start, 0))

    def __eq__(self, other):
        if type(other) is not TensorShape:
            try:
                other = as_shape(other)
            except (TypeError, ValueError):
                return NotImplemented
        return self._dims == other._dims

    def __hash__(self):
        return hash(self._dims)

    def __add__(self, other):
        return self.concatenate(other)

    def __radd__(self, other):
        return as_shape(other).concatenate(self)

    def __repr__(self):
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({list(self._dims)!r})"

    def __str__(self):
        if self._dims is None:
            return "<unknown>"
        # The str of a tuple of ints/None is exactly TF's format: (), (3,), (2, None).
        return str(self._dims)

    def __reduce__(self):
        return TensorShape, (None if self._dims is None else list(self._dims),)


_new_shape = object.__new__


def _from_tuple(dims):
    """Returns a TensorShape over `dims` without validation (engine hot path).

    Args:
        dims: A tuple of non-negative Python ints or None; trusted, e.g. an
            `ndarray.shape`.
    """
    shape = _new_shape(TensorShape)
    shape._dims = dims
    return shape


_UNKNOWN = TensorShape(None)


def as_shape(shape):
    """Converts `shape` to a TensorShape, returning it unchanged if it already is one.

    Args:
        shape: A TensorShape, an iterable of dimensions, a single int, or None.

    Returns:
        A TensorShape.

    Raises:
        TypeError: If `shape` or one of its dimensions cannot be converted.
        ValueError: If a dimension is negative.
    """
    if type(shape) is TensorShape:
        return shape
    return TensorShape(shape)
