"""Statistics, normalisation, dropout, a few losses and the block rearrangements of
tf.nn, composed of recorded ops (so every derivative order comes from theirs).

TF's formulas, checked against TF 2.21:

* moments: mean, and the mean of squared differences from the mean (the mean is not
  differentiated through there, as in TF; the value and gradient are the same).
  float16 inputs are computed in float32 and the results cast back.
* batch_normalization: (x - mean) * scale / sqrt(variance + eps) + offset, computed as
  x * inv + (offset - mean * inv) with inv = scale * rsqrt(variance + eps).
* dropout: kept elements are x / (1 - rate); the mask is drawn from uniform draws >=
  rate, once per `noise_shape` element (broadcast over x). rate 0 returns x itself.
"""

import math

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops import elementwise as ew
from fasttape.ops import reductions, shape
from fasttape.ops._registry import export
from fasttape.ops.creation import _SEEDS
from fasttape.ops.random_ops import _stateless_generator


def _axes(axes, rank):
    if isinstance(axes, _TensorLike):
        axes = np.asarray(axes).tolist()
    if isinstance(axes, (int, np.integer)):
        axes = [axes]
    return [int(a) for a in axes]


def _wide(x):
    """float16 is computed in float32 (as TF's moments do)."""
    return ew.cast(x, dtypes.float32) if x.dtype == dtypes.float16 else x


def _narrow(t, dtype):
    return ew.cast(t, dtype) if t.dtype != dtype else t


@export("nn")
def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) of `x` over `axes` (shift is ignored, as in TF 2)."""
    x = convert_to_tensor(x)
    axes = _axes(axes, len(x.shape))
    y = _wide(x)
    mean = reductions.reduce_mean(y, axes, keepdims=True)
    variance = reductions.reduce_mean(ew.square(y - ew.stop_gradient(mean)), axes,
                                      keepdims=True)
    if not keepdims:
        mean, variance = shape.squeeze(mean, axes), shape.squeeze(variance, axes)
    return _narrow(mean, x.dtype), _narrow(variance, x.dtype)


@export("nn")
def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None):
    """Mean and variance of `x` over `axes` with each element counted
    `frequency_weights` times (weights broadcast against x)."""
    x = convert_to_tensor(x)
    dtype = x.dtype
    y = _wide(x)
    w = ew.cast(convert_to_tensor(frequency_weights), y.dtype)
    axes = _axes(axes, len(x.shape))
    weighted_sum = reductions.reduce_sum(w * y, axes, keepdims=True)
    weights = reductions.reduce_sum(w + ew.zeros_like(y), axes, keepdims=True)
    divisor = ew.reciprocal(weights)
    mean = weighted_sum * divisor
    variance = reductions.reduce_sum(w * ew.square(y - mean), axes, keepdims=True) * divisor
    if not keepdims:
        mean, variance = shape.squeeze(mean, axes), shape.squeeze(variance, axes)
    return _narrow(mean, dtype), _narrow(variance, dtype)


@export("nn")
def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None):
    """(count, sum of x - shift, sum of (x - shift)^2, shift) over `axes`; the count is
    the number of reduced elements, in x's dtype."""
    x = convert_to_tensor(x)
    axes = _axes(axes, len(x.shape))
    dims = x.shape.as_list()
    count = _engine.wrap(np.asarray(math.prod(dims[a] for a in axes),
                                    dtype=x.dtype.as_numpy_dtype))
    if shift is not None:
        shift = convert_to_tensor(shift, dtype=x.dtype)
        centred = x - shift
    else:
        centred = x
    m_ss = reductions.reduce_sum(centred, axes, keepdims=keepdims)
    v_ss = reductions.reduce_sum(ew.square(centred), axes, keepdims=keepdims)
    return count, m_ss, v_ss, shift


