"""Convolutions (tf.nn.conv1d/2d/3d, depthwise, separable, atrous, transposed).

Every convolution is one of three ops on channels-last arrays ([batch, *spatial,
channels], filters [*kernel, in_channels / groups, out_channels]):

* `_conv`: the forward, im2col (one strided view per kernel offset, stacked) and one
  BLAS matmul per channel group;
* `_conv_input_grad`: the transpose of `_conv` in its input (one matmul per kernel
  offset, scattered into the padded input), which is also the transposed convolution;
* `_conv_filter_grad`: the transpose of `_conv` in its filter.

The three are bilinear and each one's vjp is made of the other two, so derivatives
of any order work. Depthwise convolutions are grouped convolutions (one group per
input channel); NCHW layouts are transposed to channels-last around the op.

Padding follows TF: "VALID" is none; "SAME" gives ceil(size / stride) outputs with the
odd padded element at the end; an explicit list gives [before, after] per dimension
of the data format (zero for batch and channels).
"""

import itertools

import numpy as np

from fasttape import errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike, apply
from fasttape.ops._registry import defop, export
from fasttape.ops.shape import reshape, transpose

# --- the ops ---------------------------------------------------------------------------

def _window(xp, offset, strides, dilations, out):
    """The view of padded input `xp` that kernel element `offset` meets, one row per
    output position."""
    # an empty output takes an empty slice (a stop of o * d - s + 1 could be negative)
    index = tuple(slice(o * d, o * d + (n - 1) * s + 1, s) if n else slice(0, 0)
                  for o, d, s, n in zip(offset, dilations, strides, out))
    return xp[(slice(None),) + index]


def _out_sizes(spatial, kernel, strides, dilations, pads):
    return tuple(max((n + lo + hi - (k - 1) * d - 1) // s + 1, 0)
                 for n, k, s, d, (lo, hi) in zip(spatial, kernel, strides, dilations, pads))


def _padded(x, pads):
    if not any(lo or hi for lo, hi in pads):
        return x
    return np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)])


def _patches(x, kernel, strides, dilations, pads, groups):
    """im2col: [groups, rows, kernel elements * channels per group], and the output's
    spatial sizes."""
    out = _out_sizes(x.shape[1:-1], kernel, strides, dilations, pads)
    xp = _padded(x, pads)
    cols = np.stack([_window(xp, k, strides, dilations, out)
                     for k in itertools.product(*map(range, kernel))], axis=-2)
    rows = x.shape[0] * int(np.prod(out, dtype=np.int64))
    taps, c = cols.shape[-2], x.shape[-1] // groups
    cols = cols.reshape(rows, taps, groups, c)
    return cols.transpose(2, 0, 1, 3).reshape(groups, rows, taps * c), out


def _grouped_filters(w, groups):
    """[*kernel, c, groups * o] as [groups, kernel elements * c, o]."""
    taps, c, o = int(np.prod(w.shape[:-2], dtype=np.int64)), w.shape[-2], w.shape[-1] // groups
    return w.reshape(taps, c, groups, o).transpose(2, 0, 1, 3).reshape(groups, taps * c, o)


