"""Gradcheck cases for fasttape/ops/creation.py: the differentiable creation ops.

(The random distributions' gradients with respect to their parameters are checked in
test_creation.py, where the draws can be held fixed.)
"""

import fasttape as tf
from tests.ops.gradcheck import Case

CASES = [
    Case("_fill", lambda v: tf.fill([2, 3], v), shapes=[()]),
    Case("_fill", lambda v: tf.fill([2], v) * tf.constant([1.0, 2.0], dtype=tf.float64),
         shapes=[(1,)], name="fill_legacy_scalar"),
    Case("_linspace", lambda a, b: tf.linspace(a, b, 5), n_in=2),
    Case("_linspace", lambda a, b: tf.linspace(a, b, 4, axis=-1), shapes=[(2, 1), (3,)],
         name="linspace_axis"),
    Case("_linspace", lambda a, b: tf.linspace(a, b, 1), n_in=2, name="linspace_one"),
]
