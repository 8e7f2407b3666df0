"""Gradcheck cases for fasttape/ops/numerics.py."""

import fasttape as tf
from tests.ops.gradcheck import Case

CASES = [
    Case("_check_numerics", lambda x: tf.debugging.check_numerics(x * x, "x"), n_in=1),
    Case("_check_numerics", lambda x: tf.debugging.assert_all_finite(x, "x") ** 3,
         shapes=[(2, 3)], name="assert_all_finite"),
]
