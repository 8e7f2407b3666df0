"""Reductions over axes.

`axis` may be None (all axes), an int (negative counts from the end), a list or tuple,
or an int tensor; duplicates and out-of-range axes raise InvalidArgumentError. The
public functions canonicalise it once, so forwards and rules see a sorted tuple of
non-negative axes, plus the input shape the rule needs to broadcast the gradient back.
"""

import numpy as np

from fasttape import _engine, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops._registry import defop
from fasttape.ops.shape import broadcast_to, reshape

__all__ = ["reduce_sum", "reduce_mean", "canonical_axes"]

MATH = ["reduce_sum", "reduce_mean"]


def canonical_axes(axis, rank):
    """A sorted tuple of non-negative axes for `axis` over a tensor of `rank`."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, _TensorLike):
        axis = np.asarray(axis).tolist()
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -rank <= a < max(rank, 1):
            raise errors.InvalidArgumentError(
                f"Invalid reduction dimension {a} for input with {rank} dimensions.")
        a %= max(rank, 1)
        if a in out:
            raise errors.InvalidArgumentError(
                f"Invalid reduction arguments: Axes contains duplicate dimension: {a}")
        out.append(a)
    return tuple(sorted(out)) if rank else ()


def kept_shape(in_shape, axes):
    """The shape of a keepdims reduction of `in_shape` over `axes`."""
    return tuple(1 if i in axes else d for i, d in enumerate(in_shape))


def _unreduce(g, axes, in_shape):
    """Broadcast a reduced gradient back over the reduced axes."""
    return broadcast_to(reshape(g, kept_shape(in_shape, axes)), in_shape)


def _reduction(op, input_tensor, axis, keepdims):
    x = convert_to_tensor(input_tensor)
    in_shape = x._value.shape
    axes = canonical_axes(axis, len(in_shape))
    return _engine.apply(op, (x,), (axes, bool(keepdims), in_shape))


@defop(public=False)
def _sum(x, axes=None, keepdims=False, in_shape=None):
    if x.dtype == np.bool_:
        raise errors.InvalidArgumentError("Value for attr 'T' of bool is not in the list of "
                                          "allowed values [Op:Sum]")
    return np.sum(x, axis=axes, keepdims=keepdims)


@_sum.defvjp
def _sum_vjp(g, axes, in_shape):
    return _unreduce(g, axes, in_shape)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements across `axis` (all axes by default).

    >>> reduce_sum([[1., 2.], [3., 4.]], axis=0)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([4., 6.], dtype=float32)>
    """
    return _reduction(_sum.op, input_tensor, axis, keepdims)


@defop(public=False)
def _mean(x, axes=None, keepdims=False, in_shape=None):
    if x.dtype == np.bool_:
        raise errors.InvalidArgumentError("Value for attr 'T' of bool is not in the list of "
                                          "allowed values [Op:Mean]")
    count = int(np.prod([x.shape[a] for a in axes]))
    total = np.sum(x, axis=axes, keepdims=keepdims)
    if x.dtype.kind in "iu":         # integer mean truncates, as TF's does
        if count == 0:
            raise errors.InvalidArgumentError("Integer mean of an empty tensor [Op:Mean]")
        return (np.abs(total) // count * np.sign(total)).astype(x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.true_divide(total, count).astype(x.dtype, copy=False)


@_mean.defvjp
def _mean_vjp(g, axes, in_shape):
    count = int(np.prod([in_shape[a] for a in axes]))
    return _unreduce(g / count, axes, in_shape)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements across `axis`; integer tensors give a truncated integer mean."""
    return _reduction(_mean.op, input_tensor, axis, keepdims)
