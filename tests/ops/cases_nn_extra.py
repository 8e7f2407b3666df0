"""Gradcheck cases for fasttape/ops/nn_extra.py."""

import fasttape as tf
from tests.ops.gradcheck import Case

CASES = [
    Case("_block_mean", lambda x: tf.nn.isotonic_regression(x * x)[0], shapes=[(3, 5)],
         name="isotonic_regression"),
    Case("_block_mean", lambda x: tf.nn.isotonic_regression(x, decreasing=False, axis=0)[0],
         shapes=[(6, 2)], name="isotonic_regression_increasing_axis0", order=2),
]
