"""tf.complex and the parts of complex tensors (forward only in fasttape)."""

import numpy as np
import pytest

import fasttape as tf
from tests.helpers import check, grads


def test_complex_dtypes_and_broadcasting():
    z = tf.complex(tf.constant([1.0, 2.0]), tf.constant(3.0))
    check(z, [1 + 3j, 2 + 3j], tf.complex64)
    assert tf.complex(tf.constant([1.0], tf.float64), tf.constant([3.0], tf.float64)).dtype \
        == tf.complex128
    assert tf.dtypes.complex(1.0, 2.0).dtype == tf.complex64


@pytest.mark.parametrize("real,imag", [(tf.constant([1.0]), tf.constant([3.0], tf.float64)),
                                       (tf.constant([1]), tf.constant([3]))])
def test_complex_refuses_mismatched_or_integer_parts(real, imag):
    with pytest.raises(TypeError, match="incorrect types"):
        tf.complex(real, imag)


def test_parts_of_complex_tensors():
    z = tf.constant([1 + 2j, -3 - 4j])
    check(tf.math.real(z), [1.0, -3.0], tf.float64)
    check(tf.math.imag(z), [2.0, -4.0], tf.float64)
    check(tf.math.conj(z), [1 - 2j, -3 + 4j], tf.complex128)
    np.testing.assert_allclose(tf.math.angle(z).numpy(), np.angle([1 + 2j, -3 - 4j]))
    check(tf.abs(z), [5 ** 0.5, 5.0], tf.float64)


def test_parts_of_real_tensors():
    x = tf.constant([-1.0, 2.0])
    assert tf.math.real(x) is x and tf.math.conj(x) is x
    check(tf.math.imag(x), [0.0, 0.0], tf.float32)
    np.testing.assert_allclose(tf.math.angle(x).numpy(), [np.pi, 0.0])
    with pytest.raises(TypeError):
        tf.math.angle(tf.constant([-1, 2]))
    g = grads(lambda t: tf.math.real(t) * 2 + tf.math.imag(t) + tf.math.conj(t), [-1.0, 2.0])
    check(g[0], [3.0, 3.0])
    assert grads(tf.math.angle, [-1.0, 2.0])[0] is None


def test_complex_of_tracked_tensors_carries_the_gradient_to_both_parts():
    x, y = tf.constant([1.0, -2.0]), tf.constant([0.5, 3.0])
    with tf.GradientTape() as t:
        t.watch([x, y])
        loss = tf.abs(tf.complex(x, y)) ** 2       # x^2 + y^2
    gx, gy = t.gradient(loss, [x, y])
    np.testing.assert_allclose(gx, [2.0, -4.0], rtol=1e-6)
    np.testing.assert_allclose(gy, [1.0, 6.0], rtol=1e-6)
    assert gx.dtype == tf.float32