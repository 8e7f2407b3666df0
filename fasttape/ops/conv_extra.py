"""The raw convolution ops published at TF's top level (tf.conv, the V2 backprops,
tf.extract_volume_patches), on the kernels of fasttape/ops/conv.py, so they are
differentiable to any order like the tf.nn convolutions.

* conv: an N-D convolution (N = 2, 3) with any number of leading batch dimensions,
  attributes in the raw op's form (strides and dilations of length N + 2, "EXPLICIT"
  padding with a flat `explicit_paddings`).
* conv2d_backprop_input_v2 / conv2d_backprop_filter_v2: conv2d's two gradients, the
  input's (or filter's) shape taken from a tensor of that shape.
* extract_volume_patches: a convolution with one-hot filters, one output channel per
  (kernel offset, input channel), offsets outermost.
"""

import numpy as np

from fasttape import errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike, apply
from fasttape.ops import conv as _c
from fasttape.ops import shape
from fasttape.ops._registry import export


def _attr_list(value, n, what, op):
    """A raw op's list attribute: a list of exactly `n` ints."""
    if isinstance(value, _TensorLike):
        value = np.asarray(value).tolist()
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"Expected list for '{what}' argument to '{op}' Op, not {value!r}.")
    values = [int(v) for v in value]
    if len(values) != n:
        raise errors.InvalidArgumentError(
            f"{what} field must specify {n} dimensions; got {values} [Op:{op}]")
    return values


def _spatial(values, channels_first, what, op):
    """The spatial entries of an N + 2 list; batch and channel entries must be 1."""
    outer = values[:2] if channels_first else [values[0], values[-1]]
    if outer != [1, 1]:
        raise errors.InvalidArgumentError(
            f"Current implementation does not support {what} in the batch and depth "
            f"dimensions. [Op:{op}]")
    inner = values[2:] if channels_first else values[1:-1]
    if any(v < 1 for v in inner):
        raise errors.InvalidArgumentError(f"{what} must be positive, got {values} [Op:{op}]")
    return tuple(inner)


def _raw_padding(padding, explicit_paddings, nd, channels_first, spatial, kernel, strides,
                 dilations, op):
    """Spatial (before, after) pads from a raw op's padding attributes."""
    if isinstance(padding, bytes):
        padding = padding.decode()
    explicit = list(np.ravel(np.asarray(explicit_paddings, dtype=np.int64)))
    if padding not in ("SAME", "VALID", "EXPLICIT"):
        raise errors.InvalidArgumentError(
            f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed values: "
            f"\"SAME\", \"VALID\", \"EXPLICIT\" [Op:{op}]")
    if padding != "EXPLICIT":
        if explicit:
            raise errors.InvalidArgumentError(
                f"explicit_paddings attribute must be empty if the padding attribute is not "
                f"EXPLICIT [Op:{op}]")
        return _c._pads(padding, spatial, kernel, strides, dilations, channels_first, op)
    if len(explicit) != 2 * (nd + 2):
        raise errors.InvalidArgumentError(
            f"explicit_paddings attribute must contain {2 * (nd + 2)} values, but got: "
            f"{len(explicit)} [Op:{op}]")
    pairs = [explicit[i:i + 2] for i in range(0, len(explicit), 2)]
    outer = pairs[:2] if channels_first else [pairs[0], pairs[-1]]
    if any(v != 0 for p in outer for v in p) or any(v < 0 for v in explicit):
        raise errors.InvalidArgumentError(
            f"explicit_paddings must be nonnegative and zero in the batch and depth "
            f"dimensions, got {explicit} [Op:{op}]")
    inner = pairs[2:] if channels_first else pairs[1:-1]
    return tuple((int(lo), int(hi)) for lo, hi in inner)


_CONV_FORMATS = {"CHANNELS_LAST": False, "CHANNELS_FIRST": True}


