"""Shape ops: reshape, transpose, joining and splitting, padding, and basic indexing.

Their gradients move the upstream values back into the input's layout: reshape back,
transpose by the inverse permutation, sum over broadcast or tiled copies, cut a
concatenation or a stack into its pieces, scatter a slice into zeros. Every rule is
itself made of recorded ops, so these work at any derivative order.

Pieces (of a stack, concat, unstack or split) are all one op, `_strided_slice`, whose
gradient writes the piece into zeros of the whole's shape. `expand_dims` and `squeeze`
are reshapes. `shape`, `rank` and `size` read static shapes and have no gradient.

The rules also take cotangents with leading axes of stacked rows (`batches=True`, for
vectorised jacobians): each finds how many from the rank it expects (`_lead`) and
shifts its axes past them.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.tensor_shape import TensorShape
from fasttape.ops._registry import defop, export

# Names are published by their declarations (@export). `shape` (defined below) is not:
# in fasttape.ops that name is this module; fasttape/__init__.py imports it as tf.shape.
# --- argument helpers ----------------------------------------------------------------

def _dims(shape):
    """A shape as TF prints it in op errors: [2,3]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def _shape_tuple(shape):
    if type(shape) is tuple and all([type(d) is int and d >= -1 for d in shape]):
        return shape                                  # the common case, as is
    if isinstance(shape, _TensorLike):
        shape = np.asarray(shape).tolist()
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return (int(shape),)
    if isinstance(shape, (str, bytes)):
        raise _bad_shape_dtype("string")
    if isinstance(shape, np.ndarray):
        if shape.dtype.kind not in "iu":
            raise _bad_shape_dtype("float" if shape.dtype.kind == "f" else str(shape.dtype))
        return tuple(int(d) for d in shape.reshape(-1))
    if not isinstance(shape, (list, tuple, range, TensorShape)):
        # sets and dicts have no order: TF refuses them as it does any other object
        raise ValueError(f"Attempt to convert a value ({shape!r}) with an unsupported type "
                         f"({type(shape)}) to a Tensor.")
    dims = []
    for d in shape:
        if d is None and isinstance(shape, TensorShape):
            raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a "
                             "Tensor.")
        if isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)):
            dims.append(int(d))
        elif isinstance(d, (float, np.floating)):
            raise _bad_shape_dtype("float")
        elif isinstance(d, (str, bytes)):
            raise _bad_shape_dtype("string")
        elif isinstance(d, _TensorLike) and d.dtype.is_integer and not d.shape:
            dims.append(int(d))
        else:
            raise ValueError(f"Attempt to convert a value ({d!r}) with an unsupported type "
                             f"({type(d)}) to a Tensor.")
    return tuple(dims)


def _bad_shape_dtype(kind):
    return errors.InvalidArgumentError(
        f"Value for attr 'Tidx' of {kind} is not in the list of allowed values: int32, int64")


def _int_array(value, attr, op, allowed="int32, int64"):
    """An integer ndarray from a list, array or tensor; floats are refused as TF does."""
    arr = np.asarray(value)
    if arr.size == 0 and arr.dtype.kind == "f":      # an empty Python list
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        kind = {"f": "float", "b": "bool"}.get(arr.dtype.kind, str(arr.dtype))
        raise errors.InvalidArgumentError(
            f"Value for attr '{attr}' of {kind} is not in the list of allowed values: "
            f"{allowed} [Op:{op}]")
    return arr.astype(np.int64)


def _int_scalar(value, what):
    """A Python int from an int, numpy integer or 0-d integer tensor/array."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int32")
    if isinstance(value, (int, np.integer)):
        return int(value)
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int32")
    if arr.ndim != 0:
        raise errors.InvalidArgumentError(f"`{what}` must be a scalar, got shape "
                                          f"{list(arr.shape)}")
    return int(arr)


def convert_list(values):
    """Convert an op's list of inputs as TF does: non-tensors adopt the dtype of the
    first tensor among them, or else of the first value."""
    for v in values:
        if type(v) is not _engine.Tensor or v._value is None:   # (None: uninitialised)
            break
    else:
        return values           # all Tensors already (the common case): nothing to do
    dtype = next((v.dtype for v in values if isinstance(v, _TensorLike)), None)
    out = []
    for v in values:
        t = _engine.read(v) if isinstance(v, _TensorLike) else convert_to_tensor(v, dtype=dtype)
        if dtype is None:
            dtype = t.dtype
        out.append(t)
    return tuple(out)


def _lead(g, rank):
    """How many stacked-cotangent axes `g` carries in front of an op's `rank` axes."""
    return g._value.ndim - rank


