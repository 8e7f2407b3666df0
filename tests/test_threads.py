"""Tapes are per thread: each thread records on its own tapes only."""

import threading

import numpy as np

import fasttape as tf


def run_threads(*targets):
    errors = []

    def guard(fn):
        def wrapped():
            try:
                fn()
            except BaseException as exc:  # noqa: B902 - reported to the main thread
                errors.append(exc)
        return wrapped

    threads = [threading.Thread(target=guard(fn)) for fn in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads)
    if errors:
        raise errors[0]


def test_two_threads_recording_at_once_get_their_own_gradients():
    n_iter = 2000
    start = threading.Barrier(2)
    results = {}

    def worker(key, scale):
        x = tf.Variable(np.full(4, scale, np.float32))
        start.wait()
        wrong = 0
        for _ in range(n_iter):
            with tf.GradientTape() as t:
                y = tf.reduce_sum(x * x * scale + tf.sin(x))
            g = np.asarray(t.gradient(y, x))
            expected = 2 * scale * scale + np.cos(np.float32(scale))
            wrong += not np.allclose(g, expected, rtol=1e-5)
            wrong += t._tape.num_nodes != 0
        results[key] = wrong

    run_threads(lambda: worker("a", 1.0), lambda: worker("b", 3.0))
    assert results == {"a": 0, "b": 0}


def test_nested_and_persistent_tapes_in_parallel_threads():
    start = threading.Barrier(2)
    results = {}

    def worker(key, x0):
        x = tf.Variable(x0)
        start.wait()
        out = []
        for _ in range(300):
            with tf.GradientTape(persistent=True) as outer:
                with tf.GradientTape() as inner:
                    y = x * x * x
                dy = inner.gradient(y, x)
            out.append((float(dy), float(outer.gradient(dy, x))))
        results[key] = set(out)

    run_threads(lambda: worker("a", 2.0), lambda: worker("b", 3.0))
    assert results == {"a": {(12.0, 12.0)}, "b": {(27.0, 18.0)}}


def test_a_tape_entered_in_one_thread_does_not_record_another_threads_ops():
    x = tf.Variable(3.0)
    entered, done = threading.Event(), threading.Event()
    other = {}

    def other_thread():
        entered.wait(timeout=30)
        other["y"] = x * x              # reads x while the main thread's tape records
        other["watching"] = tf._engine.any_recording()
        done.set()

    th = threading.Thread(target=other_thread)
    th.start()
    with tf.GradientTape() as t:
        entered.set()
        done.wait(timeout=30)
        _ = x + 1.0                     # the one op this tape records
    th.join(timeout=30)
    assert other["watching"] is False
    assert t._tape.num_nodes == 1                  # only z's op
    assert t.gradient(other["y"], x) is None
    assert len(t.watched_variables()) == 1


def test_a_tape_in_another_thread_does_not_see_this_threads_variable_reads():
    x = tf.Variable(3.0)
    in_block, read_done = threading.Event(), threading.Event()
    seen = {}

    def recorder():
        with tf.GradientTape() as t:
            in_block.set()
            read_done.wait(timeout=30)
        seen["watched"] = t.watched_variables()
        seen["nodes"] = t._tape.num_nodes

    th = threading.Thread(target=recorder)
    th.start()
    in_block.wait(timeout=30)
    _ = x * x
    read_done.set()
    th.join(timeout=30)
    assert seen == {"watched": (), "nodes": 0}


def test_threads_running_large_fused_kernels_at_once():
    # arrays large enough that the backward kernels run without the GIL
    start = threading.Barrier(2)
    results = {}

    def worker(key, shift):
        x = tf.Variable(np.linspace(-2, 2, 1 << 16).astype(np.float32) + shift)
        start.wait()
        ok = True
        for _ in range(20):
            with tf.GradientTape() as t:
                y = tf.tanh(x)
            g = np.asarray(t.gradient(y, x))
            ok &= np.allclose(g, 1 - np.tanh(np.asarray(x)) ** 2, atol=1e-6)
        results[key] = ok

    run_threads(lambda: worker("a", 0.0), lambda: worker("b", 0.5))
    assert results == {"a": True, "b": True}