@export("nn")
def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient statistics (see sufficient_statistics)."""
    mean_ss = convert_to_tensor(mean_ss)
    divisor = ew.reciprocal(convert_to_tensor(counts, dtype=mean_ss.dtype))
    shifted_mean = mean_ss * divisor
    mean = shifted_mean if shift is None else shifted_mean + convert_to_tensor(
        shift, dtype=mean_ss.dtype)
    variance = convert_to_tensor(variance_ss, dtype=mean_ss.dtype) * divisor - ew.square(
        shifted_mean)
    return mean, variance


@export("nn")
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + variance_epsilon) + offset, all broadcast
    against x; `offset` and `scale` may be None."""
    x = convert_to_tensor(x)
    mean = convert_to_tensor(mean, dtype=x.dtype)
    inv = ew.rsqrt(convert_to_tensor(variance, dtype=x.dtype) + variance_epsilon)
    if scale is not None:
        inv = inv * convert_to_tensor(scale, dtype=x.dtype)
    shift = -mean * inv if offset is None else convert_to_tensor(offset, dtype=x.dtype) - (
        mean * inv)
    return x * inv + shift


@export("nn")
def batch_norm_with_global_normalization(input, mean, variance, beta, gamma,  # noqa: A002
                                         variance_epsilon, scale_after_normalization,
                                         name=None):
    """batch_normalization with offset `beta`, and scale `gamma` when
    `scale_after_normalization`."""
    return batch_normalization(input, mean, variance, beta,
                               gamma if scale_after_normalization else None, variance_epsilon)


@export("nn", name="local_response_normalization")
@export("nn", name="lrn")
def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,  # noqa: A002
                                 name=None):
    """input / (bias + alpha * sum of squares over the 2 * depth_radius + 1 nearest
    channels) ** beta, for a rank-4 float input (channels last)."""
    x = convert_to_tensor(input)
    if not x.dtype.is_floating:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
            f"half, bfloat16, float [Op:LRN]")
    if len(x.shape) != 4:
        raise errors.InvalidArgumentError(
            f"input must be 4-dimensional, got shape {x.shape.as_list()} [Op:LRN]")
    r = int(depth_radius)
    if r < 0:
        raise errors.InvalidArgumentError(f"depth_radius = {r} must be nonnegative [Op:LRN]")
    channels = x.shape.as_list()[-1]
    padded = shape.pad(ew.square(x), [[0, 0], [0, 0], [0, 0], [r, r]])
    total = None
    for j in range(2 * r + 1):
        part = padded[..., j:j + channels]
        total = part if total is None else total + part
    return x * ew.pow(bias + alpha * total, -beta)


def _rate_args(x, rate, op):
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                         f"Received: x_dtype={x.dtype!r}")
    if isinstance(rate, _TensorLike):
        if rate.shape.rank != 0:
            raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                             f"Received: rate={rate}")
        return x, ew.cast(rate, x.dtype), None
    if not isinstance(rate, (int, float, np.integer, np.floating)) or not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    return x, float(rate), float(rate)


def _noise_dims(x, noise_shape):
    if noise_shape is None:
        return tuple(x.shape.as_list())
    if isinstance(noise_shape, _TensorLike):
        noise_shape = np.asarray(noise_shape).tolist()
    dims = [x.shape.as_list()[i] if d is None else int(d) for i, d in enumerate(noise_shape)]
    return tuple(dims)


def _apply_mask(x, rate, uniform):
    """x / (1 - rate) where uniform >= rate, 0 elsewhere (broadcast of the mask)."""
    keep = ew.greater_equal(_engine.wrap(uniform.astype(x.dtype.as_numpy_dtype)), rate)
    scaled = x * (1 / (1 - rate)) if isinstance(rate, float) else x * ew.reciprocal(1 - rate)
    return ew.where(keep, scaled, ew.zeros_like(scaled))