def _sliced_rank(key, rank):
    """The rank of `t[key]` for a canonical basic-indexing key into a rank-`rank` t."""
    return rank - sum(1 for k in key if isinstance(k, int)) + sum(1 for k in key if k is None)


def _slice(t, key):
    """t[key] for a canonical basic-indexing key, as one recorded op."""
    return _engine.slice_pieces(t, [key])[0]


def _axis_key(axis, index):
    """The key selecting `index` (an int or a slice) along `axis`."""
    return (slice(None),) * axis + (index,)


# --- reshape, expand_dims, squeeze ----------------------------------------------------

@defop(public=False, batches=True)
def _reshape(tensor, shape=None, in_shape=None):
    try:
        return tensor.reshape(shape)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Input to reshape is a tensor with {tensor.size} values, but the requested "
            f"shape has {int(np.prod([d for d in shape if d != -1]))} [Op:Reshape]") from None


@_reshape.defvjp
def _reshape_vjp(g, shape, in_shape):
    lead = _lead(g, len(shape))
    return _reshape_to(g, g._value.shape[:lead] + tuple(in_shape))


@export("")
def reshape(tensor, shape, name=None):
    """The same values in a new shape (one dimension may be -1)."""
    tensor = convert_to_tensor(tensor)
    return _engine.apply(_reshape.op, (tensor,), (_shape_tuple(shape), tensor._value.shape))


def _reshape_to(tensor, shape):
    return _engine.apply(_reshape.op, (tensor,), (tuple(shape), tensor._value.shape))


@export("")
def expand_dims(input, axis, name=None):  # noqa: A002 - TF's name
    """Insert a dimension of size 1 at `axis` (counted in the result when negative).

    Args:
        input: A Tensor (or convertible value).
        axis: An int, or a one-element list or int tensor, in [-rank-1, rank].

    Raises:
        InvalidArgumentError: `axis` out of range, or more than one value.
    """
    x = convert_to_tensor(input)
    if isinstance(axis, (list, tuple, np.ndarray, _TensorLike)) and np.ndim(axis) != 0:
        arr = np.asarray(axis)
        if arr.size != 1:
            raise errors.InvalidArgumentError(
                "'dim' must be a tensor with a single value [Op:ExpandDims]")
        axis = arr.reshape(())
    if axis is None:
        raise ValueError("Attempt to convert a value (None) with an unsupported type "
                         "(<class 'NoneType'>) to a Tensor.")
    a = _int_scalar(axis, "axis")
    shape = x._value.shape
    rank = len(shape)
    if not -rank - 1 <= a <= rank:
        raise errors.InvalidArgumentError(
            f"Tried to expand dim index {a} for tensor with {rank} dimensions. "
            "[Op:ExpandDims]")
    a %= rank + 1
    return _reshape_to(x, shape[:a] + (1,) + shape[a:])


@export("")
def squeeze(input, axis=None, name=None):  # noqa: A002 - TF's name
    """Remove dimensions of size 1: all of them, or those listed in `axis`.

    Raises:
        InvalidArgumentError: a listed dimension is out of range or not of size 1.
    """
    x = convert_to_tensor(input)
    shape = x._value.shape
    rank = len(shape)
    if axis is None or (isinstance(axis, (list, tuple)) and not axis):
        keep = [d for d in shape if d != 1]
        return _reshape_to(x, keep)
    axes = np.asarray(axis).reshape(-1).tolist()
    drop = set()
    for a in axes:
        a = int(a)
        if not -rank <= a < rank:
            raise errors.InvalidArgumentError(
                f"Tried to squeeze dim index {a} for tensor with {rank} dimensions. "
                "[Op:Squeeze]")
        a %= rank
        if shape[a] != 1:
            raise errors.InvalidArgumentError(
                f"Can not squeeze dim[{a}], expected a dimension of 1, got {shape[a]} "
                "[Op:Squeeze]")
        drop.add(a)
    return _reshape_to(x, [d for i, d in enumerate(shape) if i not in drop])


