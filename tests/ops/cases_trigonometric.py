"""Gradcheck cases for fasttape/ops/trigonometric.py."""

import fasttape as tf
from tests.ops.gradcheck import NONZERO, UNIT_OPEN, Case

CASES = [
    Case("asin", tf.math.asin, domain=UNIT_OPEN),
    Case("acos", tf.math.acos, domain=UNIT_OPEN),
    Case("atan", tf.math.atan),
    Case("sinh", tf.math.sinh),
    Case("cosh", tf.math.cosh),
    Case("asinh", tf.math.asinh),
    Case("acosh", tf.math.acosh, domain=(1.2, 3.0)),
    Case("atanh", tf.math.atanh, domain=UNIT_OPEN),
    Case("atan2", tf.math.atan2, n_in=2, domain=NONZERO),
]
