"""map_fn, scan, foldl and foldr: TF 2.21's structures, dtypes, errors and gradients."""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError, OutOfRangeError
from tests.helpers import check, grad_and_second, grads

E = [1.0, 2.0, 3.0]


def test_map_fn():
    check(tf.map_fn(lambda x: x * 2, tf.constant(E)), [2, 4, 6])
    a, b = tf.map_fn(lambda x: (x[0], x[1] * 2), (tf.constant(E), tf.constant(E)))
    check(b, [2, 4, 6])
    out = tf.map_fn(lambda x: tf.cast(x, tf.int32), tf.constant(E), fn_output_signature=tf.int32)
    check(out, [1, 2, 3], tf.int32)
    check(tf.map_fn(lambda x: x * 2, tf.zeros([0, 2])), np.zeros(0, np.float32))
    with pytest.raises(InvalidArgumentError, match="TensorArray dtype is float32"):
        tf.map_fn(lambda x: tf.cast(x, tf.int32), tf.constant(E))
    with pytest.raises(ValueError, match="same nested structure"):
        tf.map_fn(lambda x: {"a": x}, tf.constant(E))
    with pytest.raises(ValueError, match="not compatible"):
        tf.map_fn(lambda x: x, (tf.constant(E), tf.constant([1.0])))


def test_scan():
    check(tf.scan(lambda a, x: a + x, tf.constant(E)), [1, 3, 6])
    check(tf.scan(lambda a, x: a + x, tf.constant(E), initializer=tf.constant(10.0),
                  reverse=True), [16, 15, 13])
    s, p = tf.scan(lambda a, x: (a[0] + x, a[1] * x), tf.constant(E),
                   initializer=(tf.constant(0.0), tf.constant(1.0)))
    check(p, [1, 2, 6])
    check(tf.scan(lambda a, x: a + x, tf.constant([[1.0, 2.0], [3.0, 4.0]])), [[1, 2], [4, 6]])


def test_folds():
    check(tf.foldl(lambda a, x: a - x, tf.constant(E)), -4.0)
    check(tf.foldr(lambda a, x: a - x, tf.constant(E)), 0.0)
    check(tf.foldl(lambda a, x: a + x[0] * x[1], (tf.constant(E), tf.constant(E)),
                   initializer=tf.constant(0.0)), 14.0)
    with pytest.raises(OutOfRangeError):
        tf.foldl(lambda a, x: a + x, tf.zeros([0]))


def test_gradients_flow_through_fn():
    def f(x):
        return (tf.reduce_sum(tf.scan(lambda a, b: a * b, x)) + tf.foldr(lambda a, b: a * b, x)
                + tf.reduce_sum(tf.map_fn(tf.square, x)))
    check(grads(f, E)[0], [17.0, 11.0, 10.0])
    g, second = grad_and_second(lambda x: tf.map_fn(lambda v: v * v * v, x), E)
    check(g, [3.0, 12.0, 27.0])
    check(second, [6.0, 12.0, 18.0])
