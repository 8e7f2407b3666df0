"""TensorFlow's remaining array and arithmetic helpers: add_n, clip_by_global_norm,
roll, repeat, meshgrid, slice, strided_slice, sequence_mask, reverse_sequence,
dynamic_partition/stitch, integer divisions, the *_no_nan products, cumulative
logsumexp, casts that saturate or reinterpret bits, and small utilities (timestamp,
device, no_op, ...).

Most are compositions of recorded ops (gather, slicing, concat, where), so their
gradients, at every order, are those ops' rules; the values, dtypes and gradients
follow TensorFlow 2.21. Ops TF leaves without a gradient (truncatediv, truncatemod,
the integer-valued ones) give None.
"""

import builtins
import collections
import contextlib
import time

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.indexed_slices import IndexedSlices
from fasttape.ops import elementwise as ew
from fasttape.ops import math_ops
from fasttape.ops._registry import defop, export
from fasttape.ops.indexing import _scatter_nd_array, gather, gather_nd, scatter_nd
from fasttape.ops.reductions import reduce_mean, reduce_sum
from fasttape.ops.shape import _int_scalar, broadcast_to, concat, getitem, reshape, transpose
from fasttape.ops.sorting import _take_along, top_k
from fasttape.tensor_shape import TensorShape

ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])


def _ints(value, what):
    """A list of Python ints from a list, tuple, array or int tensor."""
    arr = np.asarray(value.numpy() if isinstance(value, _TensorLike) else value)
    if arr.dtype.kind not in "iu" and arr.size:
        raise TypeError(f"`{what}` must hold integers, got {arr.dtype}")
    return [int(v) for v in arr.reshape(-1)]


# --- sums of many tensors ---------------------------------------------------------------

@defop(public=False)
def _add_n(*inputs):
    out = np.array(inputs[0], copy=True)
    for k, a in enumerate(inputs[1:], 1):
        if a.shape != out.shape:
            raise errors.InvalidArgumentError(
                f"Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: {list(out.shape)} != input {k}: {list(a.shape)} [Op:AddN]")
        out += a
    return out


@_add_n.defvjp
def _add_n_vjp(g, inputs, needs):
    return tuple(g if need else None for need in needs)


@export("", "math")
def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors of one shape and dtype (no
    broadcasting). A list of IndexedSlices only sums to an IndexedSlices.

    Raises:
        ValueError: an empty list.
        InvalidArgumentError: shapes or dtypes that differ.
    """
    if isinstance(inputs, _TensorLike):
        inputs = list(inputs)
    if not inputs:
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices "
                         "with the same dtype and shape.")
    inputs = list(inputs)
    if all(isinstance(t, IndexedSlices) for t in inputs):
        if len(inputs) == 1:
            return inputs[0]
        return IndexedSlices(concat([t.values for t in inputs], 0),
                             concat([t.indices for t in inputs], 0), inputs[0].dense_shape)
    tensors = convert_inputs(tuple(inputs))
    if len(tensors) == 1:
        return ew.identity(tensors[0])
    return _engine.apply(_add_n.op, tensors, ())


@export("math")
def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """add_n, checking the optional `shape` and `tensor_dtype` against the inputs."""
    tensors = [convert_to_tensor(t) for t in inputs] if inputs else []
    if not tensors:
        raise ValueError("inputs must be an iterable of at least one Tensor/IndexedSlices "
                         "with the same dtype and shape")
    if shape is not None and not TensorShape(shape).is_compatible_with(tensors[0].shape):
        raise ValueError(f"Shape {tensors[0].shape} is incompatible with {shape}")
    if tensor_dtype is not None and dtypes.as_dtype(tensor_dtype) != tensors[0].dtype:
        raise TypeError(f"tensor_dtype is {tensor_dtype}, but input is of type "
                        f"{tensors[0].dtype}")
    return add_n(tensors)


@export("")
def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor of `t_list` by clip_norm / max(global_norm, clip_norm), where
    global_norm is the l2 norm of all their elements together.

    Returns (list_clipped, global_norm); None entries stay None, IndexedSlices have
    their values scaled. An infinite or nan global norm makes every value nan, as in TF.

    Raises:
        TypeError: `t_list` is not a sequence.
    """
    if isinstance(t_list, (_TensorLike, IndexedSlices)) or not isinstance(
            t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received "
                        f"{type(t_list)}.")
    parts = [t.values if isinstance(t, IndexedSlices) else t for t in t_list]
    present = [convert_to_tensor(t) for t in parts if t is not None]
    if use_norm is None:
        squares = [reduce_sum(t * t) for t in present]
        use_norm = ew.sqrt(add_n(squares) if squares else convert_to_tensor(0.0))
    else:
        use_norm = convert_to_tensor(use_norm)
    clip = convert_to_tensor(clip_norm, dtype=use_norm.dtype)
    scale = clip * ew.minimum(1.0 / use_norm, 1.0 / clip)
    finite = math_ops.is_finite(use_norm)
    scale = scale * ew.where(finite, ew.ones_like(scale), ew.ones_like(scale) * np.nan)
    clipped = []
    for t in t_list:
        if t is None:
            clipped.append(None)
        elif isinstance(t, IndexedSlices):
            values = convert_to_tensor(t.values)
            clipped.append(IndexedSlices(values * ew.cast(scale, values.dtype), t.indices,
                                         t.dense_shape))
        else:
            t = convert_to_tensor(t)
            clipped.append(t * ew.cast(scale, t.dtype))
    return (type(t_list)(clipped) if isinstance(t_list, tuple) else clipped), use_norm


