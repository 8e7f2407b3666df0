"""`tf.TypeSpec`: the base class of the value specs (`tf.TensorSpec` and the specs of
composite values in `fasttape.specs`).

A spec is described by its constructor arguments (`_serialize()`); equality, hashing,
compatibility and subtyping follow from them: shapes compare by compatibility (None
dims match anything), every other field by equality.
"""

import abc

from fasttape.tensor_shape import TensorShape

__all__ = ["TypeSpec"]


def _compatible(a, b):
    if isinstance(a, TensorShape) and isinstance(b, TensorShape):
        return a.is_compatible_with(b)
    if isinstance(a, TypeSpec) and isinstance(b, TypeSpec):
        return a.is_compatible_with(b)
    return a == b


def _subtype(a, b):
    """a at least as specific as b."""
    if isinstance(a, TensorShape) and isinstance(b, TensorShape):
        if b.rank is None:
            return True
        return a.rank == b.rank and all(
            y is None or x == y for x, y in zip(a.as_list(), b.as_list()))
    if isinstance(a, TypeSpec) and isinstance(b, TypeSpec):
        return a.is_subtype_of(b)
    return a == b


def _supertype(fields):
    first = fields[0]
    if isinstance(first, TensorShape):
        if not all(isinstance(f, TensorShape) for f in fields):
            return None, False
        out = first
        for f in fields[1:]:
            out = out.most_specific_compatible_shape(f)
        return out, True
    if isinstance(first, TypeSpec):
        out = first.most_specific_common_supertype(fields[1:])
        return out, out is not None
    return first, all(f == first for f in fields)


def _hashable(field):
    if isinstance(field, TensorShape):
        return None if field.rank is None else ("shape", tuple(field.as_list()))
    return field


class TypeSpec(abc.ABC):
    """The type of a value that ops and `tf.function` accept: subclasses name the
    Python type they describe (`value_type`) and their constructor arguments
    (`_serialize`)."""

    __slots__ = ()

    @property
    @abc.abstractmethod
    def value_type(self):
        """The Python type of the values this spec describes."""

    @abc.abstractmethod
    def _serialize(self):
        """The constructor arguments, as a tuple: ``type(self)(*self._serialize())``."""

    @classmethod
    def _spec_of(cls, value):
        """The spec of this kind for `value`, or None when `value` is of another kind."""
        return None

    def is_compatible_with(self, spec_or_value):
        """Same kind, shapes compatible, other fields equal; a value is compared
        through its spec."""
        other = spec_or_value
        if not isinstance(other, TypeSpec):
            other = type(self)._spec_of(other)
            if other is None:
                return False
        if type(other) is not type(self):
            return False
        return all(_compatible(a, b) for a, b in zip(self._serialize(), other._serialize()))

    def is_subtype_of(self, other):
        """True when every value of this spec is also a value of `other`."""
        if type(other) is not type(self):
            return False
        return all(_subtype(a, b) for a, b in zip(self._serialize(), other._serialize()))

    def most_specific_common_supertype(self, others):
        """The narrowest spec that `self` and all `others` are subtypes of, or None."""
        if any(type(o) is not type(self) for o in others):
            return None
        fields = []
        for column in zip(self._serialize(), *(o._serialize() for o in others)):
            field, ok = _supertype(list(column))
            if not ok:
                return None
            fields.append(field)
        return type(self)(*fields)

    def most_specific_compatible_type(self, other):
        """The common supertype of two compatible specs.

        Raises:
            ValueError: the specs are not compatible.
        """
        if not self.is_compatible_with(other):
            raise ValueError(f"No TypeSpec is compatible with both {self} and {other}")
        return self.most_specific_common_supertype([other])

    def __eq__(self, other):
        return type(other) is type(self) and self._serialize() == other._serialize()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((type(self).__name__,) + tuple(_hashable(f) for f in self._serialize()))

    def __repr__(self):
        return f"{type(self).__name__}{self._serialize()!r}"
