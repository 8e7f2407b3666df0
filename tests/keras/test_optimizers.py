"""Optimizers against their written-out update formulas (float64), and bad input."""

import warnings

import numpy as np
import pytest

import fasttape as tf

K = tf.keras.optimizers
F32 = lambda x: float(np.float32(x))  # noqa: E731  (Keras rounds hyperparameters so)


def _run(opt, w0, grads):
    v = tf.Variable(w0)
    for g in grads:
        opt.apply_gradients([(g, v)])
    return v.numpy()


GRADS = [np.array([0.5, -1.0, 2.0]), np.array([0.1, 0.3, -0.2]), np.array([-1.0, 0.0, 0.4])]
W0 = np.array([1.0, -2.0, 0.5])
LR = F32(0.05)


def test_adam_formula():
    m = v = np.zeros(3)
    w = W0.copy()
    for t, g in enumerate(GRADS, 1):
        m = m + (g - m) * (1 - 0.9)
        v = v + (g * g - v) * (1 - 0.999)
        alpha = LR * np.sqrt(1 - F32(0.999) ** t) / (1 - F32(0.9) ** t)
        w = w - m * alpha / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(_run(K.Adam(0.05), W0, GRADS), w, rtol=1e-13)


def test_sgd_nesterov_and_weight_decay_formula():
    m = np.zeros(3)
    w = W0.copy()
    mu, wd = F32(0.9), F32(0.1)
    for g in GRADS:
        w = w - w * wd * LR
        m = mu * m - LR * g
        w = w + mu * m - LR * g
    got = _run(K.SGD(0.05, momentum=0.9, nesterov=True, weight_decay=0.1), W0, GRADS)
    np.testing.assert_allclose(got, w, rtol=1e-13)


def test_rmsprop_centered_momentum_formula():
    s = mg = mom = np.zeros(3)
    w = W0.copy()
    for g in GRADS:
        s = 0.9 * s + 0.1 * g * g
        mg = 0.9 * mg + 0.1 * g
        mom = 0.5 * mom + LR * g / np.sqrt(s - mg * mg + 1e-7)
        w = w - mom
    got = _run(K.RMSprop(0.05, momentum=0.5, centered=True), W0, GRADS)
    np.testing.assert_allclose(got, w, rtol=1e-12)


def test_adagrad_sparse_duplicates_sum_squares_of_rows():
    w0 = np.ones((3, 2))
    rows = np.array([[1.0, 2.0], [3.0, -1.0]])
    g = tf.IndexedSlices(tf.constant(rows), tf.constant([1, 1]), tf.constant([3, 2]))
    acc = np.full((3, 2), F32(0.1))
    acc[1] += rows[0] ** 2 + rows[1] ** 2
    dense = np.zeros((3, 2))
    dense[1] = rows.sum(0)
    expected = w0 - LR * dense / np.sqrt(acc + 1e-7)
    np.testing.assert_allclose(_run(K.Adagrad(0.05), w0, [g]), expected, rtol=1e-13)


def test_iterations_learning_rate_and_variables():
    opt = K.Adam(0.01)
    v = tf.Variable(np.ones(2))
    assert opt.apply_gradients([(tf.constant(np.ones(2)), v)]) is opt.iterations
    assert int(opt.iterations) == 1 and opt.iterations.dtype == tf.int64
    assert [x.dtype for x in opt.variables] == [tf.int64, tf.float32, tf.float64, tf.float64]
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    sched = K.Adam(K.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        sched.learning_rate = 0.1
    with pytest.raises(ValueError):
        K.Adam(tf.Variable(0.1))


def test_bad_input_changes_nothing():
    a, b = tf.Variable(np.ones(2)), tf.Variable(np.ones(3))
    opt = K.Adam(0.1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Variable"):
        opt.apply_gradients([(tf.constant(np.ones(2)), a), (tf.constant(np.ones(2)), b)])
    assert int(opt.iterations) == 0
    np.testing.assert_array_equal(a.numpy(), np.ones(2))
    assert all(not np.asarray(s).any() for s in opt.variables[2:])
    with pytest.raises(TypeError, match="Variable"):
        K.SGD().apply_gradients([(tf.constant(1.0), tf.constant(1.0))])
    with pytest.raises(ValueError, match="not recognized"):
        K.Adam(foo=1)
    with pytest.raises(ValueError, match="Only one of"):
        K.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="No gradients"):
        K.SGD().apply_gradients([(None, a)])
    opt = K.SGD()
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(None, a), (tf.constant(np.ones(3)), b)])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(tf.constant(1.0), tf.Variable(1.0))])