# --- broadcast_to, sum_to_shape, tile --------------------------------------------------

@defop(broadcasts=True, public=False, batches=True)
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


@export("")
def broadcast_to(input, shape, name=None):  # noqa: A002 - TF's name
    """`input` repeated along new or size-1 axes to `shape` (numpy's rules)."""
    return _engine.apply(_broadcast_to.op, (convert_to_tensor(input),), (_shape_tuple(shape),))


@export("")
def sum_to_shape(g, shape):
    """Sum `g` over the axes along which a value of `shape` was broadcast to g's shape."""
    shape = _shape_tuple(shape)
    have = tuple(g.shape)
    if have == shape:
        return g
    from fasttape.ops.reductions import reduce_sum

    try:
        fits = len(shape) <= len(have) and np.broadcast_shapes(shape, have) == have
    except ValueError:
        fits = False
    if not fits:
        raise errors.InvalidArgumentError(
            f"sum_to_shape: a value of shape {list(shape)} does not broadcast to the "
            f"gradient's shape {list(have)}")

    lead = len(have) - len(shape)
    axes = list(range(lead)) + [i + lead for i, d in enumerate(shape)
                                if d == 1 and have[i + lead] != 1]
    return reshape(reduce_sum(g, axis=axes), shape) if axes else reshape(g, shape)


@defop(public=False, batches=True)
def _tile(input, multiples=(), in_shape=()):  # noqa: A002 - TF's name
    return np.tile(input, multiples) if multiples else input.copy()


@_tile.defvjp
def _tile_vjp(g, multiples, in_shape):
    # g is (m0*d0, m1*d1, ...): view it as (m0, d0, m1, d1, ...) and sum the copies
    from fasttape.ops.reductions import reduce_sum

    lead = _lead(g, len(in_shape))
    rows = g._value.shape[:lead]
    split = rows + tuple(v for m, d in zip(multiples, in_shape, strict=True) for v in (m, d))
    copies = list(range(lead, lead + 2 * len(in_shape), 2))
    return _reshape_to(reduce_sum(_reshape_to(g, split), axis=copies), rows + in_shape)


@export("")
def tile(input, multiples, name=None):  # noqa: A002 - TF's name
    """`input` repeated `multiples[i]` times along each axis i.

    Raises:
        InvalidArgumentError: `multiples` of the wrong length, negative, or not integers.
    """
    x = convert_to_tensor(input)
    reps = _int_array(multiples, "Tmultiples", "Tile").reshape(-1).tolist()
    shape = x._value.shape
    if len(reps) != len(shape):
        raise errors.InvalidArgumentError(
            f"Expected multiples argument to be a vector of length {len(shape)} but got "
            f"length {len(reps)} [Op:Tile]")
    for i, m in enumerate(reps):
        if m < 0:
            raise errors.InvalidArgumentError(
                f"Expected multiples[{i}] >= 0, but got {m} [Op:Tile]")
    return _engine.apply(_tile.op, (x,), (tuple(reps), shape))


# --- transpose, reverse ----------------------------------------------------------------

@defop(public=False, batches=True)
def _transpose(a, perm=(), conjugate=False):
    out = np.transpose(a, perm)
    return np.conj(out) if conjugate and out.dtype.kind == "c" else out


@_transpose.defvjp
def _transpose_vjp(g, perm, conjugate):
    lead = _lead(g, len(perm))
    inverse = tuple(range(lead)) + tuple(lead + int(i) for i in np.argsort(perm))
    return _engine.apply(_transpose.op, (g,), (inverse, conjugate))


