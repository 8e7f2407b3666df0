"""Op observers: called after every op a thread applies, with the operands as passed."""

import threading

import fasttape as tf
from fasttape import _engine


def test_observer_sees_ops_in_order_until_popped():
    seen = []

    def observer(op, inputs, attrs, out):
        seen.append((op.name, inputs, out))

    x = tf.Variable(2.0)
    _engine.push_observer(observer)
    try:
        y = tf.sin(x) * x
    finally:
        assert _engine.pop_observer(observer)
    tf.cos(x)
    assert [name for name, _, _ in seen] == ["sin", "multiply"]
    assert seen[0][1][0] is x                      # Variables are passed as themselves
    assert seen[1][2] is y
    assert not _engine.pop_observer(observer)


def test_observer_is_per_thread():
    seen = []
    observer = lambda op, inputs, attrs, out: seen.append(op.name)  # noqa: E731
    _engine.push_observer(observer)
    try:
        worker = threading.Thread(target=lambda: tf.exp(1.0))
        worker.start()
        worker.join()
    finally:
        _engine.pop_observer(observer)
    assert seen == []
