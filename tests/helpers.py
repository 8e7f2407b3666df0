"""Helpers shared by the op tests: nested-tape derivatives and jacobian checks."""

import numpy as np

import fasttape as tf


def grad_and_second(f, x):
    """(d/dx f, d/dx sum(d/dx f)) with nested tapes; for elementwise f the second is the
    diagonal of the Hessian."""
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return g, outer.gradient(g, x)


def hessian(f, x):
    """The Hessian of sum(f) by nested tapes (outer jacobian of the inner gradient)."""
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return outer.jacobian(g, x)


def assert_jacobian_matches_rows(f, x):
    """tape.jacobian (one sweep over stacked rows) equals one gradient per output."""
    x = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    jac = tape.jacobian(y, x)
    rows = []
    for i in range(int(np.prod(y.shape))):
        seed = np.zeros(tuple(y.shape))
        seed.flat[i] = 1.0
        g = tape.gradient(y, x, output_gradients=tf.constant(seed))
        rows.append(np.zeros(x.shape) if g is None else np.asarray(tf.convert_to_tensor(g)))
    np.testing.assert_allclose(jac.numpy(), np.reshape(rows, tuple(jac.shape)))