# --- rearranging --------------------------------------------------------------------------

@export("")
def roll(input, shift, axis, name=None):  # noqa: A002 - TF's name
    """Elements shifted by `shift` along `axis`, wrapping around; shift and axis may be
    matching lists (shifts along one axis add up)."""
    x = convert_to_tensor(input)
    shifts, axes = _ints(shift, "shift"), _ints(axis, "axis")
    if len(shifts) != len(axes):
        raise errors.InvalidArgumentError(
            f"shift and axis must have the same size [Op:Roll]")
    rank = len(x.shape)
    total = {}
    for s, a in zip(shifts, axes):
        if not -rank <= a < rank:
            raise errors.InvalidArgumentError(
                f"axis {a} is out of range [Op:Roll]")
        total[a % rank] = total.get(a % rank, 0) + s
    for a, s in total.items():
        size = x.shape[a]
        if not size or s % size == 0:
            continue
        k = s % size
        head = [builtins.slice(None)] * a
        x = concat([getitem(x, tuple(head + [builtins.slice(size - k, None)])),
                    getitem(x, tuple(head + [builtins.slice(0, size - k)]))], a)
    return x


@export("")
def repeat(input, repeats, axis=None, name=None):  # noqa: A002 - TF's name
    """Each element (or slice along `axis`) repeated `repeats` times: one count, or one
    per slice. With axis None, the flattened tensor."""
    x = convert_to_tensor(input)
    if axis is None:
        x, axis = reshape(x, [-1]), 0
    axis = _int_scalar(axis, "axis")
    rank = len(x.shape)
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(f"axis {axis} out of range for rank {rank}")
    counts = np.asarray(repeats.numpy() if isinstance(repeats, _TensorLike) else repeats)
    if counts.dtype.kind not in "iu":
        raise TypeError(f"repeats must be integers, got {counts.dtype}")
    try:
        positions = np.repeat(np.arange(x.shape[axis]), counts.reshape(-1)
                              if counts.ndim else counts)
    except ValueError:
        raise ValueError(f"Dimensions {x.shape[axis]} and {counts.size} are not "
                         f"compatible") from None
    return gather(x, positions.astype(np.int32), axis=axis)