@export("")
def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permute the axes of `a`: axis i of the result is axis perm[i] of `a`.

    Args:
        a: A Tensor.
        perm: A permutation of range(rank) (negative entries count from the end);
            by default the axes are reversed.
        conjugate: Also take the complex conjugate (no effect on real tensors).

    Raises:
        InvalidArgumentError: `perm` is not a permutation of the axes.
    """
    x = convert_to_tensor(a)
    rank = x._value.ndim
    if perm is None:
        p = tuple(range(rank - 1, -1, -1))
    else:
        p = _int_array(perm, "Tperm", "Transpose").reshape(-1).tolist()
        if len(p) != rank:
            raise errors.InvalidArgumentError(
                f"transpose expects a vector of size {rank}. But input(1) is a vector of "
                f"size {len(p)} [Op:Transpose]")
        for d in p:
            if not -rank <= d < rank:
                raise errors.InvalidArgumentError(
                    f"{d} is out of range [0 .. {rank}) [Op:Transpose]")
        p = tuple(d % rank for d in p)
        missing = sorted(set(range(rank)) - set(p))
        if missing:
            raise errors.InvalidArgumentError(
                f"{missing[0]} is missing from {{{','.join(str(d) for d in perm)}}}. "
                "[Op:Transpose]")
    return _engine.apply(_transpose.op, (x,), (p, bool(conjugate)))


@defop(public=False, batches=True)
def _reverse(tensor, axes=(), rank=0):
    return np.flip(tensor, axes)


@_reverse.defvjp
def _reverse_vjp(g, axes, rank):
    lead = _lead(g, rank)
    return _engine.apply(_reverse.op, (g,), (tuple(a + lead for a in axes), rank + lead))


@export("")
def reverse(tensor, axis, name=None):
    """Reverse `tensor` along each axis listed in `axis` (a 1-D list of ints).

    Raises:
        InvalidArgumentError: `axis` not 1-D, out of range, or repeating an axis.
    """
    x = convert_to_tensor(tensor)
    rank = x._value.ndim
    arr = _int_array(axis, "Tidx", "ReverseV2")
    if arr.ndim != 1:
        raise errors.InvalidArgumentError(
            f"'dims' must be 1-dimension, not {arr.ndim} [Op:ReverseV2]")
    axes = []
    for i, a in enumerate(arr.tolist()):
        if not -rank <= a < rank:
            raise errors.InvalidArgumentError(
                f"'axis'[{i}] = {a} is out of valid range [0, {rank - 1} [Op:ReverseV2]")
        if a % rank in axes:
            raise errors.InvalidArgumentError(
                f"axis {a % rank} specified more than once. [Op:ReverseV2]")
        axes.append(a % rank)
    return _engine.apply(_reverse.op, (x,), (tuple(sorted(axes)), rank))


# --- stack, unstack, concat, split ------------------------------------------------------

@defop(public=False, batches=True)
def _stack(*values, axis=0, rank=0):
    first = values[0].shape
    for i, v in enumerate(values):
        if v.shape != first:
            raise errors.InvalidArgumentError(
                f"Shapes of all inputs must match: values[0].shape = {list(first)} != "
                f"values[{i}].shape = {list(v.shape)} [Op:Pack]")
    if axis == 0:       # np.array packs small pieces several times faster than np.stack
        return np.array(values, dtype=values[0].dtype)
    return np.stack(values, axis=axis)


@_stack.defvjp
def _stack_vjp(g, axis, rank, needs):
    # one slice per operand: the engine's nodes have a single output each
    at = axis + _lead(g, rank + 1)
    wanted = [i for i, need in enumerate(needs) if need]
    pieces = dict(zip(wanted, _engine.slice_pieces(g, [_axis_key(at, i) for i in wanted])))
    return [pieces.get(i) for i in range(len(needs))]


@export("")
def stack(values, axis=0, name="stack"):
    """Join tensors of one shape along a new axis.

    Args:
        values: A non-empty list of tensors (or convertible values) of one shape.
        axis: Where the new axis goes, in [-rank-1, rank].

    Raises:
        ValueError: empty `values` or `axis` out of range.
        InvalidArgumentError: different shapes or dtypes.
    """
    if isinstance(values, (set, frozenset, dict, str, bytes)):
        raise TypeError(f"Expected list for 'values' argument to 'pack' Op, not {values!r}.")
    values = convert_list(tuple(values))
    if not values:
        raise ValueError("stack needs at least one tensor")
    rank = values[0]._value.ndim
    axis = _int_scalar(axis, "axis")
    if not -rank - 1 <= axis <= rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank - 1}, {rank + 1})")
    return _engine.apply(_stack.op, values, (axis % (rank + 1), rank))


@export("")
def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of `value` along `axis`, as a list of tensors of rank one less.

    Raises:
        ValueError: `axis` out of range (scalars have none).
        InvalidArgumentError: `num` differs from the size of the axis.
    """
    x = convert_to_tensor(value)
    shape = x._value.shape
    rank = len(shape)
    axis = _int_scalar(axis, "axis")
    if not -rank <= axis < rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank}, {rank})")
    axis %= rank
    if num is not None and int(num) != shape[axis]:
        raise errors.InvalidArgumentError(
            f"Input shape axis {axis} must equal {int(num)}, got shape {_dims(shape)} "
            "[Op:Unpack]")
    if axis == 0:
        return _engine.slice_pieces(x, [(i,) for i in range(shape[0])])
    return _engine.slice_pieces(x, [_axis_key(axis, i) for i in range(shape[axis])])


