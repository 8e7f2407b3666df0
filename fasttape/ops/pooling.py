"""Pooling (tf.nn.max_pool*, avg_pool*, pool, max_pool_with_argmax).

Windows are visited one kernel offset at a time (a strided view of the padded input
per offset), so each pass is a vectorised elementwise max or sum over the batch.

* Max pooling pads with -inf; ties go to the first maximum in row-major window order,
  as TF's CPU kernel. Its gradient scatters the cotangent to those positions
  (`_max_pool_grad`); the gradient of that is the gather back (`_max_pool_grad_grad`),
  and the two are each other's transpose, so all orders work.
* Average pooling divides by the number of real (unpadded) elements in each window,
  as TF's SAME padding does. Its gradient spreads g / count over the window
  (`_avg_pool_grad`), whose transpose is average pooling again.
"""

import collections
import itertools

import numpy as np

from fasttape import errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike, apply, wrap
from fasttape.ops import elementwise as ew
from fasttape.ops import shape
from fasttape.ops._registry import defop, export
from fasttape.ops.conv import (
    _channels_first, _ints, _out_sizes, _pads, _to_first, _to_last, _window,
)


def _offsets(ksize):
    return itertools.product(*map(range, ksize))


def _pad_with(x, pads, value):
    if not any(lo or hi for lo, hi in pads):
        return x
    return np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)], constant_values=value)


def _geometry(x_shape, ksize, strides, pads):
    ones = (1,) * len(ksize)
    return _out_sizes(x_shape[1:-1], ksize, strides, ones, pads), ones


def _argmax_offsets(x, ksize, strides, pads):
    """The max over each window and the index (row-major, first on ties) of the kernel
    offset holding it."""
    out, ones = _geometry(x.shape, ksize, strides, pads)
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = _pad_with(x, pads, low)
    best, where = None, None
    for i, k in enumerate(_offsets(ksize)):
        v = _window(xp, k, strides, ones, out)
        if best is None:
            best, where = v.copy(), np.zeros(v.shape, np.intp)
        else:
            # nan wins and stays, as TF's kernel propagates it
            take = v > best
            if x.dtype.kind == "f":
                take |= np.isnan(v) & ~np.isnan(best)
            best[take] = v[take]
            where[take] = i
    return best, where


@defop(public=False)
def _max_pool(x, ksize=(), strides=(), pads=()):
    return _argmax_offsets(x, ksize, strides, pads)[0]


@_max_pool.defvjp
def _max_pool_vjp(g, x, ksize, strides, pads):
    return apply(_max_pool_grad.op, (g, x), (ksize, strides, pads))


@defop(public=False)
def _max_pool_grad(dy, x, ksize=(), strides=(), pads=()):
    """dy scattered to each window's (first) maximum of x."""
    _, where = _argmax_offsets(x, ksize, strides, pads)
    out, ones = _geometry(x.shape, ksize, strides, pads)
    padded = (x.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[1:-1], pads)) + (
        x.shape[-1],)
    dxp = np.zeros(padded, dy.dtype)
    for i, k in enumerate(_offsets(ksize)):
        _window(dxp, k, strides, ones, out)[...] += np.where(where == i, dy, 0)
    crop = tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[1:-1], pads))
    return np.ascontiguousarray(dxp[(slice(None),) + crop])


@_max_pool_grad.defvjp
def _max_pool_grad_vjp(g, x, ksize, strides, pads, needs):
    g_dy = apply(_max_pool_grad_grad.op, (g, x), (ksize, strides, pads)) if needs[0] else None
    return g_dy, (ew.zeros_like(x) if needs[1] else None)


@defop(public=False)
def _max_pool_grad_grad(h, x, ksize=(), strides=(), pads=()):
    """h gathered at each window's (first) maximum of x: output-shaped."""
    _, where = _argmax_offsets(x, ksize, strides, pads)
    out, ones = _geometry(x.shape, ksize, strides, pads)
    hp = _pad_with(h, pads, 0)
    result = np.zeros(where.shape, h.dtype)
    for i, k in enumerate(_offsets(ksize)):
        hit = where == i
        result[hit] = _window(hp, k, strides, ones, out)[hit]
    return result


@_max_pool_grad_grad.defvjp
def _max_pool_grad_grad_vjp(g, x, ksize, strides, pads, needs):
    g_h = apply(_max_pool_grad.op, (g, x), (ksize, strides, pads)) if needs[0] else None
    return g_h, (ew.zeros_like(x) if needs[1] else None)


def _window_sums(x, ksize, strides, pads):
    out, ones = _geometry(x.shape, ksize, strides, pads)
    xp = _pad_with(x, pads, 0)
    total = None
    for k in _offsets(ksize):
        v = _window(xp, k, strides, ones, out)
        total = v.copy() if total is None else total + v
    return total