def _grouped_rows(y, groups):
    """[batch, *spatial, groups * o] as [groups, rows, o]."""
    rows = int(np.prod(y.shape[:-1], dtype=np.int64))
    return y.reshape(rows, groups, y.shape[-1] // groups).transpose(1, 0, 2)


@defop(public=False)
def _conv(x, filters, strides=(), dilations=(), pads=(), groups=1):
    cols, out = _patches(x, filters.shape[:-2], strides, dilations, pads, groups)
    y = np.matmul(cols, _grouped_filters(filters, groups))
    return np.ascontiguousarray(y.transpose(1, 0, 2)).reshape(
        (x.shape[0],) + out + (filters.shape[-1],))


@_conv.defvjp
def _conv_vjp(g, x, filters, strides, dilations, pads, groups, needs):
    attrs = (strides, dilations, pads, groups)
    g_x = apply(_conv_input_grad.op, (g, filters), (tuple(x.shape),) + attrs) if needs[0] else None
    g_f = (apply(_conv_filter_grad.op, (x, g), (tuple(filters.shape),) + attrs)
           if needs[1] else None)
    return g_x, g_f


@defop(public=False)
def _conv_input_grad(dy, filters, input_shape=(), strides=(), dilations=(), pads=(),
                     groups=1):
    """The input gradient of `_conv` for output cotangent `dy` (= transposed conv)."""
    kernel = filters.shape[:-2]
    spatial = input_shape[1:-1]
    padded = (input_shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads)) + (
        input_shape[-1],)
    dxp = np.zeros(padded, dy.dtype)
    out = dy.shape[1:-1]
    rows = _grouped_rows(dy, groups)                       # [groups, rows, o]
    c = filters.shape[-2]
    w = filters.reshape(-1, c, groups, filters.shape[-1] // groups)
    for i, k in enumerate(itertools.product(*map(range, kernel))):
        part = np.matmul(rows, w[i].transpose(1, 2, 0))    # [groups, rows, c]
        part = part.transpose(1, 0, 2).reshape(dy.shape[:-1] + (groups * c,))
        _window(dxp, k, strides, dilations, out)[...] += part
    crop = tuple(slice(lo, lo + n) for n, (lo, _) in zip(spatial, pads))
    return np.ascontiguousarray(dxp[(slice(None),) + crop])


@_conv_input_grad.defvjp
def _conv_input_grad_vjp(g, dy, filters, input_shape, strides, dilations, pads, groups,
                         needs):
    attrs = (strides, dilations, pads, groups)
    g_dy = apply(_conv.op, (g, filters), attrs) if needs[0] else None
    g_f = (apply(_conv_filter_grad.op, (g, dy), (tuple(filters.shape),) + attrs)
           if needs[1] else None)
    return g_dy, g_f


@defop(public=False)
def _conv_filter_grad(x, dy, filter_shape=(), strides=(), dilations=(), pads=(), groups=1):
    """The filter gradient of `_conv` for output cotangent `dy`."""
    kernel = filter_shape[:-2]
    cols, _ = _patches(x, kernel, strides, dilations, pads, groups)
    dw = np.matmul(cols.transpose(0, 2, 1), _grouped_rows(dy, groups))   # [g, taps*c, o]
    c, o = filter_shape[-2], filter_shape[-1] // groups
    dw = dw.reshape(groups, int(np.prod(kernel, dtype=np.int64)), c, o).transpose(1, 2, 0, 3)
    return np.ascontiguousarray(dw).reshape(filter_shape)


@_conv_filter_grad.defvjp
def _conv_filter_grad_vjp(g, x, dy, strides, dilations, pads, groups, needs):
    attrs = (strides, dilations, pads, groups)
    g_x = apply(_conv_input_grad.op, (dy, g), (tuple(x.shape),) + attrs) if needs[0] else None
    g_dy = apply(_conv.op, (x, g), attrs) if needs[1] else None
    return g_x, g_dy


# --- arguments -------------------------------------------------------------------------

_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _channels_first(data_format, nd):
    if data_format is None:
        return False
    fmt = data_format.decode() if isinstance(data_format, bytes) else str(data_format)
    last, first = _FORMATS.get(nd, ("N" + "S" * nd + "C", "NC" + "S" * nd))
    if fmt == last or (fmt.startswith("N") and fmt.endswith("C") and len(fmt) == nd + 2):
        return False
    if fmt == first or (fmt.startswith("NC") and len(fmt) == nd + 2):
        return True
    raise ValueError(f"`data_format` must be {last!r} or {first!r}. Received: "
                     f"data_format={data_format!r}")


def _ints(value, nd, what, channels_first, op):
    """Per-spatial-dimension ints from an int, a list of 1, nd or nd + 2 (batch and
    channels must then be 1)."""
    if isinstance(value, _TensorLike):
        value = np.asarray(value).tolist()
    if isinstance(value, (int, np.integer)):
        values = [int(value)] * nd
    else:
        try:
            values = [int(v) for v in value]
        except TypeError:
            raise TypeError(f"`{what}` must be an int or a list of ints. Received: "
                            f"{what}={value!r}") from None
        if len(values) == 1:
            values = values * nd
        elif len(values) == nd + 2:
            outer = (values[0], values[1]) if channels_first else (values[0], values[-1])
            if outer != (1, 1):
                raise errors.UnimplementedError(
                    f"Current implementation does not yet support {what} in the batch and "
                    f"depth dimensions. [Op:{op}]")
            values = values[2:] if channels_first else values[1:-1]
        elif len(values) != nd:
            raise ValueError(f"`{what}` should be of length 1, {nd} or {nd + 2}. Received: "
                             f"{what}={value!r} of length {len(values)}")
    if any(v <= 0 for v in values):
        raise errors.InvalidArgumentError(
            f"{what} must be positive, got {value!r} [Op:{op}]")
    return tuple(values)


def _same_pads(spatial, kernel, strides, dilations):
    pads = []
    for n, k, s, d in zip(spatial, kernel, strides, dilations):
        out = -(-n // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _pads(padding, spatial, kernel, strides, dilations, channels_first, op):
    """((before, after), ...) per spatial dimension from "SAME", "VALID" or a list."""
    if isinstance(padding, bytes):
        padding = padding.decode()
    if isinstance(padding, str):
        if padding == "VALID":
            return ((0, 0),) * len(spatial)
        if padding == "SAME":
            return _same_pads(spatial, kernel, strides, dilations)
        raise errors.InvalidArgumentError(
            f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed values: "
            f"\"SAME\", \"VALID\", \"EXPLICIT\" [Op:{op}]")
    try:
        pairs = [tuple(int(v) for v in p) for p in np.asarray(padding).tolist()]
    except (TypeError, ValueError):
        raise ValueError(f"`padding` must be 'SAME', 'VALID' or a list of pairs. Received: "
                         f"padding={padding!r}") from None
    nd = len(spatial)
    if len(pairs) != nd + 2 or any(len(p) != 2 for p in pairs):
        raise ValueError(f"When `padding` is a list, it must have {nd + 2} [before, after] "
                         f"pairs, one per dimension. Received: padding={padding!r}")
    outer = (pairs[0], pairs[1]) if channels_first else (pairs[0], pairs[-1])
    if outer != ((0, 0), (0, 0)):
        raise ValueError("`padding` of the batch and channel dimensions must be [0, 0]. "
                         f"Received: padding={padding!r}")
    inner = pairs[2:] if channels_first else pairs[1:-1]
    if any(v < 0 for p in inner for v in p):
        raise ValueError(f"All elements of explicit `padding` must be nonnegative. "
                         f"Received: padding={padding!r}")
    return tuple(inner)


def _to_last(x, channels_first):
    if not channels_first:
        return x
    rank = len(x.shape)
    return transpose(x, [0] + list(range(2, rank)) + [1])


def _to_first(x, channels_first):
    if not channels_first:
        return x
    rank = len(x.shape)
    return transpose(x, [0, rank - 1] + list(range(1, rank - 1)))


_CONV_TYPES = ("float16", "float32", "float64", "int32")


def _float_pair(x, filters, op):
    """Input and filters as tensors; a non-tensor filter takes the input's dtype."""
    x = convert_to_tensor(x)
    filters = (convert_to_tensor(filters) if isinstance(filters, _TensorLike)
               else convert_to_tensor(filters, dtype=x.dtype))
    for t, what in ((x, "input"), (filters, "filters")):
        if t.dtype.name not in _CONV_TYPES:
            raise errors.InvalidArgumentError(
                f"Value for attr 'T' of {t.dtype.name} is not in the list of allowed values: "
                f"half, bfloat16, float, double, int32; `{what}` [Op:{op}]")
    if x.dtype != filters.dtype:
        raise errors.InvalidArgumentError(
            f"cannot compute {op} as input #1(zero-based) was expected to be a "
            f"{x.dtype.name} tensor but is a {filters.dtype.name} tensor [Op:{op}]")
    return x, filters


def _check_ranks(x, filters, nd, op, filter_name="filters"):
    if len(x.shape) != nd + 2:
        raise errors.InvalidArgumentError(
            f"convolution input must be {nd + 2}-dimensional: {x.shape.as_list()} [Op:{op}]")
    if len(filters.shape) != nd + 2:
        raise errors.InvalidArgumentError(
            f"convolution {filter_name} must be {nd + 2}-dimensional: "
            f"{filters.shape.as_list()} [Op:{op}]")


def _convolve(x, filters, nd, strides, padding, data_format, dilations, op, groups_of=None):
    """Shared body of the forward convolutions; `groups_of(in_channels)` gives the group
    count and reshapes the filter (depthwise)."""
    x, filters = _float_pair(x, filters, op)
    _check_ranks(x, filters, nd, op)
    first = _channels_first(data_format, nd)
    strides = _ints(1 if strides is None else strides, nd, "strides", first, op)
    dilations = _ints(1 if dilations is None else dilations, nd, "dilations", first, op)
    if any(s > 1 for s in strides) and any(d > 1 for d in dilations):
        raise errors.InvalidArgumentError(
            f"strides > 1 not supported in conjunction with dilation_rate > 1 [Op:{op}]")
    x = _to_last(x, first)
    shape, fshape = x.shape.as_list(), filters.shape.as_list()
    channels = shape[-1]
    groups = 1
    if groups_of is not None:
        groups, filters = groups_of(channels, filters)
        fshape = filters.shape.as_list()
    elif fshape[-2] == 0 or channels % fshape[-2]:
        raise errors.InvalidArgumentError(
            f"input depth must be evenly divisible by filter depth: {channels} vs "
            f"{fshape[-2]} [Op:{op}]")
    else:
        groups = channels // fshape[-2]
        if fshape[-1] % groups:
            raise errors.InvalidArgumentError(
                f"filter count must be evenly divisible by the number of groups: "
                f"{fshape[-1]} vs {groups} [Op:{op}]")
    kernel = fshape[:-2]
    pads = _pads(padding, shape[1:-1], kernel, strides, dilations, first, op)
    y = apply(_conv.op, (x, filters), (strides, dilations, pads, groups))
    return _to_first(y, first)


# --- public convolutions ---------------------------------------------------------------

@export("nn")
def convolution(input, filters, strides=None, padding="VALID", data_format=None,  # noqa: A002
                dilations=None, name=None):
    """An N-D convolution (N = 1, 2, 3 from the filters' rank), as conv1d/2d/3d."""
    filters_t = convert_to_tensor(filters)
    nd = len(filters_t.shape) - 2
    if nd not in (1, 2, 3):
        raise ValueError(f"`filters` must be of rank 3, 4 or 5. Received: filters.shape="
                         f"{filters_t.shape.as_list()}")
    return _convolve(input, filters_t, nd, strides, padding, data_format, dilations,
                     f"Conv{nd}D")


@export("nn")
def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,  # noqa: A002
           name=None):
    """1-D convolution of [batch, width, in] by [width, in, out] filters."""
    return _convolve(input, filters, 1, stride, padding, data_format, dilations, "Conv1D")


@export("nn")
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None):
    """2-D convolution of [batch, height, width, in] (or NCHW) by [h, w, in, out] filters.

    Args:
        input: A float tensor of rank 4.
        filters: [filter_height, filter_width, in_channels / groups, out_channels], of
            input's dtype (in_channels a multiple of the filter's gives a grouped conv).
        strides: An int or a list of 1, 2 or 4 ints.
        padding: "SAME", "VALID" or explicit [[0, 0], [top, bottom], [left, right],
            [0, 0]] (in data_format order).
        data_format: "NHWC" (default) or "NCHW".
        dilations: An int or a list of 1, 2 or 4 ints (filter element spacing).
        name: Ignored.

    Raises:
        InvalidArgumentError: dtype mismatch, channel mismatch, nonpositive strides or
            dilations, batch/channel strides, or an output size below zero.
        ValueError: bad ranks, data_format or padding.
    """
    return _convolve(input, filters, 2, strides, padding, data_format, dilations, "Conv2D")