@defop(public=False, batches=True)
def _concat(*values, axis=0, sizes=(), rank=0):
    try:                # numpy refuses exactly what TF refuses; its message is not TF's
        return np.concatenate(values, axis=axis)
    except ValueError:
        pass
    first = values[0]
    for i, v in enumerate(values[1:], 1):
        if v.ndim != first.ndim:
            raise errors.InvalidArgumentError(
                f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                f"{_dims(first.shape)} vs. shape[{i}] = {_dims(v.shape)} [Op:ConcatV2]")
        for d in range(first.ndim):
            if d != axis and v.shape[d] != first.shape[d]:
                raise errors.InvalidArgumentError(
                    f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                    f"{_dims(first.shape)} vs. shape[{i}] = {_dims(v.shape)} [Op:ConcatV2]")
    raise errors.InvalidArgumentError(f"ConcatOp : cannot concatenate {len(values)} tensors "
                                      "of these shapes [Op:ConcatV2]")


@_concat.defvjp
def _concat_vjp(g, axis, sizes, rank, needs):
    at = axis + _lead(g, rank)
    keys, start = {}, 0
    for i, (size, need) in enumerate(zip(sizes, needs, strict=True)):
        if need:
            keys[i] = _axis_key(at, slice(start, start + size))
        start += size
    pieces = dict(zip(keys, _engine.slice_pieces(g, list(keys.values()))))
    return [pieces.get(i) for i in range(len(needs))]


