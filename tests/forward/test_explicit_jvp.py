"""Cheaper JVP forms (`.defjvp`, `.defjvp_elementwise()`, `.defjvp_linear()`) agree
with the JVP derived from the VJP rule (double VJP)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import fasttape as tf
from fasttape.ops._registry import JVPS, OPS
from tests.ops.gradcheck import draw_inputs
from tests.ops.test_gradcheck import CASES

EXPLICIT = {OPS[code].name for code in JVPS}
EXPLICIT_CASES = [c for c in CASES if c.op in EXPLICIT]


def _jvp(case, xs, ts):
    consts = [tf.constant(x) for x in xs]
    with tf.autodiff.ForwardAccumulator(consts, [tf.constant(t) for t in ts]) as acc:
        y = case.fn(*consts)
    return acc.jvp(y, unconnected_gradients="zero")


def test_the_elementwise_family_declares_explicit_jvps():
    assert {"sin", "tanh", "add", "multiply", "pow", "_sum", "_reshape", "_concat"} <= EXPLICIT
    assert {c.op for c in EXPLICIT_CASES} == EXPLICIT


@pytest.mark.parametrize("case", EXPLICIT_CASES, ids=[c.id for c in EXPLICIT_CASES])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_explicit_jvp_equals_derived(case, data):
    shapes = case.shapes or data.draw(mutually_broadcastable_shapes(
        num_shapes=case.n_in, max_dims=3, max_side=3)).input_shapes
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    xs = draw_inputs(case, rng, shapes)
    # one input at a time, then all: explicit rules see None tangents too
    for active in [[k] for k in range(len(xs))] + [list(range(len(xs)))]:
        ts = [rng.standard_normal(x.shape) if k in active else np.zeros(x.shape)
              for k, x in enumerate(xs)]
        explicit = np.asarray(_jvp(case, xs, ts))
        code = next(op.code for op in OPS if op.name == case.op)
        rule = JVPS.pop(code)
        try:
            derived = np.asarray(_jvp(case, xs, ts))
        finally:
            JVPS[code] = rule
        assert explicit.shape == derived.shape
        np.testing.assert_allclose(explicit, derived, rtol=1e-12, atol=1e-12)
