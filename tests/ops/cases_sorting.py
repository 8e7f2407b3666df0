"""Gradcheck cases for fasttape/ops/sorting.py (values of sort and top_k)."""

import fasttape as tf
from tests.ops.gradcheck import Case

CASES = [
    Case("_take_along", tf.sort, shapes=[(5,)], separation=0.1, order=2, name="sort"),
    Case("_take_along", lambda x: tf.sort(x, axis=0, direction="DESCENDING"), shapes=[(3, 2)],
         separation=0.1, name="sort_descending_axis0"),
    Case("_take_along", lambda x: tf.math.top_k(x, 2).values, shapes=[(2, 4)],
         separation=0.1, name="top_k"),
    # the gradient of the sort's gradient: a scatter, whose own gradient gathers again
    Case("_put_along", lambda x: _sort_grad(x), shapes=[(4,)], separation=0.1,
         name="sort_gradient"),
]


def _sort_grad(x):
    """d/dx <sort(x), w> * x, which records the scatter (_put_along) on the tape."""
    w = tf.constant([1.0, -2.0, 3.0, 0.5], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sort(x) * w * x)
    return tape.gradient(y, x)
