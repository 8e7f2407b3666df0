"""Reliability: the sweep and storage growth, tapes shared between threads, hostile
inputs to conversion and ops (each test failed before its fix)."""

import threading

import numpy as np
import pytest

import fasttape as tf
from fasttape import _engine
from tests.test_threads import run_threads


# --- a sweep that records onto its own tape ------------------------------------------

def _sin_chain_derivatives(x0, n):
    """d/dx and d2/dx2 of sin applied n times, in float64."""
    ys = [x0]
    for _ in range(n):
        ys.append(np.sin(ys[-1]))
    cos = np.cos(ys[:-1])                       # cos(y_k), k = 0..n-1
    d_y = np.concatenate([[1.0], np.cumprod(cos)])   # dy_k/dx
    first = d_y[-1]
    # d/dx prod cos(y_k) = sum_k -sin(y_k) dy_k/dx prod_{j != k} cos(y_j)
    second = sum(-np.sin(ys[k]) * d_y[k] * first / cos[k] for k in range(n))
    return first, second


@pytest.mark.parametrize("block", [range(1, 101), range(101, 201)])
def test_gradient_inside_persistent_block_records_on_growing_tape(block):
    # the rules' nodes are appended to the tape being swept, across every doubling of
    # its storage (64, 128, 256, 512 nodes)
    for n in block:
        x = tf.Variable(0.5)
        with tf.GradientTape(persistent=True) as t:
            y = x
            for _ in range(n):
                y = tf.sin(y)
            g = t.gradient(y, x)
        g2 = t.gradient(g, x)
        first, second = _sin_chain_derivatives(0.5, n)
        np.testing.assert_allclose(float(g), first, rtol=2e-5, err_msg=f"n={n}")
        np.testing.assert_allclose(float(g2), second, rtol=1e-4, atol=1e-7,
                                   err_msg=f"n={n}")


def test_repeated_gradients_inside_persistent_block_stay_right():
    x = tf.Variable(np.linspace(0.1, 1.0, 5))
    with tf.GradientTape(persistent=True) as t:
        y = tf.reduce_sum(tf.tanh(x) * tf.exp(-x))
        grads = [t.gradient(y, x) for _ in range(40)]
    expected = (1 - np.tanh(x.numpy()) ** 2) * np.exp(-x.numpy()) - np.tanh(
        x.numpy()) * np.exp(-x.numpy())
    for g in grads:
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12)


def test_clearing_engine_tape_during_its_sweep_is_refused():
    box = {}

    @tf.custom_gradient
    def f(x):
        def grad(dy):
            with pytest.raises(RuntimeError, match="while a gradient is being computed"):
                box["tape"]._tape.clear()
            return dy * 2.0
        return x * 1.0, grad

    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as t:
        y = tf.sin(f(x))
    box["tape"] = t
    np.testing.assert_allclose(float(t.gradient(y, x)), 2 * np.cos(1.0), rtol=1e-6)
    np.testing.assert_allclose(float(t.gradient(y, x)), 2 * np.cos(1.0), rtol=1e-6)


# --- one tape, two threads ------------------------------------------------------------

def _chain(x, n):
    y = x
    for _ in range(n):
        y = tf.tanh(y) * 1.5 + tf.math.log1p(y * y)
    return y


def test_recording_in_one_thread_while_another_sweeps_the_same_tape():
    x = tf.Variable(np.linspace(-0.5, 0.5, 4))
    started = threading.Event()
    done = threading.Event()
    exited = threading.Event()
    t = tf.GradientTape(persistent=True)
    results = []

    def recorder():
        with t:
            y = tf.reduce_sum(_chain(x, 6))
            results.append(y)
            started.set()
            while not done.is_set():
                _chain(x, 20)            # grows the tape the other thread sweeps
        exited.set()

    def sweeper():
        started.wait()
        try:
            for _ in range(150):
                results.append(t.gradient(results[0], x).numpy())
        finally:
            done.set()

    run_threads(recorder, sweeper)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 6))
    expected = ref.gradient(y, x).numpy()
    grads = [r for r in results[1:] if isinstance(r, np.ndarray)]
    assert len(grads) == 150 and exited.is_set()
    for g in grads:
        np.testing.assert_allclose(g, expected, rtol=1e-12)


