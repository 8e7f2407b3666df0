"""The op registry: what a rule may read, op codes, fused kernel names."""

import inspect

import numpy as np
import pytest

from fasttape import _engine, _kernels
from fasttape.ops import _registry
from fasttape.ops._registry import OPS, defop


@pytest.fixture
def scratch_ops():
    """Declare ops in a test, and take them out of the registry afterwards."""
    n = len(OPS)
    yield
    del OPS[n:]


def _forward(x, y, axis=0):
    return x + y


# --- the registry as built at import ------------------------------------------------------

def test_op_codes_are_unique_and_equal_to_the_index_in_ops():
    assert [op.code for op in OPS] == list(range(len(OPS)))


def test_every_op_is_an_opdef_with_a_name():
    assert all(isinstance(op, _engine.OpDef) and op.name for op in OPS)


def test_every_rule_reads_only_what_its_signature_declares():
    for op in OPS:
        if op.rule is None:
            continue
        params = list(inspect.signature(op.rule).parameters)
        reads = params[1:-1] if params[-1] == "needs" else params[1:]
        assert op.n_spec == len(reads), op.name
        assert op.rule_wants_needs == (params[-1] == "needs"), op.name


def test_every_fused_backward_kernel_belongs_to_a_rule_that_reads_its_one_operand():
    for op in OPS:
        if op.fused_backward >= 0:
            assert op.rule is not None, op.name


def test_the_public_function_has_tf_signature_plus_name():
    from fasttape.ops.elementwise import multiply

    assert list(inspect.signature(multiply).parameters) == ["x", "y", "name"]


# --- declarations the registry refuses ----------------------------------------------------

def test_a_rule_parameter_that_is_not_declared_raises_type_error(scratch_ops):
    fn = defop(_forward, name="scratch_bad_param")
    with pytest.raises(TypeError, match="'z' is neither an input, 'ans', an attribute nor "
                                        "'needs'"):
        @fn.defvjp
        def _rule(g, x, z):
            return g, g


def test_needs_anywhere_but_last_is_rejected(scratch_ops):
    fn = defop(_forward, name="scratch_needs_first")
    with pytest.raises(TypeError):
        @fn.defvjp
        def _rule(g, needs, x):
            return g, g


def test_a_rule_without_parameters_raises_type_error(scratch_ops):
    fn = defop(_forward, name="scratch_no_params")
    with pytest.raises(TypeError, match="cotangent"):
        fn.defvjp(lambda: None)


def test_a_valid_rule_declares_what_is_saved(scratch_ops):
    fn = defop(_forward, name="scratch_good")

    @fn.defvjp
    def _rule(g, y, ans, axis, needs):
        return g, g

    op = fn.op
    assert op.rule is _rule and op.n_spec == 3 and op.rule_wants_needs


def test_a_fused_kernel_name_that_does_not_exist_raises_lookup_error(scratch_ops):
    with pytest.raises(LookupError, match="no fused kernel named 'no_such_kernel'"):
        defop(lambda x: x, name="scratch_fused", fused="no_such_kernel")


def test_a_rule_must_read_exactly_the_operand_of_its_fused_kernel(scratch_ops):
    def scratch_tanh(x):
        return np.tanh(x)

    fn = defop(scratch_tanh, fused="tanh", float_only=True)     # the kernel reads ans
    with pytest.raises(TypeError, match="fused kernel reads"):
        @fn.defvjp
        def _rule(g, x):
            return g * x


def test_a_variadic_op_needs_a_hand_written_public_function(scratch_ops):
    def scratch_variadic(*values):
        return values[0]

    with pytest.raises(TypeError, match="variadic"):
        defop(scratch_variadic)


def test_new_ops_get_the_next_code(scratch_ops):
    n = len(OPS)
    fn = defop(lambda x: x, name="scratch_code", public=False)
    assert fn.op.code == n and OPS[n] is fn.op


def test_kernel_tables_name_distinct_indices():
    for table in (_kernels.FORWARD, {k: v[0] for k, v in _kernels.BACKWARD.items()}):
        assert sorted(table.values()) == list(range(len(table)))
    assert _registry.OPS is _engine.OPS


# --- differentiability --------------------------------------------------------------------

def _package_ops():
    """The ops fasttape declares (tests elsewhere may leave scratch ops behind)."""
    return [op for op in OPS
            if getattr(op.forward, "__module__", "").startswith("fasttape.")]


def test_every_op_has_a_rule_or_is_declared_not_differentiable():
    # an op that forgot its rule would silently give None gradients
    ops = _package_ops()
    assert len(ops) > 150
    undeclared = sorted(op.name for op in ops
                        if op.rule is None and op.code not in _registry.NOT_DIFFERENTIABLE)
    assert not undeclared, f"ops with neither a rule nor differentiable=False: {undeclared}"


def test_no_op_declared_not_differentiable_has_a_rule():
    both = sorted(op.name for op in OPS
                  if op.rule is not None and op.code in _registry.NOT_DIFFERENTIABLE)
    assert not both


def test_a_non_differentiable_op_refuses_a_rule(scratch_ops):
    fn = defop(lambda x: x, name="scratch_nondiff", differentiable=False)
    assert fn.differentiable is False
    with pytest.raises(TypeError, match="differentiable=False"):
        fn.defvjp(lambda g: g)
    assert fn.op.rule is None


@pytest.mark.parametrize("through", [
    lambda tf, x: tf.floor(x), lambda tf, x: tf.math.ceil(x), lambda tf, x: tf.round(x),
    lambda tf, x: tf.math.rint(x), lambda tf, x: tf.math.floordiv(x, 0.5),
    lambda tf, x: tf.truncatediv(x, 0.5), lambda tf, x: tf.stop_gradient(x),
    lambda tf, x: tf.cast(tf.equal(x, 1.3), tf.float32),
    lambda tf, x: tf.cast(tf.argmax(x), tf.float32),
    lambda tf, x: tf.cast(tf.math.is_nan(x), tf.float32),
])
def test_the_gradient_through_a_non_differentiable_op_is_none(through):
    import fasttape as tf

    x = tf.Variable([1.3, -2.7])
    with tf.GradientTape() as tape:
        y = through(tf, x)
    assert tape.gradient(y, x) is None         # as in TF 2.21


# --- the generated public functions -------------------------------------------------------

def _generated():
    """(public name, function) of every published function defop generated."""
    return [(f"{ns}.{name}", fn) for ns, names in _registry.EXPORTS.items()
            for name, fn in names.items()
            if hasattr(fn, "op") and getattr(fn, "__code__", None) is not None
            and fn.__code__.co_filename == "<string>"]


def test_generated_functions_carry_their_declarations_metadata():
    import importlib

    generated = _generated()
    assert len(generated) > 50
    for public, fn in generated:
        op = fn.op
        assert fn.__name__ == fn.__qualname__ == op.name, public
        assert fn.__doc__ == op.forward.__doc__, public
        module = importlib.import_module(fn.__module__)
        assert module.__name__.startswith("fasttape."), public
        assert inspect.getsourcefile(module) is not None
        forward = inspect.signature(op.forward).parameters
        assert list(inspect.signature(fn).parameters) == [*forward, "name"], public
        defaults = {p.name: p.default for p in forward.values() if p.default is not p.empty}
        assert {p.name: p.default for p in inspect.signature(fn).parameters.values()
                if p.default is not p.empty} == {**defaults, "name": None}, public