def test_float16_variables_stay_float16():
    v = tf.Variable(np.ones(3, dtype=np.float16))
    opt = K.Adam(0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.apply_gradients([(tf.constant(np.ones(3, dtype=np.float16)), v)])
    assert v.dtype == tf.float16
    np.testing.assert_allclose(v.numpy(), 0.9, rtol=1e-3)


def test_config_round_trip_and_get():
    opt = K.Adam(0.01, beta_1=0.8, amsgrad=True)
    again = K.Adam.from_config(opt.get_config())
    assert again.beta_1 == 0.8 and again.amsgrad
    assert isinstance(K.get("adam"), K.Adam)
    assert isinstance(K.deserialize(K.serialize(K.SGD(momentum=0.5))), K.SGD)
    assert tf.optimizers is K


def test_lamb_formula():
    m = v = np.zeros(3)
    w = W0.copy()
    wd = F32(0.1)
    for t, g in enumerate(GRADS, 1):
        w = w - w * wd * LR
        m = m + (g - m) * (1 - 0.9)
        v = v + (g * g - v) * (1 - 0.999)
        step = (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-7)
        w = w - np.linalg.norm(w) / np.linalg.norm(step) * LR * step
    np.testing.assert_allclose(_run(K.Lamb(0.05, weight_decay=0.1), W0, GRADS), w,
                               rtol=1e-13)
    # a zero variable has no trust ratio: the plain Adam-like step
    got = _run(K.Lamb(0.05), np.zeros(3), GRADS[:1])
    np.testing.assert_allclose(got, -LR * GRADS[0] / (np.abs(GRADS[0]) + 1e-7), rtol=1e-12)


def test_loss_scale_optimizer_skips_non_finite_steps():
    opt = K.LossScaleOptimizer(K.SGD(0.5), initial_scale=8.0, dynamic_growth_steps=2)
    v = tf.Variable(np.ones(2))
    expected, scale = np.ones(2), 8.0
    # (gradient, finite, scale after the step): halves on a skipped step, doubles after
    # two finite steps in a row
    for g, finite, after in (([8.0, 16.0], True, 8.0), ([np.inf, 1.0], False, 4.0),
                             ([8.0, 8.0], True, 4.0), ([4.0, 4.0], True, 8.0),
                             ([np.nan, 0.0], False, 4.0)):
        opt.apply_gradients([(tf.constant(g), v)])
        if finite:
            expected = expected - 0.5 * np.array(g) / scale
        np.testing.assert_allclose(v.numpy(), expected, rtol=1e-15)
        scale = float(opt.dynamic_scale)
        assert scale == after
    assert int(opt.iterations) == 3 and float(opt.dynamic_scale) == 4.0
    assert float(opt.scale_loss(tf.constant(1.5))) == 6.0
    assert opt.learning_rate is opt.inner_optimizer.learning_rate


def test_loss_scale_optimizer_growth_and_config():
    opt = K.LossScaleOptimizer(K.Adam(0.1, loss_scale_factor=4.0), initial_scale=2.0,
                               dynamic_growth_steps=3)
    assert opt.inner_optimizer.loss_scale_factor is None
    assert float(opt.scale_loss(3.0)) == 6.0          # before building: initial_scale
    v = tf.Variable(np.ones(2))
    for _ in range(3):
        opt.apply_gradients([(tf.constant(np.ones(2)), v)])
    assert float(opt.dynamic_scale) == 4.0 and int(opt.step_counter) == 0
    again = K.deserialize(K.serialize(opt))
    assert isinstance(again, K.LossScaleOptimizer) and isinstance(again.inner_optimizer, K.Adam)
    assert again.initial_scale == 2.0 and again.dynamic_growth_steps == 3
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        K.LossScaleOptimizer(K.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="dynamic=False"):
        K.LossScaleOptimizer(K.SGD(), dynamic=False)


def test_lamb_config_round_trip():
    opt = K.Lamb(0.02, beta_1=0.8, epsilon=1e-6)
    again = K.Lamb.from_config(opt.get_config())
    assert (again.beta_1, again.epsilon) == (0.8, 1e-6)
    assert isinstance(K.get("lamb"), K.Lamb)
