"""Gradcheck cases for fasttape/ops/segment.py."""

import fasttape as tf
from tests.ops.gradcheck import NONZERO, Case

IDS = tf.constant([0, 0, 2, 2, 2])
UIDS = tf.constant([2, 0, -1, 2, 0])


def _sorted(fn):
    return lambda x: fn(x, IDS)


def _unsorted(fn):
    return lambda x: fn(x, UIDS, 4)


CASES = [
    Case("_segment_sum", _sorted(tf.math.segment_sum), shapes=[(5, 2)], name="segment_sum"),
    Case("_segment_sum", _sorted(tf.math.segment_mean), shapes=[(5,)], name="segment_mean"),
    Case("_segment_reduce", _sorted(tf.math.segment_max), shapes=[(5, 2)], separation=0.1,
         order=1, name="segment_max"),
    Case("_segment_reduce", _sorted(tf.math.segment_min), shapes=[(5,)], separation=0.1,
         order=1, name="segment_min"),
    Case("_segment_reduce", _sorted(tf.math.segment_prod), shapes=[(5, 2)], domain=NONZERO,
         name="segment_prod"),
    Case("_segment_sum", _unsorted(tf.math.unsorted_segment_sum), shapes=[(5, 3)],
         name="unsorted_segment_sum"),
    Case("_segment_sum", _unsorted(tf.math.unsorted_segment_mean), shapes=[(5,)],
         name="unsorted_segment_mean"),
    Case("_segment_sum", _unsorted(tf.math.unsorted_segment_sqrt_n), shapes=[(5, 2)],
         name="unsorted_segment_sqrt_n"),
    Case("_segment_reduce", _unsorted(tf.math.unsorted_segment_max), shapes=[(5,)],
         separation=0.1, order=1, name="unsorted_segment_max"),
    Case("_segment_reduce", _unsorted(tf.math.unsorted_segment_min), shapes=[(5, 2)],
         separation=0.1, order=1, name="unsorted_segment_min"),
    Case("_segment_reduce", _unsorted(tf.math.unsorted_segment_prod), shapes=[(5,)],
         domain=NONZERO, name="unsorted_segment_prod"),
    Case("_segment_reduce", lambda x: tf.math.unsorted_segment_prod(
        x, tf.constant([[0, 1], [1, 1]]), 2), shapes=[(2, 2, 3)], domain=NONZERO,
        name="unsorted_segment_prod_2d_ids"),
]