@export("")
def conv(input, filter, strides, padding, explicit_paddings=[],  # noqa: A002,B006
         data_format="CHANNELS_LAST", dilations=[], batch_dims=1, groups=1,  # noqa: B006
         name=None):
    """An N-D convolution (N = 2 or 3, from the filter's rank) of `input` with
    `batch_dims` leading batch dimensions, N spatial ones and channels.

    `strides` and `dilations` ([] for all ones) list N + 2 ints in `data_format` order
    ("CHANNELS_LAST" or "CHANNELS_FIRST"), ones for batch and channels. `padding` is
    "SAME", "VALID" or "EXPLICIT" with `explicit_paddings` the flat 2 * (N + 2) pads.
    The filter is [*kernel, in_channels / groups, out_channels].

    Raises:
        InvalidArgumentError: bad ranks, attribute lengths, padding, dtypes, or channel
            counts that the filter and `groups` do not match.
    """
    op = "Conv"
    x, filters = _c._float_pair(input, filter, op)
    fmt = data_format.decode() if isinstance(data_format, bytes) else data_format
    if fmt not in _CONV_FORMATS:
        raise errors.InvalidArgumentError(
            f"Value for attr 'data_format' of \"{fmt}\" is not in the list of allowed values: "
            f"\"CHANNELS_FIRST\", \"CHANNELS_LAST\" [Op:{op}]")
    first = _CONV_FORMATS[fmt]
    nd = len(filters.shape) - 2
    batch_dims = int(batch_dims)
    if batch_dims < 1:
        raise errors.InvalidArgumentError(f"batch_dims must be at least 1, got {batch_dims} "
                                          f"[Op:{op}]")
    if len(x.shape) != batch_dims + nd + 1:
        raise errors.InvalidArgumentError(
            f"input must be {batch_dims + nd + 1}-dimensional (batch_dims {batch_dims}, a "
            f"rank {nd + 2} filter): {x.shape.as_list()} [Op:{op}]")
    if nd not in (2, 3):
        raise errors.InvalidArgumentError(
            f"The input must have 2 or 3 spatial dimensions but got {nd} [Op:{op}]")
    stride = _spatial(_attr_list(strides, nd + 2, "Sliding window strides", op), first,
                      "strides", op)
    dilation = _spatial(_attr_list(dilations or [1] * (nd + 2), nd + 2, "Dilation rates", op),
                        first, "dilations", op)
    dims = x.shape.as_list()
    lead = dims[:batch_dims]
    # the leading batch dimensions folded into one (and, channels first, channels last)
    x = shape.reshape(x, [-1] + dims[batch_dims:]) if batch_dims > 1 else x
    x = _c._to_last(x, first)
    fshape = filters.shape.as_list()
    channels, groups = x.shape.as_list()[-1], int(groups)
    if groups < 1 or channels != fshape[-2] * groups or fshape[-1] % groups:
        raise errors.InvalidArgumentError(
            f"Input depth must be equal to filter depth times groups: {channels} vs "
            f"{fshape[-2]} x {groups} (and out channels {fshape[-1]} divisible by groups) "
            f"[Op:{op}]")
    pads = _raw_padding(padding, explicit_paddings, nd, first, x.shape.as_list()[1:-1],
                        fshape[:-2], stride, dilation, op)
    y = _c._to_first(apply(_c._conv.op, (x, filters), (stride, dilation, pads, groups)), first)
    return shape.reshape(y, lead + y.shape.as_list()[1:]) if batch_dims > 1 else y


def _backprop_attrs(sizes, kernel, strides, padding, explicit_paddings, data_format,
                    dilations, op):
    """(channels_first, strides, dilations, pads) of a conv2d backprop op."""
    first = _c._channels_first(data_format, 2)
    stride = _spatial(_attr_list(strides, 4, "strides", op), first, "strides", op)
    dilation = _spatial(_attr_list(dilations, 4, "dilations", op), first, "dilations", op)
    spatial = sizes[2:] if first else sizes[1:-1]
    pads = _raw_padding(padding, explicit_paddings, 2, first, spatial, kernel, stride,
                        dilation, op)
    return first, stride, dilation, pads


def _check_out_size(sizes, kernel, dy, strides, dilations, pads, op):
    expected = list(_c._out_sizes(sizes[1:-1], kernel, strides, dilations, pads))
    actual = dy.shape.as_list()[1:-1]
    if expected != actual or dy.shape.as_list()[0] != sizes[0]:
        raise errors.InvalidArgumentError(
            f"Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: "
            f"actual = {actual}, computed = {expected} [Op:{op}]")


