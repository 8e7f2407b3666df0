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


E = np.array([[0.6, -0.3, 0.74], [0.1, 0.9, -0.42], [-0.5, 0.2, 0.84], [0.3, 0.7, 0.65]])
E_LABELS = [0, 1, 0, 1]


@pytest.mark.parametrize("kwargs", [{"gamma": 2.0}, {"gamma": 1.5, "margin": 0.25,
                                                      "remove_diagonal": False}])
def test_circle_gradients_match_finite_differences(kwargs):
    total = lambda e: tf.reduce_sum(L.circle(E_LABELS, e, **kwargs))  # noqa: E731
    val = lambda e: float(total(tf.constant(e)))  # noqa: E731
    g, g2 = grad_and_second(total, E)
    gsum = lambda e: np.asarray(grad_and_second(total, e)[0]).sum()  # noqa: E731
    fd, fd2 = np.zeros_like(E), np.zeros_like(E)
    for i in np.ndindex(E.shape):
        e = np.zeros_like(E)
        e[i] = 1e-6
        fd[i] = (val(E + e) - val(E - e)) / 2e-6
        fd2[i] = (gsum(E + 10 * e) - gsum(E - 10 * e)) / 2e-5
    np.testing.assert_allclose(np.asarray(g), fd, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.asarray(g2), fd2, rtol=1e-4, atol=1e-6)


def test_circle_formula_and_masked_mean():
    gamma, m = 3.0, 0.4
    d = np.maximum(1 - E @ E.T, 0)
    same = np.equal.outer(E_LABELS, E_LABELS)
    expected = []
    for i in range(4):
        pos = [j for j in range(4) if same[i, j] and j != i]
        neg = [j for j in range(4) if not same[i, j]]
        lp = np.log(sum(np.exp(-gamma * max(m + d[i, j], 0) * (m - d[i, j])) for j in pos))
        ln = np.log(sum(np.exp(gamma * max(1 + m - d[i, j], 0) * (1 - m - d[i, j]))
                        for j in neg))
        expected.append(np.log1p(np.exp(lp + ln)))
    np.testing.assert_allclose(L.circle(E_LABELS, E, gamma=gamma).numpy(), expected,
                               rtol=1e-12)
    # rows whose loss is 0 (here: a class with no other member) leave the mean
    labels = [0, 1, 0, 2]
    rows = L.circle(labels, E).numpy()
    assert rows[1] == rows[3] == 0 and rows[0] > 0 and rows[2] > 0
    got = L.Circle(dtype="float64")(labels, E)
    np.testing.assert_allclose(got.numpy(), (rows[0] + rows[2]) / 2, rtol=1e-12)
    assert L.get("circle") is L.circle
    assert L.Circle(gamma=5.0).get_config()["gamma"] == 5.0


def test_stft_initializer_formula():
    I = tf.keras.initializers
    t, f = np.arange(8.0)[:, None, None], np.arange(5.0)[None, None, :]
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(8) / 7)   # symmetric Hann, length 8
    win = win.reshape(8, 1, 1)
    angle = -2 * t * f / 8 * np.pi
    got = I.STFT()((8, 1, 5), dtype="float64").numpy()
    np.testing.assert_allclose(got, np.cos(angle) * win / np.sqrt((win ** 2).sum()),
                               rtol=1e-12, atol=1e-15)
    got = I.stft("imag", window=None)((8, 1, 5), dtype="float64").numpy()
    np.testing.assert_allclose(got, np.sin(angle), atol=1e-15)
    assert I.STFTInitializer is I.STFT and I.STFT()((8, 1, 5)).dtype == tf.float32
    with pytest.raises(ValueError, match="side"):
        I.STFT(side="both")
    with pytest.raises(ValueError, match="Scaling"):
        I.STFT(scaling="l2")
    with pytest.raises(ValueError, match="frame_length"):
        I.STFT(window=[1.0, 2.0])((8, 1, 5))
    again = I.deserialize(I.serialize(I.STFT("imag", "hamming", None, True)))
    assert again.get_config() == {"side": "imag", "window": "hamming", "periodic": True,
                                  "scaling": None}


CTC_LABELS = np.array([[1, 2, 2, 0], [3, 1, 0, 0]])
CTC_LOGITS = np.random.default_rng(0).normal(size=(2, 6, 4))


def test_ctc_is_nn_ctc_loss_with_zero_padding_as_blank():
    got = L.ctc(CTC_LABELS, CTC_LOGITS.astype(np.float32))
    expected = tf.nn.ctc_loss(CTC_LABELS, tf.constant(CTC_LOGITS.astype(np.float32)), [3, 2],
                              [6, 6], logits_time_major=False, blank_index=0)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    # float64 logits come back float64 (computed in float32)
    assert L.ctc(CTC_LABELS, CTC_LOGITS).dtype == tf.float64
    assert float(L.CTC()(CTC_LABELS, CTC_LOGITS)) == pytest.approx(
        float(tf.reduce_mean(got)), rel=1e-6)
    assert L.get("ctc") is L.ctc and L.CTC().name == "ctc"
    with pytest.raises(ValueError, match="y_true"):
        L.ctc(CTC_LABELS[0], CTC_LOGITS)
    with pytest.raises(ValueError, match="y_pred"):
        L.ctc(CTC_LABELS, CTC_LOGITS[0])


def test_ctc_gradient_matches_finite_differences():
    # computed in float32, so the check is at float32 precision; the gradient of the
    # gradient is None, as for tf.nn.ctc_loss
    total = lambda z: tf.reduce_sum(L.ctc(CTC_LABELS, z))  # noqa: E731
    g, g2 = grad_and_second(total, CTC_LOGITS)
    fd = np.zeros_like(CTC_LOGITS)
    for i in np.ndindex(CTC_LOGITS.shape):
        e = np.zeros_like(CTC_LOGITS)
        e[i] = 1e-2
        fd[i] = (float(total(tf.constant(CTC_LOGITS + e)))
                 - float(total(tf.constant(CTC_LOGITS - e)))) / 2e-2
    np.testing.assert_allclose(np.asarray(g), fd, rtol=1e-2, atol=1e-3)
    assert g2 is None
