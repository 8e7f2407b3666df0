"""Every op's forward-mode derivative against finite differences (float64), orders 1 and 2.

The cases are the reverse-mode ones (tests/ops/cases_*.py). For random tangents t,
ForwardAccumulator's jvp must equal (f(x + eps t) - f(x - eps t)) / 2 eps. Order 2
differentiates x -> jvp(f)(x; t1) along t2 with an outer accumulator: that is forward
mode through the JVP computations themselves (the rules, run as ops).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import fasttape as tf
from fasttape.ops._registry import OPS
from tests.ops.gradcheck import draw_inputs
from tests.ops.test_gradcheck import CASES


def _jvp(fn, xs, ts):
    consts = [tf.constant(x) for x in xs]
    with tf.autodiff.ForwardAccumulator(consts, [tf.constant(t) for t in ts]) as acc:
        y = fn(*consts)
    return acc.jvp(y, unconnected_gradients="zero")


def _inner_jvp_fn(fn, ts):
    """x -> the JVP of fn at x along ts (computed by an accumulator)."""
    def inner(*consts):
        with tf.autodiff.ForwardAccumulator(list(consts), [tf.constant(t) for t in ts]) as acc:
            y = fn(*consts)
        return acc.jvp(y, unconnected_gradients="zero")
    return inner


def _check(case, fn, xs, rng, eps, rtol, atol):
    ts = [rng.standard_normal(x.shape) for x in xs]
    analytic = np.asarray(_jvp(fn, xs, ts), dtype=np.float64)
    plus = np.asarray(fn(*[tf.constant(x + eps * t) for x, t in zip(xs, ts)]), np.float64)
    minus = np.asarray(fn(*[tf.constant(x - eps * t) for x, t in zip(xs, ts)]), np.float64)
    numeric = (plus - minus) / (2 * eps)
    assert analytic.shape == numeric.shape, f"{case.id}: jvp shape {analytic.shape}"
    scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
    err = float(np.max(np.abs(analytic - numeric), initial=0.0))
    assert err <= 10 * (atol + rtol * scale), (
        f"{case.id}: jvp {analytic!r} vs finite difference {numeric!r}")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_jvp_matches_finite_differences(case, data):
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    if case.shapes is None:
        shapes = data.draw(mutually_broadcastable_shapes(num_shapes=case.n_in, max_dims=3,
                                                         max_side=3), label="shapes")
        shapes = shapes.input_shapes
    else:
        shapes = case.shapes
    rng = np.random.default_rng(seed)
    xs = draw_inputs(case, rng, shapes)
    _check(case, case.fn, xs, rng, case.eps, case.rtol, case.atol)
    if case.order >= 2:
        t1 = [rng.standard_normal(x.shape) for x in xs]
        _check(case, _inner_jvp_fn(case.fn, t1), xs, rng, 1e-5, 1e-4, 1e-5)


def test_every_differentiable_op_has_a_case():
    covered = {c.op for c in CASES}
    missing = sorted(op.name for op in OPS if op.rule is not None and op.name not in covered)
    assert not missing
