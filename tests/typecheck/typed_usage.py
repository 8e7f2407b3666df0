"""Typed use of fasttape's public API: tests/test_typing.py runs mypy on this file.

Correct TF-style code must type-check, and the types must be the precise ones
(checked with assert_type). Importing the module runs nothing but definitions.
"""

from typing import TYPE_CHECKING

import numpy as np

import fasttape as tf

if TYPE_CHECKING:
    from typing_extensions import assert_type


def operators_and_ops() -> None:
    x = tf.Variable(3.0)
    c = tf.constant([1.0, 2.0])
    w = tf.Variable(np.ones((2, 2), np.float32))
    with tf.GradientTape(persistent=True) as tape:
        y = x * x + 2 * x - 1 / x
        z = tf.reduce_sum(tf.square(c) * x) + tf.math.log(x) ** 2
        h = tf.nn.relu(tf.matmul(w, tf.reshape(c, (2, 1))) @ tf.ones((1, 2)))
        loss = y + z + tf.reduce_mean(h) - abs(-x)
    dx = tape.gradient(loss, x)
    dxw = tape.gradient(loss, [x, w])
    if TYPE_CHECKING:
        assert_type(c, tf.Tensor)
        assert_type(y, tf.Tensor)
        assert_type(z, tf.Tensor)
        assert_type(dx, tf.Tensor)
        assert_type(dxw, list[tf.Tensor])
    print(dx.numpy(), [g.shape for g in dxw], float(loss), c[0] < c[1])


def namespaces() -> None:
    v = tf.constant([0.5, 1.5], dtype=tf.float64)
    parts = [tf.math.exp(v), tf.nn.sigmoid(v), tf.linalg.matmul(tf.eye(2), tf.eye(2)),
             tf.random.uniform((2,)), tf.cast(v, tf.float32), tf.concat([v, v], axis=0)]
    shape: tf.TensorShape = v.shape
    dtype: tf.DType = v.dtype
    print(parts, shape, dtype, tf.float32, tf.__version__)


def persistent_nested() -> None:
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x ** 3
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    grads = outer.gradient(y, {"x": x})
    if TYPE_CHECKING:
        assert_type(d2y, tf.Tensor)
        assert_type(grads, dict[str, tf.Tensor])
    print(d2y, grads["x"])


if __name__ == "__main__":
    operators_and_ops()
    namespaces()
    persistent_nested()
