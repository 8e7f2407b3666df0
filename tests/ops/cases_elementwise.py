"""Gradcheck cases for fasttape/ops/elementwise.py."""

import fasttape as tf
from tests.ops.gradcheck import NONZERO, POSITIVE, REALS, UNIT_OPEN, Case

CASES = [
    Case("add", lambda x, y: x + y, n_in=2),
    Case("subtract", lambda x, y: tf.subtract(x, y), n_in=2),
    Case("multiply", lambda x, y: x * y, n_in=2),
    Case("truediv", lambda x, y: x / y, n_in=2, domain=[REALS, NONZERO]),
    Case("floormod", lambda x, y: tf.math.floormod(x, y), n_in=2, domain=[POSITIVE, (2.5, 3.0)],
         order=1),
    Case("pow", lambda x, y: tf.pow(x, y), n_in=2, domain=[POSITIVE, REALS]),
    Case("pow", lambda x: x ** 3, name="pow_int_exponent"),
    Case("negative", lambda x: -x),
    Case("square", tf.square),
    Case("sqrt", tf.sqrt, domain=POSITIVE),
    Case("rsqrt", tf.math.rsqrt, domain=POSITIVE),
    Case("reciprocal", tf.math.reciprocal, domain=NONZERO),
    Case("exp", tf.exp),
    Case("expm1", tf.math.expm1),
    Case("log", tf.math.log, domain=POSITIVE),
    Case("log1p", tf.math.log1p, domain=UNIT_OPEN),
    Case("sin", tf.sin),
    Case("cos", tf.cos),
    Case("tan", tf.tan, domain=(-1.2, 1.2)),
    Case("tanh", tf.tanh),
    Case("sigmoid", tf.sigmoid),
    Case("abs", tf.abs, domain=NONZERO, order=1),
    Case("sign", lambda x: tf.sign(x) * x, domain=NONZERO, order=1),
    Case("maximum", tf.maximum, n_in=2, separation=0.05, order=1),
    Case("minimum", tf.minimum, n_in=2, separation=0.05, order=1),
    Case("_clip", lambda x: tf.clip_by_value(x, -0.537, 0.719), separation=0.05, order=1,
         name="clip_by_value"),
    Case("_clip", lambda x, lo, hi: tf.clip_by_value(x, lo, hi), shapes=[(4,), (4,), (4,)],
         domain=[REALS, (-3.0, -2.5), (2.5, 3.0)], order=1, name="clip_by_value_bounds"),
    Case("relu", tf.nn.relu, domain=NONZERO, order=1),
    Case("identity", tf.identity),
    # float32 rounding: a linear function and a large step keep the difference exact
    Case("_cast", lambda x: tf.cast(tf.cast(x, tf.float32), tf.float64), eps=1e-2, rtol=1e-4,
         order=1, name="cast"),
    Case("_select", lambda x, y: tf.where(x > y, x * y, x - y), n_in=2, separation=0.05,
         name="where"),
]

# relu's rule is the _relu_grad op; differentiating a relu gradient exercises it
CASES.append(Case("_relu_grad", lambda x, g: tf.nn.relu(x) * g, shapes=[(5,), (5,)],
                  domain=[NONZERO, REALS], name="relu_grad"))
