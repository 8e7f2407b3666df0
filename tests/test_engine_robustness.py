"""The compiled engine's entry points refuse malformed calls with exceptions (they index
C arrays and tuples without bounds checks once validated, so validation must happen)."""

import numpy as np
import pytest

import fasttape as tf
from fasttape import _engine
from fasttape.ops import elementwise, linalg, reductions


def test_apply_checks_the_number_of_inputs():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        _engine.apply(elementwise.multiply.op, (x,), ())


def test_apply_checks_the_number_of_attributes():
    x = tf.constant([[1.0, 2.0]])
    with pytest.raises(TypeError, match="attributes"):
        _engine.apply(reductions._sum.op, (x,), ((0,),))


def test_empty_attributes_mean_the_defaults():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:          # the rule reads attributes: they must exist
        tape.watch(a)
        y = _engine.apply(linalg._matmul_t.op, (a, a), ())
    np.testing.assert_allclose(tape.gradient(y, a).numpy(), [[7.0, 11.0], [9.0, 13.0]])


def test_apply_refuses_non_tensors():
    with pytest.raises(TypeError, match="expected a Tensor or Variable"):
        _engine.apply(elementwise.negative.op, (np.ones(2),), ())


def test_sweep_refuses_mismatched_seeds():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(ValueError, match="0 seeds for 1 targets"):
        tape._tape.gradients([y], [], [x], True)
    with pytest.raises(ValueError, match="2 seeds for 1 targets"):
        tape._tape.sweep([y], [None, None], [_engine.source_key(x)], True)


def test_gradients_refuse_non_tensor_targets_and_sources():
    x = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(TypeError, match="target must be a Tensor or Variable"):
        tape._tape.gradients([1.0], [None], [x], True)
    with pytest.raises(TypeError, match="source must be a Tensor or Variable"):
        tape._tape.gradients([y], [None], [np.ones(1)], True)


def test_a_rule_reading_too_many_values_is_refused():
    op = _engine.OpDef("_too_many", lambda x: x, 1)
    with pytest.raises(ValueError, match="at most 16"):
        op.set_rule(lambda g, *a: g, [0] * 17, False)


def test_retype_needs_a_tensor_subclass():
    with pytest.raises(TypeError, match="subclass of Tensor"):
        _engine.retype(tf.constant(1.0), dict)
