"""Every op's gradient against finite differences, first and second order (float64).

Cases come from tests/ops/cases_*.py; the registry check makes sure none is missing.
"""

import importlib
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import tests.ops
from fasttape.ops._registry import OPS
from tests.ops.gradcheck import check_case


def _all_cases():
    cases = []
    for mod in pkgutil.iter_modules(tests.ops.__path__):
        if mod.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.ops.{mod.name}").CASES
    return cases


CASES = _all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_gradient_matches_finite_differences(case, data):
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    if case.shapes is None:
        shapes = data.draw(mutually_broadcastable_shapes(num_shapes=case.n_in, max_dims=3,
                                                         max_side=3), label="shapes")
        shapes = shapes.input_shapes
    else:
        shapes = case.shapes
    check_case(case, np.random.default_rng(seed), shapes)


def test_every_differentiable_op_has_a_gradcheck_case():
    covered = {c.op for c in CASES}
    missing = sorted(op.name for op in OPS if op.rule is not None and op.name not in covered)
    assert not missing, f"ops with a gradient rule but no gradcheck case: {missing}"