def _counts(x_shape, ksize, strides, pads, dtype):
    """Real (unpadded) elements per window, broadcastable against the output."""
    ones = np.ones((1,) + tuple(x_shape[1:-1]) + (1,), dtype)
    return _window_sums(ones, ksize, strides, pads)


@defop(float_only=True, public=False)
def _avg_pool(x, ksize=(), strides=(), pads=()):
    return _window_sums(x, ksize, strides, pads) / _counts(x.shape, ksize, strides, pads,
                                                            x.dtype)


@_avg_pool.defvjp
def _avg_pool_vjp(g, x, ksize, strides, pads):
    return apply(_avg_pool_grad.op, (g,), (tuple(x.shape), ksize, strides, pads))


@defop(float_only=True, public=False)
def _avg_pool_grad(dy, input_shape=(), ksize=(), strides=(), pads=()):
    """dy / count spread over each window, cropped to input_shape."""
    share = dy / _counts(input_shape, ksize, strides, pads, dy.dtype)
    out, ones = _geometry(input_shape, ksize, strides, pads)
    spatial = input_shape[1:-1]
    padded = (input_shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads)) + (
        input_shape[-1],)
    dxp = np.zeros(padded, dy.dtype)
    for k in _offsets(ksize):
        _window(dxp, k, strides, ones, out)[...] += share
    crop = tuple(slice(lo, lo + n) for n, (lo, _) in zip(spatial, pads))
    return np.ascontiguousarray(dxp[(slice(None),) + crop])


@_avg_pool_grad.defvjp
def _avg_pool_grad_vjp(g, ksize, strides, pads):
    return apply(_avg_pool.op, (g,), (ksize, strides, pads))


MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])

_MAX_TYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
              "uint16")


def _pool_args(input, ksize, strides, padding, data_format, nd, op):  # noqa: A002
    x = convert_to_tensor(input)
    if len(x.shape) != nd + 2:
        raise errors.InvalidArgumentError(
            f"tensor_in_shape must have {nd} spatial dimensions. {x.shape.as_list()} [Op:{op}]")
    first = _channels_first(data_format, nd)
    ksize = _ints(ksize, nd, "ksize", first, op)
    strides = _ints(strides, nd, "strides", first, op)
    x = _to_last(x, first)
    spatial = x.shape.as_list()[1:-1]
    pads = _pads(padding, spatial, ksize, strides, (1,) * nd, first, op)
    for n, k, (lo, hi) in zip(spatial, ksize, pads):
        if lo >= k or hi >= k:
            raise errors.InvalidArgumentError(
                f"Explicit padding must be smaller than the window size [Op:{op}]")
    return x, first, ksize, strides, pads


def _max(input, ksize, strides, padding, data_format, nd, op):  # noqa: A002
    x, first, ksize, strides, pads = _pool_args(input, ksize, strides, padding, data_format,
                                                nd, op)
    if x.dtype.name not in _MAX_TYPES:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values "
            f"[Op:{op}]")
    return _to_first(apply(_max_pool.op, (x,), (ksize, strides, pads)), first)


def _avg(input, ksize, strides, padding, data_format, nd, op):  # noqa: A002
    x, first, ksize, strides, pads = _pool_args(input, ksize, strides, padding, data_format,
                                                nd, op)
    if not x.dtype.is_floating:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
            f"half, bfloat16, float, double [Op:{op}]")
    return _to_first(apply(_avg_pool.op, (x,), (ksize, strides, pads)), first)


def _rank_of(input, data_format):  # noqa: A002
    nd = len(convert_to_tensor(input).shape) - 2
    if nd not in (1, 2, 3):
        raise ValueError(f"`input` must be of rank 3, 4 or 5. Received: input.shape="
                         f"{convert_to_tensor(input).shape.as_list()}")
    return nd


