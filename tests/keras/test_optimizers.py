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


def test_schedule_free_adamw_formula():
    # float32-rounded beta_1, beta_2 and epsilon, as Keras casts them
    b1, b2, eps = F32(0.9), F32(0.999), F32(1e-8)
    y, z, v = W0.copy(), W0.copy(), np.zeros(3)
    for t, g in enumerate(GRADS, 1):
        lr = LR * min(t / 2, 1.0)
        v = v + (g * g - v) * (1 - b2)
        z = z - lr * g / (np.sqrt(v / (1 - b2 ** t)) + eps)
        x = (y - (1 - b1) * z) / b1
        x = (1 - 1 / t) * x + z / t
        y = (1 - b1) * z + b1 * x
    opt = K.ScheduleFreeAdamW(0.05, warmup_steps=2)
    np.testing.assert_allclose(_run(opt, W0, GRADS), y, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(opt.variables[2]), z, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(opt.variables[3]), v, rtol=1e-13)


def test_schedule_free_momentum_starts_at_the_variable():
    opt = K.ScheduleFreeAdamW()
    v = tf.Variable(W0)
    opt.build([v])
    np.testing.assert_array_equal(np.asarray(opt.variables[2]), W0)


def _newton_schulz(x, steps=5, a=3.4445, b=-4.7750, c=2.0315):
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


@pytest.mark.parametrize("shape", [(4, 3), (3, 5)])
def test_muon_formula_on_matrices(shape):
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=shape)
    grads = [rng.normal(size=shape) for _ in range(3)]
    w, m = w0.copy(), np.zeros(shape)
    wd = F32(0.004)
    for g in grads:
        w = w - w * wd * LR
        m = 0.95 * m + g
        update = _newton_schulz(g + 0.95 * m)
        w = w - LR * update * F32(np.sqrt(max(shape))) * 0.2
    opt = K.Muon(0.05, exclude_embeddings=False)
    np.testing.assert_allclose(_run(opt, w0, grads), w, rtol=1e-12)
    assert len(opt.variables) == 3        # iterations, learning rate, momentum


def test_muon_uses_adamw_for_vectors_embeddings_and_excluded_layers():
    vec = tf.Variable(W0)
    emb = tf.Variable(np.ones((4, 3)), name="token_embedding")
    head = tf.Variable(np.ones((4, 3)), name="output_dense/kernel")
    body = tf.Variable(np.ones((4, 3)), name="dense/kernel")
    opt = K.Muon(0.05, exclude_layers=["output_dense"], adam_lr_ratio=0.5,
                 adam_weight_decay=None)
    grads = [tf.constant(g) for g in (GRADS[0], np.ones((4, 3)), np.ones((4, 3)),
                                      np.ones((4, 3)))]
    opt.apply_gradients(zip(grads, [vec, emb, head, body]))
    # momentum + velocity for the AdamW variables, momentum only for `body`
    assert len(opt.variables) == 2 + 2 * 3 + 1
    # an AdamW first step moves each element by lr*ratio (no decay for AdamW variables)
    lr = F32(np.float32(0.05) * np.float32(0.5))
    np.testing.assert_allclose(vec.numpy(), W0 - lr * np.sign(GRADS[0]), rtol=1e-6)
    np.testing.assert_allclose(head.numpy(), 1 - lr, rtol=1e-6)
    assert not np.allclose(body.numpy(), 1 - lr)


def test_adamax_repeated_indices_sum_absolute_rows():
    rows = np.array([[1.0, -2.0], [-3.0, 1.0]])
    g = tf.IndexedSlices(tf.constant(rows), tf.constant([1, 1]), tf.constant([3, 2]))
    dense = np.zeros((3, 2))
    dense[1] = rows.sum(0)
    u = np.zeros((3, 2))
    u[1] = np.abs(rows).sum(0)          # sum of |rows|, not |sum of rows|
    m = 0.1 * dense
    expected = np.ones((3, 2)) - LR * m / ((1 - F32(0.9)) * (u + 1e-7))
    opt = K.Adamax(0.05)
    np.testing.assert_allclose(_run(opt, np.ones((3, 2)), [g]), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(opt.variables[3]), u)