def _pausing_identity(in_sweep, resume):
    """x -> x whose gradient signals `in_sweep` and waits for `resume`: a sweep held
    open at a known point while another thread acts on the tape."""
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            in_sweep.set()
            assert resume.wait(timeout=60)
            return dy
        return tf.identity(x), grad
    return f


def test_reset_in_one_thread_during_another_threads_sweep():
    x = tf.Variable(np.linspace(-0.5, 0.5, 4))
    t = tf.GradientTape(persistent=True)
    recorded, in_sweep, resume = threading.Event(), threading.Event(), threading.Event()
    pause = _pausing_identity(in_sweep, resume)
    box = {}

    def resetter():
        with t:
            box["y"] = tf.reduce_sum(pause(_chain(x, 30)))
            recorded.set()
            assert in_sweep.wait(timeout=60)
            try:
                t.reset()
                _chain(x, 50)            # and record on the fresh tape
            finally:
                resume.set()

    def sweeper():
        assert recorded.wait(timeout=60)
        box["g"] = t.gradient(box["y"], x)

    run_threads(resetter, sweeper)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 30))
    np.testing.assert_allclose(box["g"].numpy(), ref.gradient(y, x).numpy(), rtol=1e-12)
    # the tape still works, on what was recorded after the reset only
    with t:
        y = tf.reduce_sum(x * x)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), 2 * x.numpy())
    assert t.gradient(box["y"], x) is None


def test_recording_in_one_thread_during_another_threads_sweep():
    x = tf.Variable(np.linspace(-0.5, 0.5, 4))
    t = tf.GradientTape(persistent=True)
    recorded, in_sweep, resume = threading.Event(), threading.Event(), threading.Event()
    pause = _pausing_identity(in_sweep, resume)
    box = {}

    def recorder():
        with t:
            box["y"] = tf.reduce_sum(pause(_chain(x, 30)))
            recorded.set()
            assert in_sweep.wait(timeout=60)
            try:
                _chain(x, 400)           # moves the node storage several times
            finally:
                resume.set()

    def sweeper():
        assert recorded.wait(timeout=60)
        box["g"] = t.gradient(box["y"], x)

    run_threads(recorder, sweeper)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 30))
    np.testing.assert_allclose(box["g"].numpy(), ref.gradient(y, x).numpy(), rtol=1e-12)


def test_gradient_from_another_thread_stops_recording_in_the_owning_thread():
    x = tf.Variable(2.0)
    t = tf.GradientTape()
    entered = threading.Event()
    swept = threading.Event()
    box = {}

    def owner():
        with t:
            box["y"] = x * x
            entered.set()
            swept.wait(timeout=60)
            box["inside"] = _engine.any_recording()
        box["after_exit"] = _engine.any_recording()
        box["tracked_after"] = _engine.is_tracked(x)

    def other():
        entered.wait(timeout=60)
        try:
            box["g"] = t.gradient(box["y"], x)
        finally:
            swept.set()

    run_threads(owner, other)
    assert float(box["g"]) == 4.0
    assert box["inside"] is False and box["after_exit"] is False
    assert box["tracked_after"] is False
    with pytest.raises(RuntimeError):
        t.gradient(box["y"], x)


def test_concurrent_second_use_of_non_persistent_tape_is_refused():
    x = tf.Variable(np.linspace(0, 1, 8))
    in_sweep, resume = threading.Event(), threading.Event()
    with tf.GradientTape() as t:
        y = tf.reduce_sum(_pausing_identity(in_sweep, resume)(_chain(x, 40)))
    outcomes = {}

    def first():
        outcomes["first"] = t.gradient(y, x).numpy()

    def second():
        assert in_sweep.wait(timeout=60)
        try:
            t.gradient(y, x)
        except RuntimeError as exc:
            outcomes["second"] = exc
        finally:
            resume.set()

    run_threads(first, second)
    assert isinstance(outcomes["second"], RuntimeError)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 40))
    np.testing.assert_allclose(outcomes["first"], ref.gradient(y, x).numpy(), rtol=1e-12)
