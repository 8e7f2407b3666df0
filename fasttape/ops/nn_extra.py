"""tf.nn.isotonic_regression: the pool-adjacent-violators fit along an axis.

The fit is the mean of the input over blocks of consecutive elements (the segments),
so it is two ops: `_isotonic_segments` finds the blocks (no gradient, as TF's
`segments`), and `_block_mean` averages any tensor over given blocks. Averaging over
fixed blocks is a symmetric projection: its vjp is itself, so every derivative order
is the block mean of the cotangent, as TF's gradient.
"""

import collections

import numpy as np

from fasttape import errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import apply
from fasttape.ops import elementwise as ew
from fasttape.ops import shape
from fasttape.ops._registry import defop, export

IsotonicRegression = collections.namedtuple("IsotonicRegression", ["output", "segments"])

# input dtype -> output dtype (TF's kernels; other dtypes have none)
_OUTPUT = {"float16": "float16", "bfloat16": "bfloat16", "float32": "float32",
           "float64": "float64", "int8": "float32", "int16": "float32",
           "int32": "float64", "int64": "float64"}


@defop(public=False, differentiable=False)
def _isotonic_segments(x):
    """int32 block index of each element along the last axis of the best
    non-increasing fit; blocks merge only on a strict violation (ties stay apart)."""
    if x.ndim == 0 or x.size == 0:
        return np.zeros(x.shape, np.int32)
    rows = x.reshape(-1, x.shape[-1])
    out = np.zeros(rows.shape, np.int32)
    for r, row in enumerate(rows):
        sums, counts = [], []
        for v in row.astype(np.float64):
            sums.append(v)
            counts.append(1)
            # merge while a later block's mean exceeds the one before it
            while len(sums) > 1 and sums[-1] * counts[-2] > sums[-2] * counts[-1]:
                s, c = sums.pop(), counts.pop()
                sums[-1] += s
                counts[-1] += c
        out[r] = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    return out.reshape(x.shape)


@defop(public=False, same_dtype=False)
def _block_mean(x, segments):
    """The mean of `x` over the elements of each row (last axis) sharing a segment."""
    if x.ndim == 0 or x.size == 0:
        return x.copy()
    n = x.shape[-1]
    flat = segments.reshape(-1, n).astype(np.int64)
    index = (flat + n * np.arange(flat.shape[0])[:, None]).ravel()
    sums = np.bincount(index, weights=x.reshape(-1).astype(np.float64), minlength=flat.size)
    counts = np.bincount(index, minlength=flat.size)
    means = sums[index] / counts[index]
    return means.astype(x.dtype).reshape(x.shape)


@_block_mean.defvjp
def _block_mean_vjp(g, segments):
    return apply(_block_mean.op, (g, segments), ()), None


@export("nn")
def isotonic_regression(inputs, decreasing=True, axis=-1):
    """The least-squares non-increasing fit (non-decreasing if `decreasing` is False)
    of `inputs` along `axis`, and the int32 index of the block each element falls in.

    Returns:
        IsotonicRegression(output, segments) for `decreasing`, else the plain tuple
        (output, segments), as TF. Integer inputs give float32 (8 and 16 bits) or
        float64 outputs; the gradient of `output` is the block mean of its cotangent.

    Raises:
        InvalidArgumentError: `axis` out of range.
        NotFoundError: a dtype with no kernel (unsigned, bool, complex).
    """
    x = convert_to_tensor(inputs)
    rank = len(x.shape)
    last = axis == -1 or axis == rank - 1
    if not last and not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"`dim` must be in the range [{-rank}, {rank}) where {rank} is the number of "
            f"dimensions in the input. Received: dim={axis}")
    out_dtype = _OUTPUT.get(x.dtype.name)
    if out_dtype is None:
        raise errors.NotFoundError(
            f"Could not find device for node: IsotonicRegression[T={x.dtype.name}]: "
            f"no kernel for this dtype")
    perm = list(range(rank))
    if not last:
        perm[axis], perm[-1] = perm[-1], perm[axis]
        x = shape.transpose(x, perm)
    x = ew.cast(x, out_dtype) if x.dtype.name != out_dtype else x
    x = x if decreasing else ew.negative(x)
    segments = apply(_isotonic_segments.op, (x,), ())
    output = apply(_block_mean.op, (x, segments), ())
    output = output if decreasing else ew.negative(output)
    if not last:
        return shape.transpose(output, perm), shape.transpose(segments, perm)
    # TF names the pair only where its kernel's result is returned as it is
    return IsotonicRegression(output, segments) if decreasing else (output, segments)
