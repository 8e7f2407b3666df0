"""Helpers shared by the op tests: nested-tape derivatives and jacobian checks."""

import numpy as np

import fasttape as tf


def check(t, expected, dtype=None):
    """t has expected's shape and values exactly (and `dtype`, when given)."""
    expected = np.asarray(expected)
    assert tuple(t.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(t), expected)
    if dtype is not None:
        assert t.dtype == dtype


def grads(f, *xs):
    """The gradients of f at constants xs (watched), one per input."""
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = f(*ts)
    return tape.gradient(y, ts)


def _nested(f, x):
    """x as a watched constant, the outer tape, and the inner gradient of f at x (taken
    while the outer tape records)."""
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return x, outer, g


def grad_and_second(f, x):
    """(d/dx f, d/dx sum(d/dx f)) with nested tapes; for elementwise f the second is the
    diagonal of the Hessian."""
    x, outer, g = _nested(f, x)
    return g, outer.gradient(g, x)


def hessian(f, x):
    """The Hessian of sum(f) by nested tapes (outer jacobian of the inner gradient)."""
    x, outer, g = _nested(f, x)
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
