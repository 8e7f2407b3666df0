"""fasttape leaves the process's allocator alone; its buffer pool serves only arrays
made while a tape is active, is bounded, and is emptied when tapes are idle."""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import fasttape as tf
from fasttape import _memory

ROOT = Path(__file__).resolve().parents[1]
try:
    from numpy._core.multiarray import get_handler_name
except ImportError:                     # numpy < 2
    from numpy.core.multiarray import get_handler_name

# RSS after freeing 300 MB of 1 MB arrays, in a fresh process: near where it started
# unless something raised malloc's mmap/trim thresholds.
RSS_AFTER_FREE = """
import sys
import numpy as np
if sys.argv[1] == "fasttape":
    import fasttape as tf
    x = tf.Variable(np.ones(1 << 20, np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.tanh(x) * x)
    tape.gradient(y, x)

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

before = rss_mb()
arrays = [np.ones(1 << 17) for _ in range(300)]        # 300 x 1 MiB
del arrays
print(rss_mb() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_importing_fasttape_leaves_malloc_settings_alone():
    grown = {}
    for mode in ("numpy", "fasttape"):
        run = subprocess.run([sys.executable, "-c", RSS_AFTER_FREE, mode], capture_output=True,
                             text=True, timeout=120, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert run.returncode == 0, run.stderr
        grown[mode] = float(run.stdout)
    # with raised thresholds the 300 MB stay resident; without, both give them back
    assert grown["fasttape"] < grown["numpy"] + 50, grown


def test_pool_serves_only_arrays_made_under_a_tape():
    outside = np.ones(1 << 20)
    x = tf.Variable(np.ones(1 << 18, np.float32))
    with tf.GradientTape() as tape:
        inside = np.ones(1 << 20)
        y = tf.reduce_sum(x * x)
    grad = tape.gradient(y, x)
    after = np.ones(1 << 20)
    assert get_handler_name(outside) == get_handler_name(after) != "fasttape_pool"
    if _memory.ENABLED:
        assert get_handler_name(inside) == "fasttape_pool"
    np.testing.assert_array_equal(grad.numpy(), 2 * np.ones(1 << 18, np.float32))


def test_pool_is_scoped_per_thread_and_nests():
    import threading
    seen = {}

    def other():
        seen["other"] = get_handler_name(np.ones(1 << 20))

    with tf.GradientTape():
        with tf.GradientTape():
            pass
        seen["inner_exited"] = get_handler_name(np.ones(1 << 20))
        t = threading.Thread(target=other)
        t.start()
        t.join()
    seen["outside"] = get_handler_name(np.ones(1 << 20))
    assert seen["other"] == seen["outside"] != "fasttape_pool"
    if _memory.ENABLED:
        assert seen["inner_exited"] == "fasttape_pool"


@pytest.mark.skipif(not _memory.ENABLED, reason="FASTTAPE_POOL_MB=0")
def test_pool_reuses_buffers_between_steps_and_stays_bounded():
    x = tf.Variable(np.linspace(-1, 1, 1 << 20, dtype=np.float32))

    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.tanh(x * 2.0) ** 2)
        return tape.gradient(y, x)

    first = step().numpy().copy()
    hits = _memory.stats()["hits"]
    for _ in range(3):
        np.testing.assert_array_equal(step().numpy(), first)
    stats = _memory.stats()
    assert stats["hits"] > hits
    assert stats["cached_bytes"] <= stats["limit"] and stats["blocks"] <= 64
    _memory.release()
    assert _memory.stats()["blocks"] == 0 and _memory.stats()["cached_bytes"] == 0


@pytest.mark.skipif(not _memory.ENABLED, reason="FASTTAPE_POOL_MB=0")
def test_pool_serves_buffers_made_only_by_the_gradient_call():
    # dW (784x256 float32) is the only large buffer and is made in the gradient call,
    # two tape regions after the previous step's dW came back to the pool
    X = tf.constant(np.linspace(0, 1, 64 * 784, dtype=np.float32).reshape(64, 784))
    W = tf.Variable(np.ones((784, 256), np.float32))

    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.matmul(X, W))
        return tape.gradient(y, W)

    expected = np.repeat(X.numpy().sum(axis=0)[:, None], 256, axis=1)
    step()
    step()
    hits = _memory.stats()["hits"]
    for _ in range(3):
        step()
    assert _memory.stats()["hits"] >= hits + 3
    kept = [step() for _ in range(3)]       # held results must not share a buffer
    for g in kept:
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-6)


@pytest.mark.skipif(not _memory.ENABLED, reason="FASTTAPE_POOL_MB=0")
def test_pool_is_emptied_when_tapes_are_idle(monkeypatch):
    monkeypatch.setattr(_memory, "IDLE_SECONDS", 0.2)
    x = tf.Variable(np.ones(1 << 20, np.float32))
    # the second round checks that tape activity wakes the reaper again once it blocks
    for _ in range(2):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.exp(x) * x)
        del y
        tape.gradient(tf.reduce_sum(x), x)
        deadline = time.monotonic() + 30
        while _memory.stats()["blocks"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _memory.stats()["blocks"] == 0
        while not _memory._reaper_waiting and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _memory._reaper_waiting


def test_pool_off_by_environment():
    code = ("import numpy as np, fasttape as tf\n"
            "from fasttape import _memory\n"
            "x = tf.Variable(np.ones(1 << 20, np.float32))\n"
            "with tf.GradientTape() as t:\n"
            "    y = tf.reduce_sum(x * x)\n"
            "t.gradient(y, x)\n"
            "print(_memory.ENABLED, _memory.stats()['blocks'])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "FASTTAPE_POOL_MB": "0"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "0"]


def test_a_tape_left_entered_does_not_hang_the_interpreter_at_exit():
    # Collected at shutdown, the tape ends its pool region; that must not start the
    # pool's thread then (it would never run, and starting it would wait forever).
    script = ("import fasttape as tf\n"
              "t = tf.GradientTape(persistent=True)\n"
              "t.__enter__()\n"
              "x = tf.Variable(1.0)\n"
              "y = x * x\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=60,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