@export("nn")
def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability `rate`, scale the others by 1 / (1 - rate).

    Args:
        x: A float tensor.
        rate: A float in [0, 1) or a scalar tensor.
        noise_shape: The shape of the drawn keep/drop mask, broadcast against x (e.g.
            [batch, 1] drops whole rows); None entries take x's size.
        seed: Op seed (see tf.random.set_seed).
        name: Ignored.

    Raises:
        ValueError: a non-float x or a rate outside [0, 1).
        InvalidArgumentError: a noise_shape that does not broadcast to x's shape.
    """
    x, rate, plain = _rate_args(x, rate, "dropout")
    if plain == 0:
        return x
    dims = _noise_dims(x, noise_shape)
    uniform = _SEEDS.generator(seed).random(dims)
    _check_noise(x, dims)
    return _apply_mask(x, rate, uniform)


def _check_noise(x, dims):
    try:
        np.broadcast_shapes(tuple(x.shape.as_list()), dims)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"condition {list(dims)}, then {x.shape.as_list()}, and else [] must be "
            f"broadcastable [Op:SelectV2]") from None


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None):
    """dropout with a mask fixed by `seed` (a shape-[2] int tensor): the same seed
    drops the same elements."""
    x, rate, plain = _rate_args(x, rate, "stateless_dropout")
    if plain == 0:
        return x
    dims = _noise_dims(x, noise_shape)
    _check_noise(x, dims)
    return _apply_mask(x, rate, _stateless_generator(seed, "uniform").random(dims))


export("nn.experimental")(stateless_dropout)


@export("nn", name="crelu")
def crelu(features, axis=-1, name=None):
    """Concatenated relu(features) and relu(-features) along `axis`."""
    features = convert_to_tensor(features)
    return shape.concat([ew.relu(features), ew.relu(-features)], axis)


@export("nn")
def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(log_input) - targets * log_input, plus the Stirling term targets log targets
    - targets + log(2 pi targets) / 2 for targets > 1 when `compute_full_loss`.

    Raises:
        ValueError: targets and log_input of different shapes.
    """
    log_input = convert_to_tensor(log_input)
    targets = convert_to_tensor(targets, dtype=log_input.dtype)
    if targets.shape.as_list() != log_input.shape.as_list():
        raise ValueError(f"`log_input` and `targets` must have the same shape, received "
                         f"({log_input.shape} vs {targets.shape}).")
    result = ew.exp(log_input) - log_input * targets
    if compute_full_loss:
        stirling = (targets * ew.log(targets) - targets
                    + 0.5 * ew.log(2 * math.pi * targets))
        small = ew.logical_and(ew.greater_equal(targets, 0.0), ew.less_equal(targets, 1.0))
        result = result + ew.where(small, ew.zeros_like(targets), stirling)
    return result


@export("nn")
def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """sigmoid_cross_entropy_with_logits with the positive term weighted by
    `pos_weight`: (1 - z) x + (1 + (q - 1) z) (log(1 + exp(-|x|)) + max(-x, 0))."""
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    if labels.shape.as_list() != logits.shape.as_list():
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({logits.shape} vs {labels.shape}).")
    log_weight = 1 + (convert_to_tensor(pos_weight, dtype=logits.dtype) - 1) * labels
    softplus_neg = ew.log1p(ew.exp(-ew.abs(logits))) + ew.relu(-logits)
    return (1 - labels) * logits + log_weight * softplus_neg


@export("nn")
def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """The sum of (optionally weighted) per-example losses over the global batch size
    (the first dimension when not given; one replica)."""
    loss = convert_to_tensor(per_example_loss)
    if loss.shape.rank == 0:
        raise ValueError("Invalid value passed for `per_example_loss`. Expected a tensor "
                         f"with at least rank 1. Received shape: {loss.shape}")
    if sample_weight is not None:
        loss = loss * convert_to_tensor(sample_weight, dtype=loss.dtype)
    if global_batch_size is None:
        global_batch_size = loss.shape.as_list()[0]
    elif isinstance(global_batch_size, _TensorLike) and not global_batch_size.dtype.is_integer:
        raise TypeError("Invalid value passed for `global_batch_size`. Expected an integer "
                        f"tensor. Received dtype: {global_batch_size.dtype}")
    elif isinstance(global_batch_size, float):
        raise TypeError("Invalid value passed for `global_batch_size`. Expected an integer. "
                        f"Received: {global_batch_size}")
    total = reductions.reduce_sum(loss)
    return total / ew.cast(convert_to_tensor(global_batch_size), loss.dtype)


@export("nn")
def scale_regularization_loss(regularization_loss):
    """The summed regularization loss, divided by the replica count (1 here)."""
    return reductions.reduce_sum(convert_to_tensor(regularization_loss))


@export("nn")
def zero_fraction(value, name=None):
    """The fraction of zeros in `value`, a float32 scalar."""
    value = convert_to_tensor(value)
    zero = ew.equal(value, ew.zeros_like(value))
    return reductions.reduce_mean(ew.cast(zero, dtypes.float32))


# --- block rearrangements ----------------------------------------------------------------

