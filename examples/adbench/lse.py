"""Log-sum-exp of a vector, written stably, and its gradient.

    lse(x) = m + log(sum_i exp(x_i - m)),  m = max_i x_i
    d lse / d x = softmax(x)

``objective`` is the hand-written stable form (it differentiates through
``reduce_max``: the max's contributions cancel exactly in exact arithmetic);
``objective_builtin`` is the same value via ``tf.reduce_logsumexp``.
"""

import numpy as np

import fasttape as tf


def make_inputs(n=10000, seed=0, offset=800.0):
    """Deterministic input; the default offset makes a naive exp overflow."""
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal(n) * 3.0 + np.float64(offset)}


def objective(x):
    x = tf.convert_to_tensor(x, dtype=tf.float64)
    m = tf.reduce_max(x)
    return m + tf.math.log(tf.reduce_sum(tf.exp(x - m)))


def objective_builtin(x):
    return tf.reduce_logsumexp(tf.convert_to_tensor(x, dtype=tf.float64))


def gradient(x):
    """Return ``(value, d_x)`` via ``tf.GradientTape`` (watching a constant)."""
    x = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = objective(x)
    return value, tape.gradient(value, x)


if __name__ == "__main__":
    inputs = make_inputs(n=10000, seed=0)
    value, grad = gradient(**inputs)
    print("lse n=10000: value = %.15g  |grad| = %.12g  sum(grad) = %.15g" % (
        float(value.numpy()), float(np.sqrt(np.sum(np.square(grad.numpy())))),
        float(np.sum(grad.numpy()))))