@export("")
def concat(values, axis, name="concat"):
    """Join tensors along an existing axis.

    Args:
        values: A list of tensors (or convertible values) with equal shapes except
            along `axis`; empty pieces are fine. A single tensor is returned as is.
        axis: An int (or 0-d int tensor) in [-rank, rank).

    Raises:
        InvalidArgumentError: scalars, `axis` out of range, or mismatched ranks, shapes
            or dtypes.
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = convert_list(tuple(values))
    if not values:
        raise errors.InvalidArgumentError("ConcatOp : Expected a non-empty list of tensors "
                                          "[Op:ConcatV2]")
    axis = _int_scalar(axis, "axis")
    if len(values) == 1:            # TF returns the operand itself, even for scalars
        return _engine.apply(_engine_identity(), values, ())
    rank = values[0]._value.ndim
    if rank == 0:
        raise errors.InvalidArgumentError(
            "ConcatOp : Can't concatenate scalars (use tf.stack instead) [Op:ConcatV2]")
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"ConcatOp : Expected concatenating dimensions in the range [{-rank}, {rank}), "
            f"but got {axis} [Op:ConcatV2]")
    axis %= rank
    sizes = tuple([v._value.shape[axis] if v._value.ndim == rank else 0 for v in values])
    return _engine.apply(_concat.op, values, (axis, sizes, rank))


def _engine_identity():
    from fasttape.ops.elementwise import identity
    return identity.op


@export("")
def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split `value` along `axis` into equal parts or parts of the given sizes.

    Args:
        value: A Tensor.
        num_or_size_splits: An int (the number of equal parts, which must divide the
            axis) or a list of sizes, one of which may be -1 (the rest).
        axis: An int in [-rank, rank).
        num: Accepted for compatibility (only needed by TF for unknown shapes).

    Returns:
        A list of tensors.

    Raises:
        InvalidArgumentError: an axis out of range, parts not dividing the axis, sizes
            not adding up, or more than one -1.
    """
    x = convert_to_tensor(value)
    shape = x._value.shape
    rank = len(shape)
    axis = _int_scalar(axis, "axis")
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"-input rank(-{rank}) <= split_dim < input rank ({rank}), but got {axis} "
            "[Op:Split]")
    axis %= rank
    total = shape[axis]
    if isinstance(num_or_size_splits, _TensorLike) and num_or_size_splits.ndim == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits "
                         f"argument to split. Argument provided: {num_or_size_splits}")
    if np.ndim(num_or_size_splits) == 0:
        n = _int_scalar(num_or_size_splits, "num_or_size_splits")
        if n < 1:
            raise errors.InvalidArgumentError(
                f"Value for attr 'num_split' of {n} must be at least minimum 1 [Op:Split]")
        if total % n:
            raise errors.InvalidArgumentError(
                f"Number of ways to split should evenly divide the split dimension, but got "
                f"split_dim {axis} (size = {total}) and num_split {n} [Op:Split]")
        sizes = [total // n] * n
    else:
        sizes = _int_array(num_or_size_splits, "Tlen", "SplitV",
                           "int8, int32, int64").reshape(-1).tolist()
        sizes = _resolve_sizes(sizes, total)
    keys, start = [], 0
    for size in sizes:
        keys.append(_axis_key(axis, slice(start, start + size)))
        start += size
    return _engine.slice_pieces(x, keys)


def _resolve_sizes(sizes, total):
    """Split sizes with a -1 filled in; they must add up to the axis size."""
    if not sizes:
        raise errors.InvalidArgumentError("size_splits must not be empty [Op:SplitV]")
    if sizes.count(-1) > 1:
        raise errors.InvalidArgumentError("There can only be one -1 in the input. [Op:SplitV]")
    known = sum(s for s in sizes if s != -1)
    if any(s < -1 for s in sizes) or (known != total if -1 not in sizes else known > total):
        raise errors.InvalidArgumentError(
            "Determined shape must either match input shape along split_dim exactly if "
            "fully specified, or be less than the size of the input along split_dim if not "
            f"fully specified.  Got: {known} [Op:SplitV]")
    return [total - known if s == -1 else s for s in sizes]


# --- pad --------------------------------------------------------------------------------

_PAD_MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


@defop(public=False, batches=True)
def _pad(tensor, paddings=(), mode="CONSTANT", constant_values=0):
    if mode == "CONSTANT":
        return np.pad(tensor, paddings, mode="constant", constant_values=constant_values)
    return np.pad(tensor, paddings, mode=mode.lower())


@_pad.defvjp
def _pad_vjp(g, paddings, mode):
    lead = _lead(g, len(paddings))
    paddings = ((0, 0),) * lead + tuple(paddings)
    if mode == "CONSTANT":
        shape = g._value.shape
        return _slice(g, tuple(slice(lo, d - hi) for (lo, hi), d in
                               zip(paddings, shape, strict=True)))
    return _engine.apply(_mirror_pad_grad.op, (g,), (paddings, mode))


def _mirror_index(size, lo, hi, mode):
    """For each position along a mirror-padded axis, the input index it copies."""
    edge = 1 if mode == "REFLECT" else 0        # REFLECT skips the edge element
    left = np.arange(lo, 0, -1) - 1 + edge
    right = size - 1 - edge - np.arange(hi)
    return np.concatenate([left, np.arange(size), right]).astype(np.intp)


@defop(public=False, batches=True)
def _mirror_pad_grad(g, paddings=(), mode="REFLECT"):
    # each input element receives the gradient of every position that copies it
    out = g
    for ax, (lo, hi) in enumerate(paddings):
        if lo == hi == 0:
            continue
        moved = np.moveaxis(out, ax, 0)
        size = moved.shape[0] - lo - hi
        folded = np.zeros((size,) + moved.shape[1:], dtype=g.dtype)
        np.add.at(folded, _mirror_index(size, lo, hi, mode), moved)
        out = np.moveaxis(folded, 0, ax)
    return out if out is not g else g.copy()


@_mirror_pad_grad.defvjp
def _mirror_pad_grad_vjp(g, paddings, mode):
    lead = _lead(g, len(paddings))
    return _engine.apply(_pad.op, (g,), (((0, 0),) * lead + tuple(paddings), mode, 0))


@export("")
def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad `tensor` with `paddings[i] = [before, after]` elements along each axis i.

    Args:
        tensor: A Tensor.
        paddings: An int array of shape [rank, 2], non-negative.
        mode: "CONSTANT" (fill with `constant_values`), "REFLECT" (mirror without the
            edge; paddings < size) or "SYMMETRIC" (mirror with the edge; paddings
            <= size), in any letter case.
        constant_values: A scalar of the tensor's dtype. It gets no gradient (as in TF).

    Raises:
        ValueError: an unknown mode.
        InvalidArgumentError: paddings of the wrong shape, negative or too large.
    """
    upper = str(mode).upper()
    if upper not in _PAD_MODES:
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", '
                         f'"REFLECT", or "SYMMETRIC". Received `mode` = {mode}')
    op_name = "Pad" if upper == "CONSTANT" else "MirrorPad"
    if upper == "CONSTANT":
        x, fill = convert_list((tensor, constant_values))
        if fill._value.ndim != 0:
            raise errors.InvalidArgumentError(
                f"constant_values must be a scalar. Got: {_dims(fill._value.shape)} [Op:PadV2]")
        if fill.dtype != x.dtype:
            raise errors.InvalidArgumentError(
                f"cannot compute PadV2 as input #2(zero-based) was expected to be a "
                f"{x.dtype.name} tensor but is a {fill.dtype.name} tensor [Op:PadV2]")
        fill = np.asarray(fill)[()]        # an attribute: a traced function guards on it
    else:
        x, fill = convert_to_tensor(tensor), 0
    shape = x._value.shape
    pads = _int_array(paddings, "Tpaddings", op_name)
    if pads.ndim != 2 or pads.shape[1] != 2:
        raise errors.InvalidArgumentError(
            f"paddings must be a matrix with 2 columns: {_dims(pads.shape)} [Op:{op_name}]")
    if pads.shape[0] != len(shape):
        raise errors.InvalidArgumentError(
            f"The first dimension of paddings must be the rank of inputs{_dims(pads.shape)} "
            f"{_dims(shape)} [Op:{op_name}]")
    for (lo, hi), d in zip(pads.tolist(), shape, strict=True):
        if lo < 0 or hi < 0:
            raise errors.InvalidArgumentError(
                f"Paddings must be non-negative: {lo} {hi} [Op:{op_name}]")
        if upper == "REFLECT" and (lo >= d or hi >= d):
            raise errors.InvalidArgumentError(
                f"paddings must be less than the dimension size: {lo}, {hi} not less than "
                f"{d} [Op:MirrorPad]")
        if upper == "SYMMETRIC" and (lo > d or hi > d):
            raise errors.InvalidArgumentError(
                f"paddings must be no greater than the dimension size: {lo}, {hi} greater "
                f"than {d} [Op:MirrorPad]")
    pads = tuple(tuple(p) for p in pads.tolist())
    return _engine.apply(_pad.op, (x,), (pads, upper, fill))


# --- shape, rank, size -------------------------------------------------------------------

def _static_shape(value):
    if isinstance(value, _TensorLike):
        return tuple(value.shape)
    return convert_to_tensor(value)._value.shape


def _index_dtype(out_type, op):
    dtype = dtypes.int32 if out_type is None else dtypes.as_dtype(out_type)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise errors.InvalidArgumentError(
            f"Value for attr 'out_type' of {dtype.name} is not in the list of allowed "
            f"values: int32, int64 [Op:{op}]")
    return dtype


def shape(input, out_type=None, name=None):  # noqa: A002 - TF's name
    """The shape of `input` as a 1-D int32 (or `out_type` int64) tensor; no gradient."""
    dtype = _index_dtype(out_type, "Shape")
    return _engine.wrap(np.array(_static_shape(input), dtype=dtype.as_numpy_dtype))


@export("")
def rank(input, name=None):  # noqa: A002 - TF's name
    """The number of dimensions of `input`, as a 0-d int32 tensor."""
    return _engine.wrap(np.array(len(_static_shape(input)), dtype=np.int32))


@export("")
def size(input, out_type=None, name=None):  # noqa: A002 - TF's name
    """The number of elements of `input`, as a 0-d int32 tensor (or of `out_type`)."""
    dtype = dtypes.int32 if out_type is None else dtypes.as_dtype(out_type)
    count = int(np.prod(_static_shape(input), dtype=np.int64))
    return _engine.wrap(np.array(count, dtype=dtype.as_numpy_dtype))


# --- indexing ------------------------------------------------------------------------

def _index_part(k):
    """One element of an index key, canonicalised for numpy basic indexing."""
    kind = type(k)
    if kind is int or k is None or k is Ellipsis:
        return k
    if kind is slice and _plain_slice(k):
        return k
    if isinstance(k, slice):
        return slice(*(None if b is None else _scalar_index(b) for b in (k.start, k.stop, k.step)))
    return _scalar_index(k)


def _plain_slice(k):
    """A slice of Python ints and Nones: numpy takes it as it is."""
    for b in (k.start, k.stop, k.step):
        if b is not None and type(b) is not int:
            return False
    return True


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


@defop(public=False, batches=True)
def _strided_slice(tensor, key=None, in_shape=None):
    return tensor[key]


@_strided_slice.defvjp
def _strided_slice_vjp(g, key, in_shape):
    lead = _lead(g, _sliced_rank(key, len(in_shape)))
    if lead:
        key = (slice(None),) * lead + key
        in_shape = g._value.shape[:lead] + tuple(in_shape)
    return _engine.apply(_slice_grad.op, (g,), (key, in_shape))


@defop(public=False, batches=True)
def _slice_grad(g, key=None, in_shape=None):
    out = np.zeros(in_shape, dtype=g.dtype)
    out[key] = g
    return out


@_slice_grad.defvjp
def _slice_grad_vjp(g, key, in_shape):
    lead = _lead(g, len(in_shape))
    key = (slice(None),) * lead + key
    return _engine.apply(_strided_slice.op, (g,), (key, g._value.shape))


# boolean_mask: the indexing family builds on this one, so fasttape.ops fills it in
# once both are loaded (no import of indexing from here)
_INDEXING = {}


def getitem(tensor, key):
    """`tensor[key]` with TF's basic indexing (ints, slices, `...`, None, 0-d int tensors,
    or one boolean mask tensor). A slice of a Variable also has `.assign(value)`."""
    out = _engine.basic_slice(tensor, key)      # ints and plain slices: the engine's path
    if out is not None:
        return out
    source = tensor
    tensor = _engine.read(tensor)
    if isinstance(key, _TensorLike) and key.dtype.is_bool:
        return _INDEXING["boolean_mask"](tensor, key)
    if isinstance(key, list):
        raise errors.InvalidArgumentError(
            "Fancy indexing with a list is not supported; use tf.gather [Op:StridedSlice]")
    in_shape = tensor._value.shape
    key = _canonical_key(key, in_shape)
    if isinstance(source, _engine.Variable):
        return _engine.slice_variable(source, tensor, key)
    return _engine.apply(_strided_slice.op, (tensor,), (key, in_shape))


# Forward mode: these are linear in their inputs, so each is its own JVP.
for _op in (_reshape, _broadcast_to, _tile, _transpose, _reverse, _stack, _concat,
            _strided_slice):
    _op.defjvp_linear()