@export("nn")
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None,  # noqa: A002
           name=None):
    """3-D convolution of [batch, depth, height, width, in] by [d, h, w, in, out] filters."""
    return _convolve(input, filters, 3, strides, padding, data_format, dilations, "Conv3D")


def _depthwise_groups(op):
    def groups_of(channels, filters):
        kh, kw, c, m = filters.shape.as_list()
        if c != channels:
            raise errors.InvalidArgumentError(
                f"input and filter must have the same depth: {channels} vs {c} [Op:{op}]")
        return channels, reshape(filters, [kh, kw, 1, c * m])
    return groups_of


@export("nn")
def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """Each input channel convolved with its own `channel_multiplier` filters:
    [kh, kw, in, multiplier] filters give in * multiplier output channels (channel
    c * multiplier + m from filter [:, :, c, m])."""
    return _convolve(input, filter, 2, strides, padding, data_format, dilations,
                     "DepthwiseConv2dNative", _depthwise_groups("DepthwiseConv2dNative"))


@export("nn")
def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution mixing channels."""
    pointwise = convert_to_tensor(pointwise_filter)
    if pointwise.shape.rank != 4 or pointwise.shape.as_list()[:2] != [1, 1]:
        raise ValueError(f"`pointwise_filter` must be of shape [1, 1, in, out]. Received: "
                         f"{pointwise.shape.as_list()}")
    depth = depthwise_conv2d(input, depthwise_filter, strides, padding,
                             data_format=data_format, dilations=dilations)
    return conv2d(depth, pointwise, 1, "VALID", data_format=data_format or "NHWC")


@export("nn")
def atrous_conv2d(value, filters, rate, padding, name=None):
    """conv2d of NHWC `value` with filters dilated by `rate` (stride 1)."""
    if not isinstance(rate, (int, np.integer)) or rate < 1:
        raise ValueError(f"rate {rate!r} cannot be less than one")
    return conv2d(value, filters, 1, padding, dilations=int(rate))


# --- transposed convolutions -----------------------------------------------------------

def _output_shape(output_shape, nd, op):
    if isinstance(output_shape, _TensorLike):
        output_shape = np.asarray(output_shape).tolist()
    try:
        dims = [int(d) for d in output_shape]
    except TypeError:
        raise TypeError(f"`output_shape` must be a list of ints. Received: "
                        f"{output_shape!r}") from None
    if len(dims) != nd + 2:
        raise ValueError(f"`output_shape` must be of length {nd + 2}. Received: "
                         f"output_shape={output_shape!r}")
    return dims


def _transpose_convolve(x, filters, output_shape, nd, strides, padding, data_format,
                        dilations, op):
    x, filters = _float_pair(x, filters, op)
    _check_ranks(x, filters, nd, op)
    first = _channels_first(data_format, nd)
    strides = _ints(1 if strides is None else strides, nd, "strides", first, op)
    dilations = _ints(1 if dilations is None else dilations, nd, "dilations", first, op)
    out = _output_shape(output_shape, nd, op)
    if first:
        out = [out[0]] + out[2:] + [out[1]]
    x = _to_last(x, first)
    shape, fshape = x.shape.as_list(), filters.shape.as_list()
    if fshape[-2] != out[-1]:
        raise ValueError(f"`output_shape` has {out[-1]} channels but `filters` makes "
                         f"{fshape[-2]} ({op})")
    if fshape[-1] != shape[-1]:
        raise ValueError(f"`input` has {shape[-1]} channels but `filters` expects "
                         f"{fshape[-1]} ({op})")
    if out[0] != shape[0]:
        raise errors.InvalidArgumentError(
            f"`output_shape` batch {out[0]} does not match the input's {shape[0]} [Op:{op}]")
    kernel = fshape[:-2]
    pads = _pads(padding, out[1:-1], kernel, strides, dilations, first, op)
    expected = _out_sizes(out[1:-1], kernel, strides, dilations, pads)
    if list(expected) != shape[1:-1]:
        raise errors.InvalidArgumentError(
            f"Conv{nd}DCustomBackpropInput: Size of out_backprop doesn't match computed: "
            f"actual = {shape[1:-1]}, computed = {list(expected)} [Op:{op}]")
    y = apply(_conv_input_grad.op, (x, filters), (tuple(out), strides, dilations, pads, 1))
    return _to_first(y, first)


@export("nn")
def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """The transpose (gradient) of conv2d: [h, w, out, in] filters map `input` to a
    tensor of `output_shape` (which must be one conv2d maps back to input's size)."""
    return _transpose_convolve(input, filters, output_shape, 2, strides, padding,
                               data_format, dilations, "Conv2DBackpropInput")


@export("nn")
def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """The transpose of conv1d; see conv2d_transpose."""
    return _transpose_convolve(input, filters, output_shape, 1, strides, padding,
                               data_format, dilations, "Conv2DBackpropInput")


@export("nn")
def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NDHWC", dilations=None, name=None):
    """The transpose of conv3d; see conv2d_transpose."""
    return _transpose_convolve(input, filters, output_shape, 3, strides, padding,
                               data_format, dilations, "Conv3DBackpropInputV2")


@export("nn")
def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    """The transpose of `convolution` (N from the filters' rank)."""
    nd = len(convert_to_tensor(filters).shape) - 2
    if nd not in (1, 2, 3):
        raise ValueError("`filters` must be of rank 3, 4 or 5.")
    return _transpose_convolve(input, filters, output_shape, nd, strides, padding,
                               data_format, dilations, f"Conv{nd}DBackpropInput")


@export("nn")
def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of atrous_conv2d."""
    if not isinstance(rate, (int, np.integer)) or rate < 1:
        raise ValueError(f"rate {rate!r} cannot be less than one")
    return conv2d_transpose(value, filters, output_shape, 1, padding, dilations=int(rate))


@export("nn")
def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                    padding, data_format="NHWC", dilations=None, name=None):
    """The gradient of depthwise_conv2d with respect to its input, of shape input_sizes."""
    op = "DepthwiseConv2dNativeBackpropInput"
    dy, filters = _float_pair(out_backprop, filter, op)
    first = _channels_first(data_format, 2)
    sizes = _output_shape(input_sizes, 2, op)
    if first:
        sizes = [sizes[0]] + sizes[2:] + [sizes[1]]
    strides = _ints(strides, 2, "strides", first, op)
    dilations = _ints(1 if dilations is None else dilations, 2, "dilations", first, op)
    kh, kw, c, m = filters.shape.as_list()
    pads = _pads(padding, sizes[1:-1], (kh, kw), strides, dilations, first, op)
    flat = reshape(filters, [kh, kw, 1, c * m])
    y = apply(_conv_input_grad.op, (_to_last(dy, first), flat),
              (tuple(sizes), strides, dilations, pads, c))
    return _to_first(y, first)


@export("nn")
def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                     padding, data_format="NHWC", dilations=None, name=None):
    """The gradient of depthwise_conv2d with respect to its filter, of shape filter_sizes."""
    op = "DepthwiseConv2dNativeBackpropFilter"
    x, dy = _float_pair(input, out_backprop, op)
    first = _channels_first(data_format, 2)
    kh, kw, c, m = _output_shape(filter_sizes, 2, op)
    strides = _ints(strides, 2, "strides", first, op)
    dilations = _ints(1 if dilations is None else dilations, 2, "dilations", first, op)
    x = _to_last(x, first)
    pads = _pads(padding, x.shape.as_list()[1:-1], (kh, kw), strides, dilations, first, op)
    dw = apply(_conv_filter_grad.op, (x, _to_last(dy, first)),
               ((kh, kw, 1, c * m), strides, dilations, pads, c))
    return reshape(dw, [kh, kw, c, m])

