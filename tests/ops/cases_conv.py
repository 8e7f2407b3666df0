"""Gradcheck cases for fasttape/ops/conv.py (the forward and both backprop ops)."""

import fasttape as tf
from fasttape import _engine
from fasttape.ops import conv
from tests.ops.gradcheck import Case

# NHWC [1, 4, 3, 2] input, [2, 2, 2, 3] filters, strides 2x1, SAME padding
_ATTRS = ((2, 1), (1, 1), ((0, 0), (0, 1)), 1)


def _conv_input_grad(dy, w):
    return _engine.apply(conv._conv_input_grad.op, (dy, w), ((1, 4, 3, 2),) + _ATTRS)


def _conv_filter_grad(x, dy):
    return _engine.apply(conv._conv_filter_grad.op, (x, dy), ((2, 2, 2, 3),) + _ATTRS)


CASES = [
    Case("_conv", lambda x, w: tf.nn.conv2d(x, w, [2, 1], "SAME"),
         shapes=[(1, 4, 3, 2), (2, 2, 2, 3)], name="conv2d_same_strided"),
    Case("_conv", lambda x, w: tf.nn.conv2d(x, w, 1, "VALID", dilations=2),
         shapes=[(2, 5, 5, 1), (2, 2, 1, 2)], name="conv2d_dilated"),
    Case("_conv", lambda x, w: tf.nn.conv2d(x, w, 1, [[0, 0], [1, 0], [0, 2], [0, 0]]),
         shapes=[(1, 3, 3, 4), (2, 2, 2, 2)], name="conv2d_grouped_explicit"),
    Case("_conv", lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME",
                                                      data_format="NCHW"),
         shapes=[(1, 2, 3, 3), (2, 2, 2, 2)], name="depthwise_conv2d_nchw"),
    Case("_conv", lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"),
         shapes=[(2, 5, 2), (3, 2, 2)], name="conv1d"),
    Case("_conv", lambda x, w: tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "VALID"),
         shapes=[(1, 2, 3, 2, 1), (2, 2, 1, 1, 2)], name="conv3d"),
    Case("_conv_input_grad", lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 5, 4, 2], 2),
         shapes=[(1, 3, 2, 3), (3, 2, 2, 3)], name="conv2d_transpose"),
    Case("_conv_input_grad", _conv_input_grad, shapes=[(1, 2, 3, 3), (2, 2, 2, 3)],
         name="conv_input_grad"),
    Case("_conv_filter_grad", _conv_filter_grad, shapes=[(1, 4, 3, 2), (1, 2, 3, 3)],
         name="conv_filter_grad"),
    Case("_conv_filter_grad",
         lambda x, dy: tf.nn.depthwise_conv2d_backprop_filter(x, [2, 2, 2, 1], dy,
                                                              [1, 1, 1, 1], "VALID"),
         shapes=[(1, 3, 3, 2), (1, 2, 2, 2)], name="depthwise_backprop_filter"),
]