@export("nn")
def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Max over sliding windows, for 1-D, 2-D or 3-D inputs (from input's rank).

    Args:
        input: A tensor of rank 3, 4 or 5, channels last unless data_format is 'NC...'.
        ksize: The window size: an int or a list of 1, N or N + 2 ints.
        strides: The window stride, in the same forms.
        padding: "SAME", "VALID" or explicit pairs (each smaller than the window).
        data_format: 'NWC'/'NHWC'/'NDHWC' (default) or the channels-first forms.
        name: Ignored.
    """
    nd = _rank_of(input, data_format)
    return _max(input, ksize, strides, padding, data_format, nd, "MaxPool")


@export("nn")
def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Max pooling of [batch, width, channels]."""
    return _max(input, ksize, strides, padding, data_format, 1, "MaxPool")


@export("nn")
def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Max pooling of [batch, height, width, channels]."""
    return _max(input, ksize, strides, padding, data_format, 2, "MaxPool")


@export("nn")
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Max pooling of [batch, depth, height, width, channels]."""
    return _max(input, ksize, strides, padding, data_format, 3, "MaxPool3D")


@export("nn")
def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Mean over sliding windows (padding excluded from the count), 1-D to 3-D."""
    nd = _rank_of(input, data_format)
    return _avg(input, ksize, strides, padding, data_format, nd, "AvgPool")


@export("nn")
def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Average pooling of [batch, width, channels]."""
    return _avg(input, ksize, strides, padding, data_format, 1, "AvgPool")


@export("nn")
def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Average pooling of [batch, height, width, channels]."""
    return _avg(input, ksize, strides, padding, data_format, 2, "AvgPool")


@export("nn")
def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Average pooling of [batch, depth, height, width, channels]."""
    return _avg(input, ksize, strides, padding, data_format, 3, "AvgPool3D")


@export("nn")
def pool(input, window_shape, pooling_type, strides=None, padding="VALID",  # noqa: A002
         data_format=None, dilations=None, name=None):
    """Max or average pooling ("MAX" or "AVG") with N-D `window_shape`."""
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"Unknown pooling type: {pooling_type!r}")
    nd = len(window_shape)
    if nd not in (1, 2, 3):
        raise ValueError(f"`window_shape` must have 1 to 3 elements. Received: "
                         f"window_shape={window_shape!r}")
    if dilations is not None and any(int(d) != 1 for d in np.ravel(dilations)):
        raise errors.UnimplementedError("pool: dilations other than 1 are not supported")
    run = _max if pooling_type == "MAX" else _avg
    return run(input, list(window_shape), 1 if strides is None else strides, padding,
               data_format, nd, "MaxPool" if pooling_type == "MAX" else "AvgPool")


@export("nn")
def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         output_dtype="int64", include_batch_in_index=False, name=None):
    """NHWC max pooling and the flat index of each maximum.

    The index is (y * width + x) * channels + c, plus batch * height * width * channels
    when `include_batch_in_index`. Ties go to the first maximum.
    """
    if data_format != "NHWC":
        raise ValueError(f"`data_format` must be 'NHWC'. Received: data_format={data_format!r}")
    x, _, ksize_, strides_, pads = _pool_args(input, ksize, strides, padding, "NHWC", 2,
                                              "MaxPoolWithArgmax")
    out = apply(_max_pool.op, (x,), (ksize_, strides_, pads))
    arr = np.asarray(x)
    _, where = _argmax_offsets(arr, ksize_, strides_, pads)
    n, h, w, c = arr.shape
    oh, ow = where.shape[1:3]
    ky, kx = np.divmod(where, ksize_[1])
    y = np.arange(oh)[None, :, None, None] * strides_[0] - pads[0][0] + ky
    xx = np.arange(ow)[None, None, :, None] * strides_[1] - pads[1][0] + kx
    index = (y * w + xx) * c + np.arange(c)
    if include_batch_in_index:
        index = index + np.arange(n)[:, None, None, None] * (h * w * c)
    dtype = np.dtype(str(getattr(output_dtype, "name", output_dtype)))
    return MaxPoolWithArgmax(out, wrap(index.astype(dtype)))


# --- morphology ------------------------------------------------------------------------

def _dilation_argmax(x, f, strides, rates, pads):
    """max over each window of x + filter (per channel), and the (first) kernel offset
    reaching it."""
    out = _out_sizes(x.shape[1:-1], f.shape[:2], strides, rates, pads)
    xp = _pad_with(x, pads, -np.inf)
    best, where = None, None
    for i, k in enumerate(_offsets(f.shape[:2])):
        v = _window(xp, k, strides, rates, out) + f[k]
        if best is None:
            best, where = v, np.zeros(v.shape, np.intp)
        else:
            take = v > best
            best = np.where(take, v, best)
            where[take] = i
    return best, where, out


@defop(float_only=True, public=False)
def _dilation(x, filters, strides=(), rates=(), pads=()):
    return _dilation_argmax(x, filters, strides, rates, pads)[0]


@_dilation.defvjp
def _dilation_vjp(g, x, filters, strides, rates, pads, needs):
    attrs = (strides, rates, pads)
    return tuple(apply(_dilation_scatter.op, (g, x, filters), attrs + (to,)) if need else None
                 for need, to in zip(needs, ("input", "filter")))


