"""Space-to-batch rearrangements (tf.space_to_batch, tf.batch_to_space, ...) and the
dilated-op helper tf.nn.with_space_to_batch, composed of recorded reshapes, transposes,
pads and slices, so every derivative order comes from theirs.

batch_to_space inverts space_to_batch: the batch is split into the block offsets
(outermost) and the original batch, the offsets are interleaved back into the M
spatial dimensions, and `crops` are cut from each end.
"""

import math

import numpy as np

from fasttape import errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops import shape
from fasttape.ops._registry import export
from fasttape.ops.normalization import space_to_batch

# tf.space_to_batch is tf.nn.space_to_batch; tf.space_to_batch_nd is the op itself,
# with the same signature and behaviour
export("")(space_to_batch)
export("", name="space_to_batch_nd")(space_to_batch)


def _int_array(value, what):
    """An integer numpy array from a list, an array or a Tensor."""
    if isinstance(value, _TensorLike):
        value = np.asarray(value)
    array = np.asarray(value)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"`{what}` must be integers. Received: {what}={value!r}")
    return array.astype(np.int64)


@export("")
def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002
    """Move blocks of the batch back into the M spatial dimensions after it (the inverse
    of space_to_batch), then crop each spatial dimension by `crops` [M, 2].

    An int `block_shape` means the same block in two spatial dimensions.

    Raises:
        InvalidArgumentError: input rank below 2, `block_shape` not a vector of
            positive sizes whose product divides the batch, `crops` not [M, 2] and
            nonnegative, or crops larger than the dimension they cut.
    """
    op = "BatchToSpaceND"
    x = convert_to_tensor(input)
    if isinstance(block_shape, (int, np.integer)):
        block_shape = [int(block_shape)] * 2
    block = _int_array(block_shape, "block_shape")
    crop = _int_array(crops, "crops")
    dims = x.shape.as_list()
    if len(dims) < 2:
        raise errors.InvalidArgumentError(
            f"input rank should be >= 2 instead of {len(dims)} [Op:{op}]")
    if block.ndim != 1:
        raise errors.InvalidArgumentError(
            f"block_shape rank should be 1 instead of {block.ndim} [Op:{op}]")
    m = block.size
    if m < 1 or len(dims) < m + 1:
        raise errors.InvalidArgumentError(
            f"input rank should be >= {m + 1} instead of {len(dims)} [Op:{op}]")
    if crop.shape != (m, 2):
        raise errors.InvalidArgumentError(
            f"crops should have shape [{m}, 2] instead of "
            f"[{','.join(str(d) for d in crop.shape)}] [Op:{op}]")
    if (crop < 0).any():
        raise errors.InvalidArgumentError(f"Crops must be non-negative [Op:{op}]")
    product = int(np.prod(block))
    if product <= 0:
        raise errors.InvalidArgumentError(
            f"Product of block sizes must be positive, got {product} [Op:{op}]")
    if dims[0] % product:
        raise errors.InvalidArgumentError(
            f"Input batch dimension ({dims[0]}) is not divisible by product of block sizes "
            f"({product}) [Op:{op}]")
    block, crop = block.tolist(), crop.tolist()
    spatial, rest, batch = dims[1:m + 1], dims[m + 1:], dims[0] // product
    full = [s * b for s, b in zip(spatial, block)]
    for i, (n, (lo, hi)) in enumerate(zip(full, crop)):
        if n - lo - hi < 0:
            raise errors.InvalidArgumentError(
                f"cropped_shape[{i + 1}]={n - lo - hi} must be non-negative [Op:{op}]")
    y = shape.reshape(x, block + [batch] + spatial + rest)
    # [b1..bM, batch, s1..sM, rest] -> [batch, s1, b1, ..., sM, bM, rest]
    perm = [m] + [p for i in range(m) for p in (m + 1 + i, i)] + list(
        range(2 * m + 1, 2 * m + 1 + len(rest)))
    y = shape.reshape(shape.transpose(y, perm), [batch] + full + rest)
    if any(lo or hi for lo, hi in crop):
        y = y[(slice(None),) + tuple(slice(lo, n - hi) for n, (lo, hi) in zip(full, crop))]
    return y