@export("")
def conv2d_backprop_input_v2(input, filter, out_backprop, strides, padding,  # noqa: A002
                             use_cudnn_on_gpu=True, explicit_paddings=[],  # noqa: B006
                             data_format="NHWC", dilations=[1, 1, 1, 1],  # noqa: B006
                             name=None):
    """conv2d's gradient with respect to its input, of `input`'s shape (only the shape
    of `input` is read): the transposed convolution of `out_backprop` by `filter`."""
    op = "Conv2DBackpropInputV2"
    dy, filters = _c._float_pair(out_backprop, filter, op)
    x = convert_to_tensor(input)
    _c._check_ranks(x, filters, 2, op, "filter")
    sizes = x.shape.as_list()
    kernel = filters.shape.as_list()[:2]
    first, stride, dilation, pads = _backprop_attrs(
        sizes, kernel, strides, padding, explicit_paddings, data_format, dilations, op)
    if first:
        sizes = [sizes[0]] + sizes[2:] + [sizes[1]]
    dy = _c._to_last(dy, first)
    if filters.shape.as_list()[2] != sizes[-1] or filters.shape.as_list()[3] != dy.shape[-1]:
        raise errors.InvalidArgumentError(
            f"filter {filters.shape.as_list()} does not map input depth {sizes[-1]} to "
            f"out_backprop depth {dy.shape[-1]} [Op:{op}]")
    _check_out_size(sizes, kernel, dy, stride, dilation, pads, op)
    y = apply(_c._conv_input_grad.op, (dy, filters), (tuple(sizes), stride, dilation, pads, 1))
    return _c._to_first(y, first)


@export("")
def conv2d_backprop_filter_v2(input, filter, out_backprop, strides, padding,  # noqa: A002
                              use_cudnn_on_gpu=True, explicit_paddings=[],  # noqa: B006
                              data_format="NHWC", dilations=[1, 1, 1, 1],  # noqa: B006
                              name=None):
    """conv2d's gradient with respect to its filter, of `filter`'s shape (only the
    shape of `filter` is read), for `input` and output cotangent `out_backprop`."""
    op = "Conv2DBackpropFilterV2"
    x, dy = _c._float_pair(input, out_backprop, op)
    filters = convert_to_tensor(filter)
    _c._check_ranks(x, filters, 2, op, "filter")
    fshape = filters.shape.as_list()
    first, stride, dilation, pads = _backprop_attrs(
        x.shape.as_list(), fshape[:2], strides, padding, explicit_paddings, data_format,
        dilations, op)
    x, dy = _c._to_last(x, first), _c._to_last(dy, first)
    sizes = x.shape.as_list()
    if fshape[2] != sizes[-1] or fshape[3] != dy.shape[-1]:
        raise errors.InvalidArgumentError(
            f"filter {fshape} does not map input depth {sizes[-1]} to out_backprop depth "
            f"{dy.shape[-1]} [Op:{op}]")
    _check_out_size(sizes, fshape[:2], dy, stride, dilation, pads, op)
    return apply(_c._conv_filter_grad.op, (x, dy), (tuple(fshape), stride, dilation, pads, 1))


_PATCH_TYPES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32",
                "int64", "uint8", "uint16", "uint32", "uint64")


def _patch_sizes(value, what, op):
    values = _attr_list(value, 5, what, op) if isinstance(value, (list, tuple)) else None
    if values is None:
        raise TypeError(f"Expected list for '{what}' argument to '{op}' Op, not {value!r}.")
    if values[0] != 1 or values[-1] != 1:
        raise errors.UnimplementedError(f"Only support {what} across space. [Op:{op}]")
    if any(v < 1 for v in values):
        raise errors.InvalidArgumentError(f"{what} must be positive, got {values} [Op:{op}]")
    return tuple(values[1:-1])


@export("")
def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """[batch, planes, rows, cols, kd * kh * kw * depth] patches of a 5-D `input`,
    each output position holding its `ksizes` window (offsets outermost, channels
    innermost); `ksizes` and `strides` list 5 ints, ones for batch and channels, and
    `padding` is "SAME" or "VALID" (zeros outside the input)."""
    op = "ExtractVolumePatches"
    x = convert_to_tensor(input)
    if x.dtype.name not in _PATCH_TYPES:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values "
            f"(real numbers) [Op:{op}]")
    kernel = _patch_sizes(ksizes, "ksizes", op)
    stride = _patch_sizes(strides, "strides", op)
    if padding not in ("SAME", "VALID"):
        raise errors.InvalidArgumentError(
            f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed values: "
            f"\"SAME\", \"VALID\" [Op:{op}]")
    if len(x.shape) != 5:
        raise errors.InvalidArgumentError(
            f"input must be 5-dimensional{x.shape.as_list()} [Op:{op}]")
    channels = x.shape.as_list()[-1]
    taps = int(np.prod(kernel))
    # one-hot filters: output channel (offset t, channel c) = t * channels + c
    eye = np.eye(taps * channels, dtype=x.dtype.as_numpy_dtype)
    onehot = convert_to_tensor(eye.reshape(kernel + (channels, taps * channels)))
    pads = _c._pads(padding, x.shape.as_list()[1:-1], kernel, stride, (1, 1, 1), False, op)
    return apply(_c._conv.op, (x, onehot), (stride, (1, 1, 1), pads, 1))