def _block(block_size, op):
    if isinstance(block_size, _TensorLike):
        block_size = int(np.asarray(block_size))
    if not isinstance(block_size, (int, np.integer)) or block_size < 2:
        raise errors.InvalidArgumentError(
            f"Value for attr 'block_size' of {block_size} must be at least minimum 2 [Op:{op}]")
    return int(block_size)


def _nhwc(input, data_format, op):  # noqa: A002
    x = convert_to_tensor(input)
    if len(x.shape) != 4:
        raise errors.InvalidArgumentError(
            f"input rank should be 4 instead of {len(x.shape)} [Op:{op}]")
    if data_format not in ("NHWC", "NCHW"):
        raise errors.InvalidArgumentError(f"Invalid data_format {data_format!r} [Op:{op}]")
    if data_format == "NCHW":
        x = shape.transpose(x, [0, 2, 3, 1])
    return x


def _back(x, data_format):
    return shape.transpose(x, [0, 3, 1, 2]) if data_format == "NCHW" else x


@export("nn")
def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Move each block_size x block_size spatial block into the channels."""
    bs = _block(block_size, "SpaceToDepth")
    x = _nhwc(input, data_format, "SpaceToDepth")
    b, h, w, c = x.shape.as_list()
    if h % bs or w % bs:
        raise errors.InvalidArgumentError(
            f"Image width {w} and height {h} should be divisible by block_size: {bs} "
            f"[Op:SpaceToDepth]")
    y = shape.reshape(x, [b, h // bs, bs, w // bs, bs, c])
    y = shape.transpose(y, [0, 1, 3, 2, 4, 5])
    return _back(shape.reshape(y, [b, h // bs, w // bs, bs * bs * c]), data_format)


@export("nn")
def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """The inverse of space_to_depth: channels moved into block_size x block_size
    spatial blocks."""
    bs = _block(block_size, "DepthToSpace")
    x = _nhwc(input, data_format, "DepthToSpace")
    b, h, w, c = x.shape.as_list()
    if c % (bs * bs):
        raise errors.InvalidArgumentError(
            f"Input depth dimension {c} should be divisible by: {bs * bs} [Op:DepthToSpace]")
    y = shape.reshape(x, [b, h, w, bs, bs, c // (bs * bs)])
    y = shape.transpose(y, [0, 1, 3, 2, 4, 5])
    return _back(shape.reshape(y, [b, h * bs, w * bs, c // (bs * bs)]), data_format)


@export("nn")
def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """Zero-pad the M spatial dimensions after the batch by `paddings`, then move
    blocks of `block_shape` into the batch (block offsets outermost)."""
    x = convert_to_tensor(input)
    block = [int(b) for b in np.ravel(np.asarray(block_shape))]
    pads = np.asarray(paddings).astype(int).reshape(-1, 2).tolist() if np.size(paddings) else []
    m = len(block)
    dims = x.shape.as_list()
    if m < 1 or len(pads) != m or len(dims) < m + 1:
        raise errors.InvalidArgumentError(
            f"block_shape must be a vector of length >= 1 matching paddings [{m}, 2] and "
            f"input rank > {m}; got block_shape {block}, paddings {pads}, input shape {dims} "
            f"[Op:SpaceToBatchND]")
    if any(b < 1 for b in block) or any(p < 0 for pair in pads for p in pair):
        raise errors.InvalidArgumentError(
            f"block_shape must be positive and paddings nonnegative [Op:SpaceToBatchND]")
    padded = shape.pad(x, [[0, 0]] + pads + [[0, 0]] * (len(dims) - m - 1))
    sizes = padded.shape.as_list()
    for i, b in enumerate(block):
        if sizes[i + 1] % b:
            raise errors.InvalidArgumentError(
                f"padded_shape[{i}]={sizes[i + 1]} is not divisible by block_shape[{i}]={b} "
                f"[Op:SpaceToBatchND]")
    split = [sizes[0]]
    for i, b in enumerate(block):
        split += [sizes[i + 1] // b, b]
    rest = sizes[m + 1:]
    y = shape.reshape(padded, split + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + [
        1 + 2 * m + j for j in range(len(rest))]
    y = shape.transpose(y, perm)
    return shape.reshape(y, [sizes[0] * math.prod(block)]
                         + [sizes[i + 1] // b for i, b in enumerate(block)] + rest)
