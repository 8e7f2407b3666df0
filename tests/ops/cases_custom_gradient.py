"""Gradcheck cases for fasttape/custom_gradient.py (the `_custom` op)."""

import fasttape as tf
from tests.ops.gradcheck import Case


@tf.custom_gradient
def _sin_times_x(x):
    s = tf.sin(x)
    return s * x, lambda g: g * (tf.cos(x) * x + s)


@tf.custom_gradient
def _product_and_sum(x, y):
    return (x * y, x + y), lambda da, db: (da * y + db, da * x + db)


CASES = [
    Case("_custom", _sin_times_x, name="custom_gradient"),
    Case("_custom", lambda x, y: sum(_product_and_sum(x, y)), shapes=[(3,), (3,)],
         name="custom_gradient_two_outputs"),
]
