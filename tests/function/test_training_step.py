"""The train step of TF's guides under fasttape.function: a tape inside, a Keras
optimizer fed zip(grads, vars). Each call must update the weights and the optimizer
state exactly once, with the same numbers as the same loop run eagerly."""

import numpy as np
import pytest

import fasttape as tf


def _loop(optimizer_factory, traced, steps=5):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((16, 3)), dtype=tf.float32)
    y = tf.constant(rng.integers(0, 4, 16))
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
                                 tf.keras.layers.Dense(4)])
    model(x)                                            # build: same weights both ways
    rng_w = np.random.default_rng(1)
    model.set_weights([rng_w.standard_normal(w.shape).astype(np.float32) * 0.5
                       for w in model.get_weights()])
    opt = optimizer_factory()
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    if traced:
        step = tf.function(step)
    losses = [float(step(x, y)) for _ in range(steps)]
    return losses, [w.numpy() for w in model.trainable_variables], int(opt.iterations), step


@pytest.mark.parametrize("factory", [
    lambda: tf.keras.optimizers.Adam(0.05),
    lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    lambda: tf.keras.optimizers.RMSprop(0.01, centered=True),
], ids=["adam", "sgd_nesterov", "rmsprop_centered"])
def test_traced_train_step_equals_the_eager_loop(factory):
    eager_losses, eager_weights, eager_its, _ = _loop(factory, traced=False)
    losses, weights, its, step = _loop(factory, traced=True)
    assert its == eager_its == 5                       # one update per call
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-5)
    for w, e in zip(weights, eager_weights):
        np.testing.assert_allclose(w, e, rtol=1e-5, atol=1e-6)
    assert step.experimental_get_tracing_count() == 2  # TF: the first call traces twice


def test_first_call_applies_one_update_as_tf_does():
    w = tf.Variable([1.0, 2.0])
    opt = tf.keras.optimizers.Adam(0.1)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(w))
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
        return loss

    step()
    # Adam's first step moves each weight by the learning rate (TF 2.21: [0.9, 1.9])
    np.testing.assert_allclose(w.numpy(), [0.9, 1.9], rtol=1e-5)
    assert int(opt.iterations) == 1
    step()
    np.testing.assert_allclose(w.numpy(), [0.80041414, 1.8001684], rtol=1e-5)