def test_global_clipnorm_densifies_indexed_slices():
    # the norm counts the rows; the clipped gradient is then the summed dense one, so
    # Adagrad's accumulator gets (sum g)^2 rather than sum g^2
    rows = np.array([[3.0], [4.0]])
    g = tf.IndexedSlices(tf.constant(rows), tf.constant([0, 0]), tf.constant([2, 1]))
    opt = K.Adagrad(0.05, global_clipnorm=1.0)
    _run(opt, np.ones((2, 1)), [g])
    scale = 1.0 / 5.0
    np.testing.assert_allclose(np.asarray(opt.variables[2]),
                               [[F32(0.1) + (7.0 * scale) ** 2], [F32(0.1)]], rtol=1e-12)


def test_loss_scale_factor_refuses_indexed_slices_and_changes_nothing():
    v = tf.Variable(np.ones((3, 2)))
    opt = K.Adam(0.1, loss_scale_factor=2.0)
    g = tf.IndexedSlices(tf.constant(np.ones((1, 2))), tf.constant([1]), tf.constant([3, 2]))
    with pytest.raises(TypeError, match="loss_scale_factor.*'Variable"):
        opt.apply_gradients([(g, v)])
    np.testing.assert_array_equal(v.numpy(), np.ones((3, 2)))
    assert int(opt.iterations) == 0
    opt.apply_gradients([(tf.constant(np.full((3, 2), 2.0)), v)])   # dense: unscaled to 1
    np.testing.assert_allclose(v.numpy(), _run(K.Adam(0.1), np.ones((3, 2)), [np.ones((3, 2))]),
                               rtol=1e-15)


def test_optimizer_map_lookup():
    adam, sgd, rms = K.Adam(), K.SGD(), K.RMSprop()
    mapping = K.OptimizerMap(default_optimizer=rms)
    mapping["encoder/layer_0/dense"] = adam
    mapping["encoder/.*"] = sgd
    assert mapping["encoder/layer_0/dense"] is adam
    assert mapping["encoder/layer_0/attention"] is sgd
    assert mapping["decoder"] is rms
    assert mapping(tf.Variable(1.0, name="encoder/w")) is sgd
    assert len(mapping) == 2 and set(mapping) == {"encoder/layer_0/dense", "encoder/.*"}
    with pytest.raises(ValueError, match="already exists"):
        mapping["encoder/.*"] = adam
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        mapping["x"] = K.LossScaleOptimizer(K.SGD())
    mapping[".*layer_0.*"] = adam
    with pytest.raises(ValueError, match="Multiple optimizers"):
        mapping["encoder/layer_0/x"]
    with pytest.raises(TypeError, match="default_optimizer"):
        K.OptimizerMap("adam")


def test_multi_optimizer_dispatches_and_counts():
    a = tf.Variable(W0, name="encoder/w")
    b = tf.Variable(W0, name="decoder/w")
    sgd, adam = K.SGD(0.05), K.Adam(0.05)
    opt = K.MultiOptimizer(K.OptimizerMap(adam, {"encoder/.*": sgd}), loss_scale_factor=2.0)
    assert sgd.loss_scale_factor == adam.loss_scale_factor == 2.0
    for g in GRADS:
        opt.apply_gradients([(tf.constant(2 * g), a), (tf.constant(2 * g), b)])
    np.testing.assert_allclose(a.numpy(), _run(K.SGD(0.05), W0, GRADS), rtol=1e-13)
    np.testing.assert_allclose(b.numpy(), _run(K.Adam(0.05), W0, GRADS), rtol=1e-13)
    assert int(opt.iterations) == int(sgd.iterations) == int(adam.iterations) == 3
    assert opt.optimizers == [sgd, adam]
    assert len(opt.variables) == 2 + len(sgd.variables) + len(adam.variables)
    with pytest.raises(AttributeError, match="MultiOptimizer"):
        opt.learning_rate
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply_gradients([(tf.constant(GRADS[0]), a)])
    again = K.deserialize(K.serialize(opt))
    assert isinstance(again, K.MultiOptimizer) and len(again.optimizers) == 2


