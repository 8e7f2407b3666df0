"""Every gradcheck case (tests/ops/cases_*.py) with its function wrapped in
fasttape.function: the traced call, its replay on new inputs, a tape outside the call
and a tape inside it give eager execution's results."""

import numpy as np
import pytest

import fasttape as tf
from tests.ops.gradcheck import draw_inputs
from tests.ops.test_gradcheck import CASES


def _shapes(case):
    return case.shapes if case.shapes is not None else [(2, 3)] * case.n_in


def _eager_grads(fn, xs):
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = fn(*ts)
    return y, tape.gradient(y, ts, unconnected_gradients="zero")


def _same(a, b, exact):
    a, b = np.asarray(tf.convert_to_tensor(a)), np.asarray(tf.convert_to_tensor(b))
    assert a.shape == b.shape and a.dtype == b.dtype
    if exact:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_traced(case):
    rng = np.random.default_rng(1)
    shapes = _shapes(case)
    traced = tf.function(case.fn)

    def grads_inside(*ts):
        with tf.GradientTape() as tape:
            tape.watch(list(ts))
            y = case.fn(*ts)
        return y, tape.gradient(y, list(ts), unconnected_gradients="zero")
    traced_inside = tf.function(grads_inside)

    for _ in range(3):                       # trace, then replays on new values
        xs = draw_inputs(case, rng, shapes)
        y_eager, g_eager = _eager_grads(case.fn, xs)
        _same(traced(*[tf.constant(x) for x in xs]), y_eager, exact=True)
        # a tape outside the call: the replay goes through the eager engine
        y_out, g_out = _eager_grads(traced, xs)
        _same(y_out, y_eager, exact=True)
        for a, b in zip(g_out, g_eager):
            _same(a, b, exact=True)
        # a tape inside: the backward is part of the program
        y_in, g_in = traced_inside(*[tf.constant(x) for x in xs])
        _same(y_in, y_eager, exact=True)
        for a, b in zip(g_in, g_eager):
            _same(a, b, exact=False)
