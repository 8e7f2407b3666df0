"""Reuse of large array buffers while tapes are active, and only then.

A tape keeps its saved arrays until the sweep, so every gradient on large arrays
allocates a fresh set of buffers; fresh buffers come from new pages, and every first
write to each page faults. While a GradientTape records or differentiates on a thread,
numpy allocates that thread's arrays through fasttape's pool (fasttape._pool): large
buffers freed by one step are handed to the next. The process's malloc settings are
left alone and arrays made outside tapes never touch the pool.

The pool is bounded (FASTTAPE_POOL_MB, default 256; 0 turns it off), drops blocks not
reused for two steps (STEPS_KEPT), and gives everything back after IDLE_SECONDS without tape activity.
"""

import os
import sys
import threading
import time

from fasttape import _pool

IDLE_SECONDS = 2.0
STEPS_KEPT = 2              # a cached block not reused for this many steps is freed
LIMIT_MB = int(os.environ.get("FASTTAPE_POOL_MB", "256"))
_pool.set_limit(max(LIMIT_MB, 0) << 20)
ENABLED = LIMIT_MB > 0

_local = threading.local()
_last_active = time.monotonic()
_reaper = None
_wake = threading.Event()
_reaper_waiting = False     # the reaper blocks on _wake (rather than sleeping a timeout)


def enter():
    """A tape region starts on this thread (they nest)."""
    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    if depth == 0 and ENABLED:
        _pool.new_step()
        # ages count tape regions, and a training step is usually two (recording, then
        # the gradient call): a gradient's buffers are next needed two regions later
        _pool.release(2 * STEPS_KEPT)
        _local.previous = _pool.set_handler(_pool.HANDLER)


def exit():
    """The matching end of enter()."""
    global _last_active, _reaper_waiting
    depth = getattr(_local, "depth", 0) - 1
    if depth < 0:               # a tape collected on another thread than its own
        return
    _local.depth = depth
    if depth == 0 and ENABLED:
        _pool.set_handler(_local.previous)
        _local.previous = None
        _last_active = time.monotonic()
        if _reaper is None:
            # (not while the interpreter shuts down, e.g. a tape left entered being
            # collected: a thread started then never runs, and start() would wait on it)
            if not sys.is_finalizing():
                _start_reaper()
        elif _reaper_waiting:
            # Wake the reaper only when it blocks: waking it on every exit costs a
            # thread switch per tape, more than a small gradient itself.
            _reaper_waiting = False
            _wake.set()


def release():
    """Give every cached buffer back to malloc now; returns how many were freed."""
    return _pool.release(0)


def stats():
    """The pool's counters: cached_bytes, blocks, limit, hits, misses."""
    return _pool.stats()


def _reap():
    # Sleeps while tapes are in use; once they have been idle IDLE_SECONDS, frees the
    # cache and blocks until exit() wakes it. Buffers freed after a tape exits come
    # back to the pool later, so it waits for idleness, not for cached blocks.
    global _reaper_waiting
    while True:
        idle = time.monotonic() - _last_active
        if idle < IDLE_SECONDS:
            time.sleep(IDLE_SECONDS - idle)
            continue
        _pool.release(0)
        _wake.clear()
        _reaper_waiting = True
        if time.monotonic() - _last_active < IDLE_SECONDS:
            _reaper_waiting = False     # an exit() ran before the flag was set
            continue
        _wake.wait()


def _start_reaper():
    global _reaper
    _reaper = threading.Thread(target=_reap, name="fasttape-pool-reaper", daemon=True)
    _reaper.start()