@export("")
def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None,
                                     name=None):
    """(paddings, crops), int32 [M, 2]: the least padding after `base_paddings` (zero by
    default) that makes each of the M dimensions of `input_shape` a multiple of its
    `block_shape`; crops removes that extra padding again (starts zero)."""
    sizes = _int_array(input_shape, "input_shape")
    block = _int_array(block_shape, "block_shape")
    if sizes.ndim != 1 or block.ndim != 1:
        raise ValueError(f"Shape must be rank 1: input_shape {list(sizes.shape)}, "
                         f"block_shape {list(block.shape)}")
    m = sizes.size
    if block.size != m:
        raise ValueError(f"Shapes ({block.size},) and [{m}] are incompatible")
    if base_paddings is None:
        base = np.zeros((m, 2), np.int64)
    else:
        base = _int_array(base_paddings, "base_paddings")
        if base.shape != (m, 2):
            raise ValueError(f"Shapes {tuple(base.shape)} and ({m}, 2) are incompatible")
    if (block < 1).any():
        raise errors.InvalidArgumentError(
            f"block_shape must be positive. Received: block_shape={block.tolist()}")
    full = sizes + base[:, 0] + base[:, 1]
    extra = (block - full % block) % block
    paddings = np.stack([base[:, 0], base[:, 1] + extra], axis=1)
    crops = np.stack([np.zeros_like(extra), extra], axis=1)
    return (convert_to_tensor(paddings.astype(np.int32)),
            convert_to_tensor(crops.astype(np.int32)))


def _spatial_fill(values, fill, spatial_dims):
    """Per-dimension `values` [M, ...] for dims 1..spatial_dims[-1], `fill` elsewhere."""
    out = [fill] * spatial_dims[-1]
    for d, v in zip(spatial_dims, values):
        out[d - 1] = v
    return out


def _explicit_base(padding, m, channels_first):
    pairs = [list(p) for p in padding]
    if any(len(p) != 2 for p in pairs):
        raise ValueError("When `padding` is a list, each element of `padding` must be a "
                         f"list/tuple of size 2. Received: padding={padding}")
    if len(pairs) != m + 2:
        raise ValueError(f"When padding is a list, it must be of size {m + 2}. "
                         f"Received: padding={padding} of size {len(pairs)}")
    return np.asarray(pairs[2:] if channels_first else pairs[1:-1], np.int64)


@export("nn")
def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """Run `op(x, num_spatial_dims, "VALID")` on `input` rearranged by space_to_batch
    with block `dilation_rate` (so an undilated op acts as a dilated one), and move the
    result back with batch_to_space.

    "SAME" padding pads by the dilated `filter_shape` first; a list of [before, after]
    pairs (one per dimension of `input`) pads explicitly. All rates 1 calls
    `op(input, num_spatial_dims, padding)` directly.

    Raises:
        ValueError: `dilation_rate` not a vector of positive ints, bad `spatial_dims`,
            `input` of too low a rank, "SAME" without `filter_shape`, or a bad padding.
    """
    x = convert_to_tensor(input)
    rate = _int_array(dilation_rate, "dilation_rate")
    if rate.ndim != 1:
        raise ValueError(f"`dilation_rate.shape.rank` must be 1. Received: "
                         f"dilation_rate={dilation_rate} of rank {rate.ndim}")
    m = rate.size
    channels_first = data_format is not None and str(data_format).startswith("NC")
    if spatial_dims is None:
        start = 2 if channels_first else 1
        spatial_dims = range(start, start + m)
    given = [int(d) for d in spatial_dims]
    dims = sorted(set(given))
    if dims != given or any(d < 1 for d in dims):
        raise ValueError("`spatial_dims` must be a monotonically increasing sequence of "
                         f"positive integers. Received: spatial_dims={given}")
    rank = len(x.shape)
    needed = dims[-1] if channels_first else dims[-1] + 1
    if rank < needed:
        raise ValueError(f"`input.shape.rank` must be at least {needed}. Received: "
                         f"input.shape={x.shape} with rank {rank}")
    if (rate < 1).any():
        raise ValueError(f"`dilation_rate` must be positive. Received: "
                         f"dilation_rate={rate}")
    if (rate == 1).all():
        return op(x, m, padding)
    if isinstance(padding, (list, tuple)):
        base = _explicit_base(padding, m, channels_first)
    elif padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`. "
                             f"Received: filter_shape={filter_shape} and padding={padding}")
        kernel = _int_array(filter_shape, "filter_shape")[:m]
        extra = (kernel - 1) * rate
        base = np.stack([extra // 2, extra - extra // 2], axis=1)
    elif padding == "VALID":
        base = np.zeros((m, 2), np.int64)
    else:
        raise ValueError(f"`padding` must be one of 'SAME' or 'VALID'. "
                         f"Received: padding={padding}")
    sizes = [x.shape.as_list()[d] for d in dims]
    paddings, crops = required_space_to_batch_paddings(sizes, rate, base)
    block = _spatial_fill(rate.tolist(), 1, dims)
    paddings = _spatial_fill(np.asarray(paddings).tolist(), [0, 0], dims)
    crops = _spatial_fill(np.asarray(crops).tolist(), [0, 0], dims)
    y = op(space_to_batch(x, block, paddings), m, "VALID")
    return batch_to_space(y, block, crops)
