"""Forward mode and functional transforms against TensorFlow itself."""

import numpy as np
import pytest

tf_ = pytest.importorskip("tensorflow")
import fasttape as ft  # noqa: E402


def _same(a, b):
    if a is None or b is None:
        assert a is None and b is None
        return
    assert np.asarray(a).dtype == b.numpy().dtype
    np.testing.assert_allclose(np.asarray(a), b.numpy(), rtol=1e-5, atol=1e-6)


def _program(tf):
    x = tf.constant([0.5, -1.0, 2.0])
    v = tf.Variable([1.0, 2.0, 3.0])
    out = {}
    with tf.autodiff.ForwardAccumulator([x, v], [tf.constant([1.0, 0.0, 2.0]),
                                                 tf.constant([0.5, 0.5, 0.5])]) as acc:
        y = tf.reduce_sum(tf.tanh(x) * v) + tf.reduce_max(x * x)
        z = tf.nn.softmax(x * v)
        i = tf.cast(x, tf.int32)
        s = tf.stop_gradient(x) * v
        m = tf.reshape(x, (1, 3)) @ tf.reshape(v, (3, 1))
    out.update(y=acc.jvp(y), z=acc.jvp(z), i=acc.jvp(i), s=acc.jvp(s), m=acc.jvp(m),
               iz=acc.jvp(i, unconnected_gradients="zero"))
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0, -1.0])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sin(v) * v ** 2)
        g = tape.gradient(y, v)
    out["hvp"] = acc.jvp(g)
    c = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(c, tf.constant(1.0)) as outer:
        with tf.autodiff.ForwardAccumulator(c, tf.constant(1.0)) as inner:
            y = c ** 3
        j = inner.jvp(y)
    n = tf.constant([1, 2])
    with tf.autodiff.ForwardAccumulator(n, tf.constant([1, 1])) as acc:
        m = n * 2
    out.update(int_primal=acc.jvp(n), int_op=acc.jvp(m))
    out.update(second=outer.jvp(j), first=outer.jvp(y), inner_of_outer=inner.jvp(outer.jvp(y)))
    return out


def test_forward_accumulator_matches_tf():
    ours, theirs = _program(ft), _program(tf_)
    assert ours.keys() == theirs.keys()
    for k in ours:
        _same(ours[k], theirs[k])


def _functional(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        mapped = tf.map_fn(lambda r: tf.reduce_sum(r * r), x)
        scanned = tf.scan(lambda a, r: a * r, x)
        rscan = tf.scan(lambda a, r: a + r, x, initializer=tf.constant([0.0, 1.0]),
                        reverse=True)
        fl = tf.foldl(lambda a, r: a * 2.0 + r, x)
        fr = tf.foldr(lambda a, r: a * 2.0 + r, x)
        vm = tf.vectorized_map(lambda r: tf.tanh(r) * r, x)
    grads = [tape.gradient(t, x) for t in (mapped, scanned, rscan, fl, fr, vm)]
    return [mapped, scanned, rscan, fl, fr, vm] + grads


def test_functional_transforms_match_tf():
    for a, b in zip(_functional(ft), _functional(tf_)):
        _same(a, b)


def test_tensor_array_matches_tf():
    def run(tf):
        ta = tf.TensorArray(tf.float32, size=3)
        for k in range(3):
            ta = ta.write(k, tf.constant([float(k), 1.0]))
        dyn = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        dyn = dyn.write(2, tf.constant(1.0))
        u = tf.TensorArray(tf.float32, size=2).unstack(tf.constant([[1.0], [2.0]]))
        return [ta.stack(), ta.gather([2, 0]), ta.concat(), ta.size(), dyn.stack(), u.read(1)]
    for a, b in zip(run(ft), run(tf_)):
        _same(a, b)


def test_error_classes_match_tf():
    def classes(tf):
        found = []
        for bad in (lambda: tf.autodiff.ForwardAccumulator(tf.constant(1.0), None),
                    lambda: tf.autodiff.ForwardAccumulator(tf.constant(1.0),
                                                           tf.constant(1.0, tf.float64)),
                    lambda: tf.TensorArray(tf.float32, size=1).write(3, 1.0),
                    lambda: tf.gradients(tf.constant(1.0), tf.constant(1.0))):
            try:
                bad()
                found.append(None)
            except Exception as exc:  # noqa: BLE001 - comparing classes
                found.append(type(exc).__name__)
        return found
    assert classes(ft) == classes(tf_)
