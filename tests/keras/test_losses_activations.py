"""Losses and activations: values, reductions, and first/second derivatives against
finite differences (float64)."""

import numpy as np
import pytest

import fasttape as tf
from tests.helpers import grad_and_second

L, A = tf.keras.losses, tf.keras.activations
X = np.array([-2.5, -0.7, 0.3, 1.9])


def _fd(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


ACTIVATIONS = ["elu", "gelu", "sigmoid", "silu", "softplus", "softsign", "selu", "mish",
               "tanh", "log_sigmoid", "exponential"]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivatives_match_finite_differences(name):
    fn = A.get(name)
    val = lambda x: np.asarray(fn(tf.constant(x)))  # noqa: E731
    g, g2 = grad_and_second(fn, X)
    np.testing.assert_allclose(np.asarray(g), _fd(val, X), rtol=1e-6, atol=1e-8)
    d1 = lambda x: np.asarray(grad_and_second(fn, x)[0])  # noqa: E731
    np.testing.assert_allclose(np.asarray(g2), _fd(d1, X), rtol=1e-5, atol=1e-7)


def test_hard_sigmoid_and_relu_options():
    np.testing.assert_allclose(A.hard_sigmoid([-4.0, 0.0, 1.5]).numpy(), [0, 0.5, 0.75])
    np.testing.assert_allclose(A.relu([-1.0, 0.5, 3.0], negative_slope=0.1, max_value=2.0)
                               .numpy(), [-0.1, 0.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(A.leaky_relu([-1.0]).numpy(), [-0.2], rtol=1e-6)
    with pytest.raises(ValueError):
        A.gelu(tf.constant([1, 2]))


Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
P = np.array([[0.2, 1.3, -0.4], [0.9, -0.1, 0.5]])

LOSSES = [
    ("mse", lambda p: L.mse(Y, p)), ("mae", lambda p: L.mae(Y, p)),
    ("huber", lambda p: L.huber(Y, p, delta=0.6)), ("logcosh", lambda p: L.logcosh(Y, p)),
    ("cce_logits", lambda p: L.categorical_crossentropy(Y, p, from_logits=True,
                                                         label_smoothing=0.1)),
    ("scce_logits", lambda p: L.sparse_categorical_crossentropy([1, 0], p, from_logits=True)),
    ("bce_logits", lambda p: L.binary_crossentropy(Y, p, from_logits=True)),
    ("bce_probs", lambda p: L.binary_crossentropy(Y, tf.sigmoid(p))),
    ("cce_probs", lambda p: L.categorical_crossentropy(Y, tf.nn.softmax(p))),
    ("poisson", lambda p: L.poisson(Y, tf.exp(p))), ("kld", lambda p: L.kld(Y + 0.1,
                                                                           tf.nn.softmax(p))),
    ("cosine", lambda p: L.cosine_similarity(Y + 0.1, p)),
    ("squared_hinge", lambda p: L.squared_hinge(Y, p)),
]


@pytest.mark.parametrize("name,fn", LOSSES, ids=[n for n, _ in LOSSES])
def test_loss_gradients_match_finite_differences(name, fn):
    total = lambda p: tf.reduce_sum(fn(p))  # noqa: E731
    val = lambda p: float(total(tf.constant(p)))  # noqa: E731
    g, g2 = grad_and_second(total, P)
    fd = np.zeros_like(P)
    for i in np.ndindex(P.shape):
        e = np.zeros_like(P)
        e[i] = 1e-6
        fd[i] = (val(P + e) - val(P - e)) / 2e-6
    np.testing.assert_allclose(np.asarray(g), fd, rtol=1e-5, atol=1e-7)
    gsum = lambda p: np.asarray(grad_and_second(total, p)[0]).sum()  # noqa: E731
    fd2 = np.zeros_like(P)
    for i in np.ndindex(P.shape):
        e = np.zeros_like(P)
        e[i] = 1e-5
        fd2[i] = (gsum(P + e) - gsum(P - e)) / 2e-5
    np.testing.assert_allclose(np.asarray(g2), fd2, rtol=1e-4, atol=1e-6)


def test_reductions_and_sample_weight():
    y, p = np.array([1.0, 2.0, 3.0]), np.array([[1.5], [2.0], [1.0]])
    assert float(L.MeanSquaredError()(y, p)) == pytest.approx((0.25 + 4) / 3)
    assert L.Huber().name == "huber_loss" and L.MeanSquaredError().name == "mean_squared_error"
    np.testing.assert_allclose(L.MeanSquaredError(reduction="none")(y, p).numpy(),
                               [0.25, 0, 4])
    assert float(L.MeanSquaredError(reduction="sum")(y, p, sample_weight=[2, 1, 0])) == 0.5
    assert float(L.MeanSquaredError(reduction="mean_with_sample_weight")(
        y, p, sample_weight=[2.0, 1.0, 1.0])) == pytest.approx(4.5 / 4)
    with pytest.raises(ValueError, match="reduction"):
        L.MeanSquaredError(reduction="avg")
    assert L.MeanSquaredError()(y, p).dtype == tf.float32
    assert L.MeanSquaredError(dtype="float64")(y, p).dtype == tf.float64
    assert L.get("mse") is L.mse


def test_sparse_cce_ignore_class_and_bad_labels():
    logits = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    full = L.SparseCategoricalCrossentropy(from_logits=True, reduction="none")([0, 1, 0],
                                                                              logits)
    masked = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)([0, 1, 0],
                                                                              logits)
    assert float(masked) == pytest.approx((full.numpy()[0] + full.numpy()[2]) / 2, rel=1e-6)
    with pytest.raises(ValueError, match="target.shape"):
        L.sparse_categorical_crossentropy([0, 1], logits, from_logits=True)
    with pytest.raises(tf.errors.InvalidArgumentError):
        L.sparse_categorical_crossentropy([0, 1, 5], logits, from_logits=True)


def test_seeded_initializers_repeat():
    init = tf.keras.initializers.GlorotUniform(seed=3)
    np.testing.assert_array_equal(init((4, 5)).numpy(), init((4, 5)).numpy())
    assert init((4, 5)).dtype == tf.float32
    assert np.abs(init((4, 5)).numpy()).max() <= np.sqrt(6 / 9)
    np.testing.assert_array_equal(tf.keras.initializers.Constant([1, 2])((2, 2)).numpy(),
                                  [[1, 2], [1, 2]])
    with pytest.raises(ValueError):
        tf.keras.initializers.Identity()((2, 2, 2))
