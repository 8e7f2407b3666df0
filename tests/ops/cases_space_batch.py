"""Gradcheck cases for fasttape/ops/space_batch.py and fasttape/ops/conv_extra.py
(compositions of recorded ops: each case names the op carrying the data)."""

import fasttape as tf
from tests.ops.gradcheck import Case


def _dilated_square(x, num_spatial_dims, padding):
    # a nonlinear op, so the second-order check sees the rearrangement twice
    return tf.nn.avg_pool(x * x, 2, 1, padding)


CASES = [
    Case("_transpose", lambda x: tf.batch_to_space(x, [2, 3], [[0, 1], [2, 1]]),
         shapes=[(12, 2, 3, 2)], name="batch_to_space"),
    Case("_transpose", lambda x: tf.batch_to_space(x, 2, [[0, 0], [0, 0]]),
         shapes=[(4, 2, 1, 3)], name="batch_to_space_int_block"),
    Case("_transpose", lambda x: tf.space_to_batch_nd(x, [2], [[1, 2]]),
         shapes=[(2, 3, 2)], name="space_to_batch_nd"),
    Case("_transpose",
         lambda x: tf.nn.with_space_to_batch(x, [2, 2], "SAME", _dilated_square,
                                             filter_shape=[2, 2]),
         shapes=[(1, 5, 4, 2)], name="with_space_to_batch_same"),
    Case("_transpose",
         lambda x: tf.nn.with_space_to_batch(x, [3], "VALID", _dilated_square,
                                             spatial_dims=[2], data_format="NCHW"),
         shapes=[(1, 2, 7, 1)], name="with_space_to_batch_spatial_dims"),
    Case("_conv", lambda x, w: tf.conv(x, w, [1, 2, 1, 1], "SAME"),
         shapes=[(1, 4, 3, 2), (2, 2, 2, 3)], name="raw_conv_same"),
    Case("_conv", lambda x, w: tf.conv(x, w, [1, 1, 1, 1, 1], "EXPLICIT",
                                       explicit_paddings=[0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
                                       dilations=[1, 1, 2, 1, 1], batch_dims=2),
         shapes=[(1, 2, 2, 3, 3, 1), (1, 2, 2, 1, 2)], name="raw_conv_batch_dims"),
    Case("_conv", lambda x, w: tf.conv(x, w, [1, 1, 1, 1], "VALID", groups=2,
                                       data_format="CHANNELS_FIRST"),
         shapes=[(1, 4, 3, 3), (2, 2, 2, 4)], name="raw_conv_grouped_channels_first"),
    Case("_conv_input_grad",
         lambda dy, w: tf.conv2d_backprop_input_v2(tf.zeros([1, 4, 3, 2], tf.float64), w, dy,
                                                   [1, 2, 1, 1], "SAME"),
         shapes=[(1, 2, 3, 3), (2, 2, 2, 3)], name="conv2d_backprop_input_v2"),
    Case("_conv_filter_grad",
         lambda x, dy: tf.conv2d_backprop_filter_v2(x, tf.zeros([2, 2, 2, 3], tf.float64), dy,
                                                    [1, 1, 1, 1], "EXPLICIT",
                                                    explicit_paddings=[0, 0, 1, 0, 0, 1, 0, 0]),
         shapes=[(1, 3, 3, 2), (1, 3, 3, 3)], name="conv2d_backprop_filter_v2"),
    Case("_conv",
         lambda x: tf.extract_volume_patches(x * x, [1, 2, 1, 2, 1], [1, 1, 2, 1, 1], "SAME"),
         shapes=[(1, 2, 3, 3, 2)], name="extract_volume_patches"),
]
