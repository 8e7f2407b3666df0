"""Replays do not grow memory; a deleted function frees its programs."""

import gc
import tracemalloc
import weakref

import fasttape as tf


def test_replay_loop_does_not_grow_memory():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            y = tf.sin(v * x) + x * x
        v.assign_sub(0.0 * tape.gradient(y, v))
        return y

    x = tf.constant(0.5)
    for _ in range(2000):
        f(x)
    tracemalloc.start()
    try:
        for _ in range(2000):
            f(x)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(30000):
            f(x)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 64 * 1024, (before, after)
    assert f.experimental_get_tracing_count() == 1


class Stream:
    def write(self, text):
        pass


def test_deleting_the_function_frees_its_programs():
    stream = Stream()
    ref = weakref.ref(stream)

    @tf.function
    def f(x):
        tf.print(x, output_stream=stream)
        return x + 1.0

    f(tf.constant(1.0))
    f(tf.constant(2.0))
    del stream
    gc.collect()
    assert ref() is not None             # the program's print holds the stream
    del f
    gc.collect()
    assert ref() is None