@defop(float_only=True, public=False)
def _dilation_scatter(dy, x, filters, strides=(), rates=(), pads=(), to="input"):
    """dy sent to the input element (to="input") or the filter element (to="filter")
    that attained each window's maximum."""
    _, where, out = _dilation_argmax(x, filters, strides, rates, pads)
    if to == "filter":
        grad = np.zeros(filters.shape, dy.dtype)
        for i, k in enumerate(_offsets(filters.shape[:2])):
            grad[k] = np.where(where == i, dy, 0).sum(axis=(0, 1, 2))
        return grad
    padded = (x.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[1:-1], pads)) + (
        x.shape[-1],)
    dxp = np.zeros(padded, dy.dtype)
    for i, k in enumerate(_offsets(filters.shape[:2])):
        _window(dxp, k, strides, rates, out)[...] += np.where(where == i, dy, 0)
    crop = tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[1:-1], pads))
    return np.ascontiguousarray(dxp[(slice(None),) + crop])


@_dilation_scatter.defvjp
def _dilation_scatter_vjp(g, x, filters, strides, rates, pads, to, needs):
    # linear in dy (its transpose picks g back); piecewise constant in x and filters
    attrs = (strides, rates, pads, to)
    g_dy = apply(_dilation_pick.op, (g, x, filters), attrs) if needs[0] else None
    return (g_dy, ew.zeros_like(x) if needs[1] else None,
            ew.zeros_like(filters) if needs[2] else None)


@defop(float_only=True, public=False)
def _dilation_pick(h, x, filters, strides=(), rates=(), pads=(), to="input"):
    """Output-shaped: h at the input element (or filter element) attaining each
    window's maximum; the transpose of `_dilation_scatter`."""
    _, where, out = _dilation_argmax(x, filters, strides, rates, pads)
    result = np.zeros(where.shape, h.dtype)
    if to == "filter":
        for i, k in enumerate(_offsets(filters.shape[:2])):
            result = np.where(where == i, h[k], result)
        return result
    hp = _pad_with(h, pads, 0)
    for i, k in enumerate(_offsets(filters.shape[:2])):
        hit = where == i
        result[hit] = _window(hp, k, strides, rates, out)[hit]
    return result


@_dilation_pick.defvjp
def _dilation_pick_vjp(g, x, filters, strides, rates, pads, to, needs):
    attrs = (strides, rates, pads, to)
    g_h = apply(_dilation_scatter.op, (g, x, filters), attrs) if needs[0] else None
    return (g_h, ew.zeros_like(x) if needs[1] else None,
            ew.zeros_like(filters) if needs[2] else None)


def _morphology_args(input, filters, strides, padding, data_format, dilations, op):  # noqa: A002
    if data_format != "NHWC":
        raise ValueError(f"`data_format` must be 'NHWC'. Received: data_format={data_format!r}")
    x = convert_to_tensor(input)
    f = (filters if isinstance(filters, _TensorLike)
         else convert_to_tensor(filters, dtype=x.dtype))
    if len(x.shape) != 4:
        raise errors.InvalidArgumentError(
            f"input must be 4-dimensional, got {x.shape.as_list()} [Op:{op}]")
    if len(f.shape) != 3 or f.shape.as_list()[-1] != x.shape.as_list()[-1]:
        raise errors.InvalidArgumentError(
            f"filter must be 3-dimensional with input's depth, got {f.shape.as_list()} "
            f"[Op:{op}]")
    if f.dtype != x.dtype:
        raise errors.InvalidArgumentError(
            f"cannot compute {op} as input #1(zero-based) was expected to be a "
            f"{x.dtype.name} tensor but is a {f.dtype.name} tensor [Op:{op}]")
    strides = _ints(strides, 2, "strides", False, op)
    rates = _ints(dilations, 2, "dilations", False, op)
    pads = _pads(padding, x.shape.as_list()[1:-1], f.shape.as_list()[:2], strides, rates, False,
                 op)
    return x, f, (strides, rates, pads)


@export("nn")
def dilation2d(input, filters, strides, padding, data_format, dilations, name=None):  # noqa: A002
    """Grayscale morphological dilation: the max over each window of input + filters
    ([filter_height, filter_width, depth]), NHWC only. The gradient goes to the
    (first) maximising input and filter elements."""
    x, f, attrs = _morphology_args(input, filters, strides, padding, data_format, dilations,
                                   "Dilation2D")
    return apply(_dilation.op, (x, f), attrs)


@export("nn")
def erosion2d(value, filters, strides, padding, data_format, dilations, name=None):
    """Grayscale morphological erosion: -dilation2d(-value, filters reversed)."""
    x, f, attrs = _morphology_args(value, filters, strides, padding, data_format, dilations,
                                   "Dilation2D")
    flipped = shape.reverse(f, [0, 1])
    return -apply(_dilation.op, (-x, flipped), attrs)
