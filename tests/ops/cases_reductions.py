"""Gradcheck cases for fasttape/ops/reductions.py.

max/min are piecewise: `separation` keeps inputs apart so no tie is crossed, and an
exp inside makes their second derivative nontrivial. reduce_std/reduce_variance are
compositions (their nodes are _mean and friends) but get cases of their own.
"""

import numpy as np

import fasttape as tf
from fasttape.ops import reductions
from tests.ops.gradcheck import Case

CASES = [
    Case("_sum", tf.reduce_sum),
    Case("_sum", lambda x: tf.reduce_sum(x, axis=1, keepdims=True), shapes=[(2, 3, 4)],
         name="reduce_sum_axis_keepdims"),
    Case("_sum", lambda x: tf.reduce_sum(x * x, axis=[0, -1]), shapes=[(2, 3, 4)],
         name="reduce_sum_axes"),
    Case("_mean", tf.reduce_mean),
    Case("_mean", lambda x: tf.reduce_mean(x * x, axis=-2), shapes=[(2, 3, 4)],
         name="reduce_mean_axis"),
    Case("_max", lambda x: tf.reduce_max(tf.exp(x)), separation=0.05),
    Case("_max", lambda x: tf.reduce_max(tf.exp(x), axis=-1, keepdims=True),
         shapes=[(3, 4)], separation=0.05, name="reduce_max_axis_keepdims"),
    Case("_max", lambda x: tf.reduce_max(tf.exp(x), axis=[0, 2]), shapes=[(2, 3, 2)],
         separation=0.05, name="reduce_max_axes"),
    Case("_min", lambda x: tf.reduce_min(tf.exp(x)), separation=0.05),
    Case("_min", lambda x: tf.reduce_min(tf.exp(x), axis=0), shapes=[(3, 4)],
         separation=0.05, name="reduce_min_axis"),
    Case("_prod", tf.reduce_prod),
    Case("_prod", lambda x: tf.reduce_prod(x, axis=1, keepdims=True), shapes=[(3, 5)],
         name="reduce_prod_axis"),
    Case("_prod", lambda x: tf.reduce_prod(x, axis=[0, 2]), shapes=[(2, 3, 3)],
         name="reduce_prod_axes"),
    Case("_prod", lambda x: tf.reduce_prod(x, axis=[]), shapes=[(2, 3)],
         name="reduce_prod_no_axes"),
    Case("_shift", lambda x: reductions._shift(x, 1, 2, 1.0), shapes=[(2, 5)]),
    Case("_shift", lambda x: reductions._shift(x, 0, -1, 1.0), shapes=[(3, 2)],
         name="shift_back"),
    Case("_logsumexp", tf.reduce_logsumexp),
    Case("_logsumexp", lambda x: tf.reduce_logsumexp(x, axis=1, keepdims=True),
         shapes=[(3, 4)], name="reduce_logsumexp_axis_keepdims"),
    Case("_logsumexp", lambda x: tf.reduce_logsumexp(x, axis=[0, 2]), shapes=[(2, 3, 2)],
         name="reduce_logsumexp_axes"),
    Case("_mean", lambda x: tf.math.reduce_variance(x, axis=1), shapes=[(3, 4)],
         name="reduce_variance"),
    Case("_mean", lambda x: tf.math.reduce_std(x, axis=[0, 1], keepdims=True),
         shapes=[(2, 3)], name="reduce_std"),
]


def _mean_gradient_weighted_by(x):
    """The gradient of reduce_mean(c, axis=1) with x as its upstream: _unreduce_op of x."""
    c = tf.constant(np.ones((3, 4)))
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = tf.reduce_mean(c, axis=1)
    return tape.gradient(y, c, output_gradients=x)


CASES.append(Case("_unreduce_op", _mean_gradient_weighted_by, shapes=[(3,)],
                  name="unreduce"))


def _max_gradient_weighted_by(x):
    """The gradient of reduce_max(c, axis=1) (with a tie) with x as its upstream."""
    c = tf.constant(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]]))
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = tf.reduce_max(c, axis=1)
    return tape.gradient(y, c, output_gradients=x)


CASES.append(Case("_extreme_grad", _max_gradient_weighted_by, shapes=[(2,)],
                  name="max_gradient"))
