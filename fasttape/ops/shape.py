"""Shape ops: reshape, broadcast_to, stack, and basic indexing (`t[...]`).

Their gradients move the upstream values back into the input's layout: reshape
back, sum over broadcast axes, split a stack, scatter a slice into zeros. Every
rule is itself made of recorded ops, so these work at any derivative order.
"""

import numpy as np

from fasttape import _engine, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops._registry import defop

__all__ = ["reshape", "broadcast_to", "stack", "sum_to_shape"]


def _shape_tuple(shape):
    if isinstance(shape, _TensorLike):
        shape = np.asarray(shape).tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


@defop(public=False)
def _reshape(tensor, shape=None, in_shape=None):
    try:
        return tensor.reshape(shape)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Input to reshape is a tensor with {tensor.size} values, but the requested "
            f"shape has {int(np.prod([d for d in shape if d != -1]))} [Op:Reshape]") from None


@_reshape.defvjp
def _reshape_vjp(g, in_shape):
    return reshape(g, in_shape)


def reshape(tensor, shape, name=None):
    """The same values in a new shape (one dimension may be -1)."""
    tensor = convert_to_tensor(tensor)
    in_shape = tuple(tensor.shape)
    return _engine.apply(_reshape.op, (tensor,), (_shape_tuple(shape), in_shape))


@defop(broadcasts=True, public=False)
def _broadcast_to(input, shape=None):  # noqa: A002 - TF's name
    try:
        return np.broadcast_to(input, shape)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Unable to broadcast tensor of shape {list(input.shape)} to tensor of shape "
            f"{list(shape)} [Op:BroadcastTo]") from None


@_broadcast_to.defvjp
def _broadcast_to_vjp(g):
    return g          # the engine sums it back to the input's shape


def broadcast_to(input, shape, name=None):  # noqa: A002 - TF's name
    """`input` repeated along new or size-1 axes to `shape` (numpy's rules)."""
    return _engine.apply(_broadcast_to.op, (convert_to_tensor(input),), (_shape_tuple(shape),))


def sum_to_shape(g, shape):
    """Sum `g` over the axes along which a value of `shape` was broadcast to g's shape."""
    shape = tuple(shape)
    have = tuple(g.shape)
    if have == shape:
        return g
    from fasttape.ops.reductions import reduce_sum

    lead = len(have) - len(shape)
    axes = list(range(lead)) + [i + lead for i, d in enumerate(shape)
                                if d == 1 and have[i + lead] != 1]
    return reshape(reduce_sum(g, axis=axes), shape) if axes else reshape(g, shape)


# --- stack ---------------------------------------------------------------------------

@defop(public=False)
def _stack(*values, axis=0):
    shapes = {v.shape for v in values}
    if len(shapes) > 1:
        first, other = values[0].shape, next(v.shape for v in values if v.shape != values[0].shape)
        raise errors.InvalidArgumentError(
            f"Shapes of all inputs must match: values[0].shape = {list(first)} != "
            f"values[{[v.shape for v in values].index(other)}].shape = {list(other)} [Op:Pack]")
    return np.stack(values, axis=axis)


@_stack.defvjp
def _stack_vjp(g, values, axis):
    return [_take(g, axis, i) for i in range(len(values))]


def _take(t, axis, i):
    key = (slice(None),) * axis + (i,)
    return t[key]


def stack(values, axis=0, name="stack"):
    """Join tensors of one shape along a new axis."""
    values = convert_inputs(tuple(values))
    if not values:
        raise ValueError("stack needs at least one tensor")
    rank = len(values[0].shape)
    if not -rank - 1 <= axis <= rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank - 1}, {rank + 1})")
    return _engine.apply(_stack.op, values, (axis % (rank + 1),))


# --- indexing ------------------------------------------------------------------------

def _index_part(k):
    """One element of an index key, canonicalised for numpy basic indexing."""
    if k is None or k is Ellipsis:
        return k
    if isinstance(k, slice):
        return slice(*(None if b is None else _scalar_index(b) for b in (k.start, k.stop, k.step)))
    return _scalar_index(k)


def _scalar_index(k):
    if isinstance(k, _TensorLike):
        arr = np.asarray(k)
        if arr.ndim != 0 or arr.dtype.kind not in "iu":
            raise TypeError(
                "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                f"scalar tf.int32/tf.int64 tensors are valid indices, got {k!r}")
        return int(arr)
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(
            "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
            f"scalar tf.int32/tf.int64 tensors are valid indices, got {k!r}")
    return int(k)


def _canonical_key(key, shape):
    parts = key if isinstance(key, tuple) else (key,)
    out = tuple(_index_part(k) for k in parts)
    consumed = sum(1 for k in out if k is not None and k is not Ellipsis)
    dim = 0
    for k in out:
        if k is Ellipsis:
            dim += len(shape) - consumed
            continue
        if k is None:
            continue
        if dim >= len(shape):
            raise errors.InvalidArgumentError(
                f"Index out of range using input dim {dim}; input has only {len(shape)} dims")
        if isinstance(k, int) and not -shape[dim] <= k < shape[dim]:
            raise errors.InvalidArgumentError(
                f"slice index {k} of dimension {dim} out of bounds. [Op:StridedSlice]")
        dim += 1
    return out


@defop(public=False)
def _strided_slice(tensor, key=None, in_shape=None):
    return tensor[key]


@_strided_slice.defvjp
def _strided_slice_vjp(g, key, in_shape):
    return _engine.apply(_slice_grad.op, (g,), (key, in_shape))


@defop(public=False)
def _slice_grad(g, key=None, in_shape=None):
    out = np.zeros(in_shape, dtype=g.dtype)
    out[key] = g
    return out


@_slice_grad.defvjp
def _slice_grad_vjp(g, key):
    return g[key]


def getitem(tensor, key):
    """`tensor[key]` with TF's basic indexing (ints, slices, `...`, None, 0-d int tensors)."""
    tensor = _engine.read(tensor)
    if isinstance(key, _TensorLike) and key.dtype.is_bool:
        from fasttape.ops import boolean_mask
        return boolean_mask(tensor, key)
    if isinstance(key, list):
        raise errors.InvalidArgumentError(
            "Fancy indexing with a list is not supported; use tf.gather [Op:StridedSlice]")
    in_shape = tuple(tensor.shape)
    key = _canonical_key(key, in_shape)
    return _engine.apply(_strided_slice.op, (tensor,), (key, in_shape))
