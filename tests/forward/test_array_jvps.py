"""JVPs an outermost accumulator computes on arrays, against the rule-derived ones.

An accumulator with no tape, trace or accumulator entered before it computes common
ops' JVPs on arrays (fused kernels, numpy). With a tape entered first, the same JVPs
come from the ops' rules, run as ops. Both must agree; plus what the array path relies
on: tangents of values nobody holds are dropped, and tapes entered after the
accumulator do not record its JVP computations (TF's behaviour).
"""

import tracemalloc

import numpy as np
import pytest

import fasttape as tf


def close(a, b, rtol=1e-6, atol=1e-6):
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                               rtol=rtol, atol=atol)

UNARY = [tf.sin, tf.cos, tf.exp, tf.tanh, tf.sigmoid, tf.math.log, tf.square,
         tf.negative, tf.nn.relu, tf.identity, lambda x: x ** 3.0, lambda x: x ** 2.0,
         lambda x: x ** 0.5, lambda x: tf.reduce_sum(x, axis=0),
         lambda x: tf.reshape(x, (-1,)), lambda x: tf.transpose(x)]
BINARY = [tf.add, tf.subtract, tf.multiply, tf.math.truediv, tf.pow,
          lambda a, b: tf.matmul(a, tf.transpose(b))]
SHAPES = [((3, 4), (3, 4)), ((3, 4), ()), ((), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4))]


def _both_paths(fn, xs, ts):
    """(jvp on the array path, jvp on the rule path)."""
    with tf.autodiff.ForwardAccumulator(xs, ts) as acc:
        fast = acc.jvp(fn(*xs), unconnected_gradients="zero")
    with tf.GradientTape():                 # entered first: JVPs are visible to it
        with tf.autodiff.ForwardAccumulator(xs, ts) as acc:
            ruled = acc.jvp(fn(*xs), unconnected_gradients="zero")
    return fast, ruled


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("k", range(len(UNARY)))
def test_unary_array_jvps_match_the_rules(k, dtype):
    rng = np.random.default_rng(k)
    x = tf.constant(rng.uniform(0.2, 2.0, (3, 4)).astype(dtype))
    t = tf.constant(rng.standard_normal((3, 4)).astype(dtype))
    fast, ruled = _both_paths(UNARY[k], [x], [t])
    assert fast.dtype == ruled.dtype and fast.shape == ruled.shape
    close(fast, ruled, rtol=1e-2 if dtype == np.float16 else 1e-5)


@pytest.mark.parametrize("which", ["both", "first", "second"])
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("k", range(len(BINARY)))
def test_binary_array_jvps_match_the_rules(k, shapes, which):
    if k == len(BINARY) - 1 and shapes != ((3, 4), (3, 4)):
        pytest.skip("matmul takes matrices")
    rng = np.random.default_rng(k)
    xs = [tf.constant(rng.uniform(0.5, 2.0, s)) for s in shapes]
    ts = [tf.constant(rng.standard_normal(s)) for s in shapes]
    primals = {"both": (xs, ts), "first": ([xs[0]], [ts[0]]),
               "second": ([xs[1]], [ts[1]])}[which]
    fast, ruled = _both_paths(BINARY[k], *primals) if which == "both" else \
        _one_primal(BINARY[k], xs, *primals)
    assert fast.shape == ruled.shape
    close(fast, ruled, rtol=1e-10)


def _one_primal(fn, xs, primals, tangents):
    return _both_paths(lambda *_: fn(*xs), primals, tangents)


def test_float32_array_jvps_match_float64():
    rng = np.random.default_rng(7)
    x = rng.uniform(-2.0, 2.0, 50)
    v = rng.standard_normal(50)

    def hvp(dtype):
        xv = tf.Variable(x.astype(dtype))
        with tf.autodiff.ForwardAccumulator(xv, tf.constant(v.astype(dtype))) as acc:
            with tf.GradientTape() as tape:
                y = tf.reduce_sum(tf.sin(xv) * xv ** 3 + tf.tanh(xv) * tf.exp(-xv))
            g = tape.gradient(y, xv)
        return acc.jvp(g)

    close(hvp(np.float32), hvp(np.float64), rtol=1e-4, atol=1e-4)


def test_a_tape_entered_after_the_accumulator_does_not_record_its_jvps():
    x = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.5])) as acc:
        with tf.GradientTape(persistent=True) as tape:
            y = tf.sin(x) * x           # array path
            z = tf.math.lgamma(x)       # rule path
            jy, jz = acc.jvp(y), acc.jvp(z)
        assert tape.gradient(jy, x) is None
        assert tape.gradient(jz, x) is None
        close(tape.gradient(y, x), np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]))


def test_a_tape_entered_before_the_accumulator_records_its_jvps():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
            y = tf.sin(x) * x
        j = acc.jvp(y)
    # d/dx (cos x * x + sin x) = 2 cos x - x sin x
    close(tape.gradient(j, x), 2 * np.cos([1.0, 2.0]) - np.array([1.0, 2.0]) * np.sin([1.0, 2.0]))


@pytest.mark.parametrize("op", [tf.sin, tf.math.lgamma])       # array and rule paths
def test_a_long_loop_under_an_accumulator_keeps_memory_bounded(op):
    x = tf.constant(np.linspace(0.5, 1.5, 512))
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        y = x
        tracemalloc.start()
        try:
            for _ in range(2000):
                y = op(y) * 0.5 + 1.0
            current = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert acc.jvp(y) is not None
    # every tangent kept would be 2000 * 3 ops * 2 arrays of 4 KiB = 48 MiB
    assert current < 12 << 20, current


def test_tangents_of_live_values_survive_the_dropping():
    x = tf.constant([0.3, 0.7])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 2.0])) as acc:
        kept = tf.sin(x)
        y = x
        for _ in range(1000):
            y = y * 1.0
        close(acc.jvp(kept), np.cos([0.3, 0.7]) * [1.0, 2.0])
        close(acc.jvp(y), [1.0, 2.0])
    close(acc.jvp(kept), np.cos([0.3, 0.7]) * [1.0, 2.0])
