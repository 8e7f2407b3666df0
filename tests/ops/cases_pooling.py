"""Gradcheck cases for fasttape/ops/pooling.py."""

import fasttape as tf
from fasttape import _engine
from fasttape.ops import pooling
from tests.ops.gradcheck import Case

# max pooling is piecewise linear: order 1 for the pool, and its gradient ops are linear
# in their first input (checked at order 2 with x held fixed, see the lambdas)
_ATTRS = ((2, 2), (2, 1), ((0, 1), (0, 1)))
_X = tf.constant([[[[0.3], [-1.2], [0.8]], [[1.7], [0.1], [-0.4]], [[-0.9], [1.1], [0.5]]]],
                 dtype=tf.float64)


def _max_grad(dy):
    return _engine.apply(pooling._max_pool_grad.op, (dy, _X), _ATTRS)


def _max_grad_grad(h):
    return _engine.apply(pooling._max_pool_grad_grad.op, (h, _X), _ATTRS)


def _avg_grad(dy):
    return _engine.apply(pooling._avg_pool_grad.op, (dy,), ((1, 3, 3, 1),) + _ATTRS)


CASES = [
    Case("_max_pool", lambda x: tf.nn.max_pool2d(x, 2, 1, "SAME"), shapes=[(1, 3, 3, 2)],
         order=1, separation=0.05, name="max_pool2d"),
    Case("_max_pool", lambda x: tf.nn.max_pool1d(x, 3, 2, "VALID"), shapes=[(2, 5, 1)],
         order=1, separation=0.05, name="max_pool1d"),
    Case("_max_pool_grad", _max_grad, shapes=[(1, 2, 3, 1)], name="max_pool_grad"),
    Case("_max_pool_grad_grad", _max_grad_grad, shapes=[(1, 3, 3, 1)],
         name="max_pool_grad_grad"),
    Case("_avg_pool", lambda x: tf.nn.avg_pool2d(x, [2, 3], [1, 2], "SAME"),
         shapes=[(2, 3, 4, 2)], name="avg_pool2d_same"),
    Case("_avg_pool", lambda x: tf.nn.avg_pool(x, 2, 2, "VALID", data_format="NCDHW"),
         shapes=[(1, 1, 2, 4, 2)], name="avg_pool3d_ncdhw"),
    Case("_avg_pool_grad", _avg_grad, shapes=[(1, 2, 3, 1)], name="avg_pool_grad"),
]

# morphology: the dilation is piecewise linear (order 1); its scatter and pick ops are
# linear in their first input, with x and the filter held fixed
_F = tf.constant([[[0.2], [-0.5]], [[0.7], [0.1]]], dtype=tf.float64)
_F2 = tf.constant([[[0.113, -0.271], [0.389, 0.047]], [[-0.533, 0.291], [0.061, -0.173]]],
                  dtype=tf.float64)
_MORPH = ((1, 1), (1, 1), ((0, 1), (0, 1)))


def _scatter(to):
    def fn(dy):
        return _engine.apply(pooling._dilation_scatter.op, (dy, _X, _F), _MORPH + (to,))
    return fn


def _pick(to):
    def fn(h):
        return _engine.apply(pooling._dilation_pick.op, (h, _X, _F), _MORPH + (to,))
    return fn


CASES += [
    # one argument drawn, the other fixed at irregular values: sums of two evenly
    # spread draws would tie
    Case("_dilation", lambda x: tf.nn.dilation2d(x, _F2, [1, 1, 1, 1], "SAME", "NHWC",
                                                 [1, 1, 1, 1]),
         shapes=[(1, 3, 3, 2)], order=1, separation=0.05, name="dilation2d_input"),
    Case("_dilation", lambda f: tf.nn.dilation2d(_X, f, [1, 1, 1, 1], "SAME", "NHWC",
                                                 [1, 1, 1, 1]),
         shapes=[(2, 2, 1)], order=1, separation=0.05, name="dilation2d_filter"),
    Case("_dilation", lambda x: tf.nn.erosion2d(x, _F2[:, :, :1], [1, 2, 1, 1], "VALID", "NHWC",
                                                [1, 1, 2, 1]),
         shapes=[(1, 4, 4, 1)], order=1, separation=0.05, name="erosion2d"),
    Case("_dilation_scatter", _scatter("input"), shapes=[(1, 3, 3, 1)],
         name="dilation_scatter_input"),
    Case("_dilation_scatter", _scatter("filter"), shapes=[(1, 3, 3, 1)],
         name="dilation_scatter_filter"),
    Case("_dilation_pick", _pick("input"), shapes=[(1, 3, 3, 1)], name="dilation_pick_input"),
    Case("_dilation_pick", _pick("filter"), shapes=[(2, 2, 1)], name="dilation_pick_filter"),
]