def test_multi_optimizer_with_a_callable_and_a_failed_step():
    a, b = tf.Variable(np.ones(2), name="a"), tf.Variable(np.ones(3), name="b")
    pick = {"a:0": K.SGD(0.1), "b:0": K.Adam(0.1)}
    opt = K.MultiOptimizer(lambda v: pick[v.name])
    opt.apply_gradients([(tf.constant(np.ones(2)), a), (tf.constant(np.ones(3)), b)])
    before = [np.asarray(x).copy() for x in opt.variables] + [a.numpy(), b.numpy()]
    # the second gradient is bad: nothing changes, not even the first variable
    with pytest.raises(tf.errors.InvalidArgumentError, match="'b"):
        opt.apply_gradients([(tf.constant(np.ones(2)), a), (tf.constant(np.ones(2)), b)])
    after = [np.asarray(x) for x in opt.variables] + [a.numpy(), b.numpy()]
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match="MultiOptimizer cannot"):
        K.MultiOptimizer(lambda v: K.MultiOptimizer(lambda u: K.SGD())).build([a])


@pytest.mark.parametrize("make", [lambda: K.Muon(exclude_embeddings=False),
                                  lambda: K.ScheduleFreeAdamW(), lambda: K.Adamax(),
                                  lambda: K.Adafactor()])
def test_new_optimizers_bad_input_changes_nothing(make):
    a, b = tf.Variable(np.ones((2, 2))), tf.Variable(np.ones(3))
    opt = make()
    opt.build([a, b])
    before = [np.asarray(x).copy() for x in opt.variables]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Variable"):
        opt.apply_gradients([(tf.constant(np.ones((2, 2))), a), (tf.constant(np.ones(2)), b)])
    with pytest.raises(TypeError, match="Variable"):
        opt.apply_gradients([(tf.constant(np.ones((2, 2))), a),
                             (np.array(["x", "y", "z"]), b)])
    for x, y in zip(before, opt.variables):
        np.testing.assert_array_equal(x, np.asarray(y))
    np.testing.assert_array_equal(a.numpy(), np.ones((2, 2)))
    with pytest.raises(TypeError, match="Variable"):
        opt.apply_gradients([(tf.constant(1.0), tf.constant(1.0))])
    with pytest.raises(ValueError, match="not recognized"):
        type(opt)(bogus=1)


def test_new_optimizers_config_round_trip():
    for opt in (K.Muon(exclude_layers=["head"], ns_steps=3), K.ScheduleFreeAdamW(warmup_steps=4)):
        again = type(opt).from_config(opt.get_config())
        assert {k: v for k, v in again.get_config().items() if k != "name"} == {
            k: v for k, v in opt.get_config().items() if k != "name"}
        assert isinstance(K.get(type(opt).__name__.lower()), type(opt))


@pytest.mark.parametrize("make", [
    lambda: K.ScheduleFreeAdamW(0.05, warmup_steps=2),
    lambda: K.Muon(0.05, exclude_embeddings=False),
    lambda: K.MultiOptimizer(K.OptimizerMap(K.Adam(0.05), {"m.*": K.Adamax(0.05)})),
])
def test_new_optimizers_inside_tf_function_match_eager(make):
    def run(decorate):
        w = tf.Variable(np.linspace(-1, 1, 6).reshape(3, 2), name="mat")
        b = tf.Variable(np.array([0.5, -0.5]), name="vec")
        opt = make()

        def step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b))
            opt.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
            return loss
        step = tf.function(step) if decorate else step
        for k in range(3):
            step(tf.constant(np.full((2, 3), 0.3 * (k + 1))))
        return w.numpy(), b.numpy(), int(opt.iterations)
    eager, traced = run(False), run(True)
    np.testing.assert_array_equal(eager[0], traced[0])
    np.testing.assert_array_equal(eager[1], traced[1])
    assert eager[2] == traced[2] == 3
