"""Parity: the same tf.function programs on fasttape and TensorFlow give the same values,
tracing counts and error classes."""

import pytest

tensorflow = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402

import fasttape  # noqa: E402


def scenario_keys(tf):
    @tf.function
    def f(x, k):
        return x * k

    out = []
    for x, k in [(tf.constant(1.0), 2), (tf.constant(2.0), 2), (tf.constant(1.0), 2.0),
                 (tf.constant([1.0, 2.0]), 3), (tf.constant(1.0, tf.float64), 2),
                 (tf.constant(5.0), 2)]:
        out.append(f(x, k).numpy())
    return out, f.experimental_get_tracing_count()


def scenario_signature(tf):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return tf.reduce_sum(x * x)

    out = [f(tf.constant([1.0, 2.0])).numpy(), f([3.0, 4.0, 5.0]).numpy()]
    errors = []
    for bad in ([tf.constant([1], tf.int32)], [tf.zeros((2, 2))], [1.0, 2.0]):
        try:
            f(*bad)
        except Exception as exc:  # noqa: BLE001 - the class is what is compared
            errors.append(type(exc).__name__)
    return out, errors, f.experimental_get_tracing_count()


def scenario_relax(tf):
    @tf.function(reduce_retracing=True)
    def f(x):
        return tf.reduce_sum(x)

    out = [f(tf.ones((n,))).numpy() for n in (1, 2, 3, 7)]
    return out, f.experimental_get_tracing_count()


def scenario_variables(tf):
    class M:
        def __init__(self):
            self.w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(tf.ones_like(x) * 2.0)
            self.w.assign_add(x)
            return self.w * x

    m = M()
    out = [m(tf.constant([1.0, 2.0])).numpy(), m(tf.constant([1.0, 2.0])).numpy()]

    @tf.function
    def bad(x):
        return tf.Variable(1.0) * x

    try:
        bad(tf.constant(1.0))
        err = None
    except Exception as exc:  # noqa: BLE001
        err = type(exc).__name__
    return out, m.__call__.experimental_get_tracing_count(), err


def scenario_control_flow(tf):
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2.0
        else:
            y = -x
        n = tf.constant(0.0)
        while n < y:
            n += 1.5
        return n

    out = [f(tf.constant(v)).numpy() for v in (3.0, -2.0, 0.5, 3.0)]
    return out, f.experimental_get_tracing_count()


def scenario_train_step(tf):
    w = tf.Variable([1.0, -1.0])

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.square(tf.reduce_sum(w * x) - y)
        w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    losses = [step(tf.constant([1.0, 2.0]), tf.constant(1.0)).numpy() for _ in range(5)]
    with tf.GradientTape() as tape:
        y = step(tf.constant([0.5, 0.5]), tf.constant(0.0))
    return losses, w.numpy(), tape.gradient(y, w).numpy()


@pytest.mark.parametrize("scenario", [scenario_keys, scenario_signature, scenario_relax,
                                      scenario_variables, scenario_control_flow,
                                      scenario_train_step])
def test_same_as_tensorflow(scenario):
    ours, theirs = scenario(fasttape), scenario(tensorflow)

    def same(a, b):
        if isinstance(a, (list, tuple)):
            assert len(a) == len(b)
            for x, y in zip(a, b):
                same(x, y)
        elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or isinstance(
                a, np.generic):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
            assert np.asarray(a).dtype == np.asarray(b).dtype
        else:
            assert a == b
    same(ours, theirs)