@export("")
def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors: 'xy' indexing (default) swaps the first two
    output axes, 'ij' does not."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this "
                        f"function")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` must be either 'xy' or 'ij'. Received: "
                         f"{indexing}")
    vectors = [reshape(convert_to_tensor(a), [-1]) for a in args]
    n = len(vectors)
    sizes = [int(v.shape[0]) for v in vectors]
    if indexing == "xy" and n > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for i, v in enumerate(vectors):
        place = i
        if indexing == "xy" and n > 1 and i < 2:
            place = 1 - i
        shape = [1] * n
        shape[place] = -1
        grids.append(broadcast_to(reshape(v, shape), sizes))
    return grids


@export("")
def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """The block of `input_` starting at `begin` with extent `size` (-1: to the end)."""
    x = convert_to_tensor(input_)
    begins, sizes = _ints(begin, "begin"), _ints(size, "size")
    shape = tuple(x.shape)
    if len(begins) != len(shape) or len(sizes) != len(shape):
        raise errors.InvalidArgumentError(
            f"Expected begin and size arguments to be 1-D tensors of size {len(shape)}, but "
            f"got shapes [{len(begins)}] and [{len(sizes)}] instead. [Op:Slice]")
    key = []
    for i, (b, s, d) in enumerate(zip(begins, sizes, shape)):
        end = d if s == -1 else b + s
        if not (0 <= b <= d and b <= end <= d):
            raise errors.InvalidArgumentError(
                f"Expected size[{i}] in [0, {d - b}], but got {s} [Op:Slice]")
        key.append(builtins.slice(b, end))
    return getitem(x, tuple(key))


@export("")
def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """`input_[begin:end:strides]` spelled with TF's bit masks: bit i of begin_mask /
    end_mask ignores begin[i] / end[i], of ellipsis_mask puts `...` there, of
    new_axis_mask a new axis, of shrink_axis_mask takes index begin[i] and drops the
    axis."""
    begins, ends = _ints(begin, "begin"), _ints(end, "end")
    steps = [1] * len(begins) if strides is None else _ints(strides, "strides")
    if not len(begins) == len(ends) == len(steps):
        raise errors.InvalidArgumentError(
            f"Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"[{len(begins)}], [{len(ends)}], and [{len(steps)}] instead. [Op:StridedSlice]")
    if ellipsis_mask & (ellipsis_mask - 1):
        raise errors.InvalidArgumentError("Multiple ellipses in slice spec not allowed "
                                          "[Op:StridedSlice]")
    key = []
    for i, (b, e, s) in enumerate(zip(begins, ends, steps)):
        bit = 1 << i
        if s == 0:
            raise errors.InvalidArgumentError(f"strides[{i}] must be non-zero "
                                              f"[Op:StridedSlice]")
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(builtins.slice(None if begin_mask & bit else b,
                                      None if end_mask & bit else e, s))
    source = input_ if var is None else var
    if not isinstance(source, _TensorLike):
        source = convert_to_tensor(source)
    return getitem(source, tuple(key))


@export("")
def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):  # noqa: A002
    """For each batch entry b, the first seq_lengths[b] elements along `seq_axis`
    reversed and the rest left in place."""
    x = convert_to_tensor(input)
    lengths = np.asarray(convert_to_tensor(seq_lengths))
    rank = len(x.shape)
    seq_axis = 0 if seq_axis is None else int(seq_axis) % rank
    batch_axis = 0 if batch_axis is None else int(batch_axis) % rank
    if seq_axis == batch_axis:
        raise errors.InvalidArgumentError(
            f"seq_dim must not equal batch_dim ({seq_axis}) [Op:ReverseSequence]")
    shape = tuple(x.shape)
    if lengths.shape != (shape[batch_axis],):
        raise errors.InvalidArgumentError(
            f"Length of seq_lengths != input.dims({batch_axis}), ({lengths.size} vs. "
            f"{shape[batch_axis]}) [Op:ReverseSequence]")
    if np.any(lengths > shape[seq_axis]) or np.any(lengths < 0):
        raise errors.InvalidArgumentError(
            f"seq_lens(i) must be in [0, input.dims({seq_axis})] [Op:ReverseSequence]")
    steps = np.arange(shape[seq_axis])
    order = np.where(steps[None, :] < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    view = [1] * rank
    view[batch_axis], view[seq_axis] = shape[batch_axis], shape[seq_axis]
    if batch_axis > seq_axis:
        order = order.T
    indices = np.broadcast_to(order.reshape(view), shape)
    return _engine.apply(_take_along.op, (x, _engine.wrap(np.ascontiguousarray(indices))),
                         (seq_axis - rank,))


@export("")
def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """mask[..., j] = j < lengths[...], with maxlen (default max(lengths)) columns."""
    lens = np.asarray(convert_to_tensor(lengths))
    if lens.dtype.kind not in "iu":
        raise TypeError(f"lengths must be integers, got {lens.dtype}")
    if maxlen is None:
        maxlen = int(lens.max()) if lens.size else 0
    else:
        maxlen = _int_scalar(maxlen, "maxlen")
    mask = np.arange(maxlen) < lens[..., None]
    return _engine.wrap(mask.astype(dtypes.as_dtype(dtype).as_numpy_dtype))


@export("")
def dynamic_partition(data, partitions, num_partitions, name=None):
    """`num_partitions` tensors: part i gathers the slices of data whose partition is i
    (partitions has a prefix of data's shape)."""
    x = convert_to_tensor(data)
    parts = np.asarray(convert_to_tensor(partitions))
    if parts.dtype != np.int32:
        raise errors.InvalidArgumentError(
            f"partitions must be int32, got {dtypes.from_numpy(parts.dtype).name}")
    n = _int_scalar(num_partitions, "num_partitions")
    if tuple(x.shape)[:parts.ndim] != parts.shape:
        raise errors.InvalidArgumentError(
            f"data.shape must start with partitions.shape, got data.shape = "
            f"{list(x.shape)}, partitions.shape = {list(parts.shape)} [Op:DynamicPartition]")
    flat = parts.reshape(-1)
    bad = (flat < 0) | (flat >= n)
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise errors.InvalidArgumentError(
            f"partitions[{at}] = {flat[at]} is not in [0, {n}) [Op:DynamicPartition]")
    rows = reshape(x, [-1] + list(x.shape)[parts.ndim:])
    return [gather(rows, np.flatnonzero(flat == i).astype(np.int32)) for i in range(n)]


@defop(public=False)
def _dynamic_stitch(*data, indices=(), size=0):
    inner = data[0].shape[indices[0].ndim:]
    out = np.zeros((size,) + inner, dtype=data[0].dtype)
    for idx, d in zip(indices, data):
        out[idx.reshape(-1)] = d.reshape((-1,) + inner)   # later entries win
    return out


@_dynamic_stitch.defvjp
def _dynamic_stitch_vjp(g, indices, needs):
    # TF's rule: every data entry gets the upstream at its index, overwritten or not
    return tuple(gather(g, idx) if need else None for idx, need in zip(indices, needs))


@export("")
def dynamic_stitch(indices, data, name=None):
    """Merge: result[indices[m][i]] = data[m][i] (later entries win on duplicates;
    rows no index names are zeros)."""
    if len(indices) != len(data) or not indices:
        raise errors.InvalidArgumentError(
            "dynamic_stitch needs as many indices tensors as data tensors (at least one)")
    idx = [np.asarray(convert_to_tensor(i)) for i in indices]
    values = convert_inputs(tuple(data))
    inner = tuple(values[0].shape)[idx[0].ndim:]
    for m, (i, v) in enumerate(zip(idx, values)):
        if i.dtype.kind not in "iu":
            raise errors.InvalidArgumentError("indices must be int32 [Op:DynamicStitch]")
        if tuple(v.shape) != i.shape + inner:
            raise errors.InvalidArgumentError(
                f"data[{m}].shape = {list(v.shape)} does not start with indices[{m}].shape "
                f"= {list(i.shape)} [Op:DynamicStitch]")
    flat = np.concatenate([i.reshape(-1) for i in idx]).astype(np.int64)
    if flat.size and flat.min() < 0:
        raise errors.InvalidArgumentError("indices must be non-negative [Op:DynamicStitch]")
    size = int(flat.max()) + 1 if flat.size else 0
    return _engine.apply(_dynamic_stitch.op, values,
                         (tuple(i.astype(np.int32) for i in idx), size))


@export("")
def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002 - TF's name
    """The shape of each tensor of the list, as 1-D tensors of `out_type`."""
    dtype = dtypes.as_dtype(out_type).as_numpy_dtype
    return [_engine.wrap(np.array(tuple(convert_to_tensor(t).shape), dtype=dtype))
            for t in input]


@export("")
def unravel_index(indices, dims, name=None):
    """The coordinates of flat `indices` in an array of shape `dims`: shape
    [len(dims)] + indices.shape."""
    idx = np.asarray(convert_to_tensor(indices))
    shape = np.asarray(convert_to_tensor(dims))
    if idx.dtype.kind not in "iu" or shape.dtype != idx.dtype:
        raise errors.InvalidArgumentError("indices and dims must be integers of one dtype")
    if np.any(idx < 0) or np.any(idx >= np.prod(shape)):
        raise errors.InvalidArgumentError("index is out of bound as with dims "
                                          "[Op:UnravelIndex]")
    return _engine.wrap(np.array(np.unravel_index(idx, tuple(shape)), dtype=idx.dtype))


@export("")
def broadcast_dynamic_shape(shape_x, shape_y):
    """The broadcast of two shapes given as 1-D integer tensors (int32 by default)."""
    x, y = np.asarray(convert_to_tensor(shape_x)), np.asarray(convert_to_tensor(shape_y))
    try:
        out = np.broadcast_shapes(tuple(int(d) for d in x), tuple(int(d) for d in y))
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Incompatible shapes: [{','.join(str(int(d)) for d in x)}] vs. "
            f"[{','.join(str(int(d)) for d in y)}] [Op:BroadcastArgs]") from None
    return _engine.wrap(np.array(out, dtype=x.dtype if x.dtype.kind in "iu" else np.int32))


@export("")
def broadcast_static_shape(shape_x, shape_y):
    """The broadcast of two TensorShapes, as a TensorShape.

    Raises:
        ValueError: the shapes are not compatible.
    """
    x, y = TensorShape(shape_x), TensorShape(shape_y)
    try:
        out = np.broadcast_shapes(tuple(x.as_list()), tuple(y.as_list()))
    except ValueError:
        raise ValueError(
            f"Incompatible shapes for broadcasting. Two shapes are compatible if for each "
            f"dimension pair they are either equal or one of them is 1. Received: "
            f"{tuple(x.as_list())} and {tuple(y.as_list())}.") from None
    return TensorShape(out)


# --- arithmetic -----------------------------------------------------------------------------

@defop(broadcasts=True, public=False, batches=True)
def _realdiv(x, y):
    if x.dtype.kind not in "fc":
        raise errors.NotFoundError(
            f"Could not find device for node: RealDiv[T={dtypes.from_numpy(x.dtype).name}] "
            f"[Op:RealDiv]")
    return np.true_divide(x, y)


@_realdiv.defvjp
def _realdiv_vjp(g, x, y, needs):
    return (g / y if needs[0] else None), (-g * x / y / y if needs[1] else None)


@export("")
def realdiv(x, y, name=None):
    """x / y for float tensors (integers raise NotFoundError, as TF's kernel lookup)."""
    return _engine.apply(_realdiv.op, convert_inputs((x, y)), ())


def _check_int_divisor(y, op):
    if y.dtype.kind in "iu" and not np.all(y):
        raise errors.InternalError(
            f"Unexpected error in binary operator (only integer div and mod should have "
            f"errors) [Op:{op}]")


@defop(broadcasts=True, namespaces=("",), differentiable=False)
def truncatediv(x, y):
    """x / y rounded toward zero (C's integer division); no gradient."""
    _check_int_divisor(y, "TruncateDiv")
    if x.dtype.kind in "iu":
        q = np.abs(x) // np.where(y == 0, 1, np.abs(y))
        return (np.sign(x) * np.sign(y) * q).astype(x.dtype)
    return np.trunc(np.true_divide(x, y))


@defop(broadcasts=True, namespaces=("",), differentiable=False)
def truncatemod(x, y):
    """The remainder of truncatediv, with the sign of x (C's fmod); no gradient."""
    _check_int_divisor(y, "TruncateMod")
    return np.fmod(x, y)


@export("", "math")
def scalar_mul(scalar, x, name=None):
    """scalar * x, the scalar converted to x's dtype.

    Raises:
        ValueError: `scalar` is not 0-D.
    """
    if isinstance(x, IndexedSlices):
        return IndexedSlices(scalar_mul(scalar, x.values), x.indices, x.dense_shape)
    x = convert_to_tensor(x)
    try:
        s = convert_to_tensor(scalar, dtype=x.dtype)
    except ValueError as exc:
        raise ValueError(f"scalar: {exc}") from None
    if s.shape.rank != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape "
                         f"{tuple(s.shape)}.")
    return s * x


@export("math")
def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None):  # noqa: A002
    """The number of nonzero (or True) elements across `axis` (all by default)."""
    x = convert_to_tensor(input)
    nonzero = ew.cast(ew.not_equal(x, ew.zeros_like(x)), dtypes.int64)
    return ew.cast(reduce_sum(nonzero, axis, keepdims=bool(keepdims)), dtype)


@defop(float_only=True, broadcasts=True, batches=True, namespaces=("math",))
def multiply_no_nan(x, y):
    """x * y, and 0 wherever y is 0 (even for x = inf or nan)."""
    return np.where(y == 0, np.zeros((), x.dtype), x * y)


@multiply_no_nan.defvjp
def _multiply_no_nan_vjp(g, x, y, needs):
    # TF: d/dx = mul_no_nan(g, y), d/dy = mul_no_nan(x, g)
    return (multiply_no_nan(g, y) if needs[0] else None,
            multiply_no_nan(x, g) if needs[1] else None)


@export("math")
def reciprocal_no_nan(x, name=None):
    """1 / x, and 0 where x is 0 (float tensors)."""
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
            f"half, float, bfloat16, double [Op:DivNoNan]")
    return math_ops.divide_no_nan(ew.ones_like(x), x)


@defop(float_only=True, broadcasts=True, namespaces=("math",))
def nextafter(x1, x2):
    """The next representable float after x1 in the direction of x2."""
    if x1.dtype == np.float16:
        raise errors.InvalidArgumentError(
            "Value for attr 'T' of half is not in the list of allowed values: double, float "
            "[Op:NextAfter]")
    return np.nextafter(x1, x2)


@nextafter.defvjp
def _nextafter_vjp(g, needs):
    # TF's rule: the gradient passes to x1; x2 gets zeros
    return g, (ew.zeros_like(g) if needs[1] else None)


@export("math")
def polyval(coeffs, x, name=None):
    """sum_i coeffs[i] * x ** (n - 1 - i) by Horner's rule; `coeffs` is a list (highest
    power first). No coefficients give zeros.

    Raises:
        ValueError: `coeffs` is not a list.
    """
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type. Received type {type(coeffs)}.")
    x = convert_to_tensor(x)
    if not coeffs:
        return ew.zeros_like(x)
    result = convert_to_tensor(coeffs[0], dtype=x.dtype)
    for c in coeffs[1:]:
        result = convert_to_tensor(c, dtype=x.dtype) + result * x
    return result if tuple(result.shape) == tuple(x.shape) else result + ew.zeros_like(x)


@export("math")
def zero_fraction(value, name=None):
    """The fraction of zeros in `value`, a float32 scalar (nan when empty)."""
    x = convert_to_tensor(value)
    return reduce_mean(ew.cast(ew.equal(x, ew.zeros_like(x)), dtypes.float32))


# --- cumulative logsumexp ---------------------------------------------------------------------

def _scan_logaddexp(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = np.logaddexp.accumulate(x, axis=axis)
    if exclusive and out.shape[axis]:
        first = [builtins.slice(None)] * out.ndim
        first[axis] = builtins.slice(0, 1)
        rest = list(first)
        rest[axis] = builtins.slice(None, -1)
        out = np.concatenate([np.full_like(out[tuple(first)], -np.inf), out[tuple(rest)]],
                             axis=axis)
    return np.flip(out, axis) if reverse else out


@defop(float_only=True, public=False)
def _cumulative_logsumexp(x, axis=-1, exclusive=False, reverse=False):
    return _scan_logaddexp(x, axis, exclusive, reverse)


@_cumulative_logsumexp.defvjp
def _cumulative_logsumexp_vjp(g, x, ans, axis, exclusive, reverse):
    # TF's rule: split g into positive and negative parts, scan their logs against the
    # output the other way, and exponentiate back. The log of an absent part is the
    # lowest finite value, not -inf, so that no inf - inf arises at higher orders.
    later = (axis, exclusive, not reverse)
    positive, negative = ew.greater(g, 0), ew.less(g, 0)
    one = ew.ones_like(g)
    lowest = one * np.finfo(g.dtype.as_numpy_dtype).min
    log_pos = ew.where(positive, ew.log(ew.where(positive, g, one)), lowest)
    log_neg = ew.where(negative, ew.log(ew.where(negative, -g, one)), lowest)
    pos = _engine.apply(_cumulative_logsumexp.op, (log_pos - ans,), later)
    neg = _engine.apply(_cumulative_logsumexp.op, (log_neg - ans,), later)
    return ew.exp(pos + x) - ew.exp(neg + x)


@export("math")
def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """log(cumsum(exp(x))) along `axis`, computed without overflow; `exclusive` and
    `reverse` as in cumsum (an exclusive scan starts at -inf)."""
    x, attrs = math_ops._scan_args(x, axis, exclusive, reverse, "CumulativeLogsumexp")
    return _engine.apply(_cumulative_logsumexp.op, (x,), attrs)


# --- approximate top-k (computed exactly) ------------------------------------------------------

def _approx_k(operand, k, reduction_dimension, largest):
    x = convert_to_tensor(operand)
    rank = len(x.shape)
    axis = int(reduction_dimension) % max(rank, 1)
    perm = [i for i in range(rank) if i != axis] + [axis]
    moved = transpose(x, perm) if axis != rank - 1 else x
    values, indices = top_k(moved if largest else -moved, k)
    if not largest:
        values = -values
    if axis != rank - 1:
        back = list(np.argsort(perm))
        values, indices = transpose(values, back), transpose(indices, back)
    return ApproxTopK(values, indices)


@export("math", "nn")
def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """The k largest entries along `reduction_dimension` and their int32 positions.
    Computed exactly (recall 1), which meets any recall_target."""
    return _approx_k(operand, k, reduction_dimension, largest=True)


@export("math", "nn")
def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """The k smallest entries along `reduction_dimension` and their positions (exact)."""
    return _approx_k(operand, k, reduction_dimension, largest=False)


@export("math")
def sobol_sample(dim, num_results, skip=0, dtype=dtypes.float32, name=None):
    """`num_results` points of the `dim`-dimensional Sobol sequence, after skipping
    `skip` points (and, as TF does, the all-zero first point). Needs scipy."""
    try:
        from scipy.stats import qmc
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("tf.math.sobol_sample needs scipy: pip install scipy") from None
    dim, num_results, skip = (_int_scalar(v, w) for v, w in
                              ((dim, "dim"), (num_results, "num_results"), (skip, "skip")))
    if dim < 1:
        raise errors.InvalidArgumentError(f"dim must be at least one, got {dim}")
    if num_results < 1:
        raise errors.InvalidArgumentError(f"num_results must be at least one, got "
                                          f"{num_results}")
    engine = qmc.Sobol(d=dim, scramble=False)
    engine.fast_forward(skip + 1)
    points = engine.random(num_results)
    return _engine.wrap(points.astype(dtypes.as_dtype(dtype).as_numpy_dtype))


# --- casts -------------------------------------------------------------------------------------

@export("", "dtypes")
def saturate_cast(value, dtype, name=None):
    """Cast to `dtype`, clamping values to its range first (so 300. to uint8 is 255)."""
    x = convert_to_tensor(value)
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        info = np.iinfo(dtype.as_numpy_dtype)
        lo, hi = info.min, info.max
        src = np.asarray(x)
        if src.dtype.kind in "iu":
            src_info = np.iinfo(src.dtype)
            lo, hi = max(lo, src_info.min), min(hi, src_info.max)
        elif src.dtype.kind == "f":
            # the largest float not above the integer maximum (float32(2**31 - 1) rounds up)
            hi = np.nextafter(np.array(hi, dtype=src.dtype), -np.inf) if src.dtype.type(
                hi) > hi else hi
        x = ew.clip_by_value(x, np.array(lo).astype(src.dtype), np.array(hi).astype(src.dtype))
    elif dtype.is_floating and x.dtype.is_floating and dtype.size < x.dtype.size:
        limit = np.finfo(dtype.as_numpy_dtype).max
        x = ew.clip_by_value(x, -limit, limit)
    return ew.cast(x, dtype)


@export("")
def bitcast(input, type, name=None):  # noqa: A002 - TF's names
    """The same bytes read as `type`: to a narrower type a last axis is added (of the
    size ratio), from a narrower one the last axis (of that size) is consumed."""
    a = np.asarray(convert_to_tensor(input))
    target = np.dtype(dtypes.as_dtype(type).as_numpy_dtype)
    src = a.dtype.itemsize
    if target.itemsize == src:
        return _engine.wrap(a.view(target))
    if target.itemsize < src:
        return _engine.wrap(np.ascontiguousarray(a).view(target).reshape(
            a.shape + (src // target.itemsize,)))
    ratio = target.itemsize // src
    if not a.shape or a.shape[-1] != ratio:
        raise errors.InvalidArgumentError(
            f"Cannot bitcast from {ratio} to {a.shape[-1] if a.shape else 0} [Op:Bitcast]")
    return _engine.wrap(np.ascontiguousarray(a).view(target).reshape(a.shape[:-1]))


# --- scatters that keep the max or min --------------------------------------------------------

@defop(public=False, same_dtype=False)
def _tensor_scatter_extreme(tensor, indices, updates, mode="max"):
    if tensor.dtype != updates.dtype:
        raise errors.InvalidArgumentError(
            f"updates must have tensor's dtype, got {updates.dtype} and {tensor.dtype}")
    op = "TensorScatterMax" if mode == "max" else "TensorScatterMin"
    return _scatter_nd_array(tensor, indices, updates, mode, op=op)


@_tensor_scatter_extreme.defvjp
def _tensor_scatter_extreme_vjp(g, tensor, indices, updates, ans, needs):
    # TF's rule: the upstream is shared between the tensor's element and the updates
    # that equal the result there
    x_on = ew.cast(ew.equal(tensor, ans), g.dtype)
    y_on = ew.cast(ew.equal(updates, gather_nd(ans, indices)), g.dtype)
    count = x_on + scatter_nd(indices, y_on, tuple(tensor.shape))
    share = g / count
    return (share * x_on if needs[0] else None, None,
            gather_nd(share, indices) * y_on if needs[2] else None)


def _scatter_extreme(tensor, indices, updates, mode):
    t = convert_to_tensor(tensor)
    u = convert_to_tensor(updates, dtype=t.dtype) if not isinstance(updates, _TensorLike) \
        else updates
    i = convert_to_tensor(indices)
    if np.asarray(i).dtype.kind not in "iu":
        raise errors.InvalidArgumentError("indices must be int32 or int64")
    return _engine.apply(_tensor_scatter_extreme.op, (t, i, u), (mode,))


@export("")
def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """A copy of `tensor` where each indexed element is the max of itself and its
    updates."""
    return _scatter_extreme(tensor, indices, updates, "max")


@export("")
def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """A copy of `tensor` where each indexed element is the min of itself and its
    updates."""
    return _scatter_extreme(tensor, indices, updates, "min")


# --- utilities -------------------------------------------------------------------------------

@export("")
def timestamp(name=None):
    """The current time in seconds since the epoch, a float64 scalar tensor."""
    return _engine.wrap(np.array(time.time(), dtype=np.float64))


@export("")
def no_op(name=None):
    """Does nothing (eager code has no control edges to hang on it); returns None."""
    return None


@export("")
def guarantee_const(input, name=None):  # noqa: A002 - TF's name
    """`input` unchanged (a promise to graph optimisers, meaningless eagerly)."""
    return ew.identity(input)


@export("")
@contextlib.contextmanager
def device(device_name):
    """A context manager accepting TF's device strings ('/CPU:0', '/GPU:0', 'cpu', None,
    ...). fasttape computes on the CPU with numpy, so it changes nothing."""
    if device_name is not None and not isinstance(device_name, str) and not callable(
            device_name):
        raise TypeError(f"device_name must be a string or None, got {device_name!r}")
    yield



@export("")
def approx_top_k(input, k, reduction_dimension=-1, recall_target=0.95, is_max_k=True,  # noqa: A002
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """approx_max_k (is_max_k) or approx_min_k, computed exactly."""
    return _approx_k(input, k, reduction_dimension, largest=bool(is_max_k))


@export("")
def parallel_stack(values, name="parallel_stack"):
    """TF's graph-only stack: refused eagerly, as TF does (use tf.stack)."""
    raise RuntimeError("tf.parallel_stack() is not compatible with eager execution.")


@export("")
def ensure_shape(x, shape, name=None):
    """`x` itself after checking that its shape is compatible with `shape` (None
    entries match any size).

    Raises:
        InvalidArgumentError: the shapes are not compatible.
    """
    t = convert_to_tensor(x)
    expected = TensorShape(shape)
    if not expected.is_compatible_with(t.shape):
        want = ",".join("?" if d is None else str(d) for d in expected.as_list()) \
            if expected.rank is not None else "?"
        raise errors.InvalidArgumentError(
            f"Shape of tensor input [{','.join(str(d) for d in t.shape)}] is not compatible "
            f"with expected shape [{want}]. [Op:EnsureShape]")
    return ew.identity(t)


@export("")
def get_static_value(tensor, partial=False):
    """The numpy value of a tensor (eagerly always known); Python values come back as
    they are, and Variables give None, as in TF."""
    if isinstance(tensor, _engine.Variable):
        return None
    if isinstance(tensor, _TensorLike):
        return tensor.numpy()
    return tensor
