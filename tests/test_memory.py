"""Memory: tapes free what they hold, repeated use does not grow, deep graphs work.

numpy reports its array buffers to tracemalloc, so traced memory covers both the
Python objects and the arrays a tape saves.
"""

import gc
import sys
import tracemalloc
import weakref

import numpy as np
import pytest

import fasttape as tf

MB = 1 << 20


def traced_now():
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


@pytest.fixture
def traced():
    tracemalloc.start()
    try:
        yield traced_now
    finally:
        tracemalloc.stop()


def test_many_non_persistent_tape_cycles_do_not_grow(traced):
    x = tf.Variable([1.0, 2.0, 3.0])

    def cycle():
        with tf.GradientTape() as t:
            y = x * x
        return t.gradient(y, x)

    for _ in range(2000):                    # warm-up: caches, interned objects
        cycle()
    before = tracemalloc.take_snapshot()
    for _ in range(100_000):
        cycle()
    gc.collect()
    after = tracemalloc.take_snapshot()
    growth = sum(d.size_diff for d in after.compare_to(before, "filename"))
    # a leak of one small object per cycle would be megabytes; allow a constant slack
    assert growth < 32 * 1024, [str(d) for d in after.compare_to(before, "lineno")[:5]]


def test_a_deleted_persistent_tape_is_freed():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        y = x * x
    t.gradient(y, x)
    ref = weakref.ref(t)
    del t
    assert ref() is None                     # by reference counting, no cycle


def test_a_deleted_persistent_tape_releases_its_saved_arrays(traced):
    x = tf.Variable(np.ones(1 << 20))        # 8 MB
    base = traced()
    with tf.GradientTape(persistent=True) as t:
        y = tf.reduce_sum(tf.sin(x * 2.0) * x)     # saves several 8 MB intermediates
    g = t.gradient(y, x)
    del y, g
    assert traced() - base > 8 * MB          # held by the tape alone
    del t
    assert traced() - base < MB


def test_a_saved_intermediate_lives_only_as_long_as_the_tape():
    x = tf.constant(np.ones(1 << 10))
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * 2.0
        z = y * y                            # the tape saves y
    probe = np.asarray(y)                    # y's own array
    del y
    count = sys.getrefcount(probe)
    del t
    assert sys.getrefcount(probe) == count - 1   # the saved tensor went with the tape
    del z


def test_non_persistent_tape_frees_its_nodes_after_gradient(traced):
    x = tf.Variable(np.ones(1 << 20))
    base = traced()
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.sin(x * 2.0) * x)
    assert t._tape.num_nodes > 0
    t.gradient(y, x)
    assert t._tape.num_nodes == 0
    del y
    assert traced() - base < MB              # the tape object still exists


def test_persistent_tape_keeps_its_nodes_until_deleted():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        y = tf.sin(x) * x
    n = t._tape.num_nodes
    t.gradient(y, x)
    t.gradient(y, x)
    assert t._tape.num_nodes == n > 0


def test_a_tape_dropped_inside_its_block_stops_recording():
    x = tf.Variable(1.0)
    t = tf.GradientTape()
    t.__enter__()
    del t
    gc.collect()
    assert not tf._engine.any_recording()
    _ = x * x                                # nothing left to record on


def test_a_million_op_chain_differentiates_without_recursion():
    x = tf.Variable(1.0)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)               # any recursion over the graph would fail
    try:
        with tf.GradientTape() as t:
            y = x
            for _ in range(1_000_000):
                y = y * 1.0
        g = t.gradient(y, x)
    finally:
        sys.setrecursionlimit(limit)
    assert float(g) == 1.0
    assert t._tape.num_nodes == 0
