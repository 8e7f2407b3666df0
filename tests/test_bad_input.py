"""Bad input gets a clear exception of TF's class, never a crash or a half-recorded tape.

NaN and inf are values, not errors: they propagate through values and gradients
exactly as in TF 2.21 (the expectations below were observed there).

Deliberate differences: fasttape has no string tensors, so a string operand raises
TypeError where TF raises InvalidArgumentError from its string kernels; an int32
tensor plus a Python int beyond int32 raises TypeError where TF silently wraps.
"""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError


def value(t):
    return np.asarray(t)


# --- values that are not tensors ----------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: tf.constant("a"), lambda: tf.Variable("a"), lambda: tf.exp("a"),
    lambda: tf.square("a"), lambda: tf.add(1.0, "b"), lambda: tf.constant(1.0) + "a",
    lambda: "a" * tf.constant(1.0), lambda: tf.reduce_mean(np.array(["a"])),
], ids=["constant", "Variable", "exp", "square", "add", "operator", "roperator",
        "numpy-strings"])
def test_strings_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize("make", [
    lambda: tf.constant(object()), lambda: tf.constant({1: 2}), lambda: tf.exp(object()),
    lambda: tf.constant(1.0) + object(), lambda: tf.convert_to_tensor([1.0, None]),
], ids=["object", "dict", "exp-object", "operator-object", "list-with-none"])
def test_unsupported_objects_raise_value_error(make):
    with pytest.raises(ValueError, match="to (a )?Tensor"):
        make()


@pytest.mark.parametrize("make", [
    lambda: tf.constant(None), lambda: tf.exp(None), lambda: tf.constant(1.0) + None,
    lambda: tf.Variable(None), lambda: tf.matmul(None, [[1.0]]),
], ids=["constant", "exp", "operator", "Variable", "matmul"])
def test_none_raises_value_error(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("ragged", [[[1.0, 2.0], [3.0]], [1.0, [2.0]], [[[1.0]], [2.0]]],
                         ids=["rows", "scalar-and-list", "depth"])
@pytest.mark.parametrize("use", [tf.constant, tf.Variable, tf.exp])
def test_ragged_lists_raise_value_error(ragged, use):
    with pytest.raises(ValueError, match="non-rectangular"):
        use(ragged)


def test_complex_operand_for_a_float_tensor_raises():
    with pytest.raises((TypeError, InvalidArgumentError)):
        tf.constant(1.0) + 1j


def test_int_beyond_int32_for_an_int32_tensor_raises_type_error():
    with pytest.raises(TypeError, match="Cannot convert"):
        tf.constant(1) + 2 ** 40


def test_unknown_dtype_raises_type_error():
    with pytest.raises(TypeError, match="bogus"):
        tf.cast(tf.constant(1.0), "bogus")


# --- shape mismatches ---------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: tf.add([1.0, 2.0], [1.0, 2.0, 3.0]),
    lambda: tf.constant([1.0, 2.0]) * tf.constant([1.0, 2.0, 3.0]),
    lambda: tf.maximum(tf.ones_like(np.ones((2, 3), np.float32)), [1.0, 2.0]),
], ids=["add", "operator", "maximum"])
def test_broadcast_mismatch_raises_invalid_argument(make):
    with pytest.raises(InvalidArgumentError):
        make()


@pytest.mark.parametrize("a, b, match", [
    ([1.0], [2.0], "ndims must be >= 2"),
    ([[1.0, 2.0]], [[1.0, 2.0]], "Matrix size-incompatible"),
    (1.0, 2.0, "ndims must be >= 2"),
], ids=["rank1", "inner-dims", "scalars"])
def test_matmul_shape_errors_raise_invalid_argument(a, b, match):
    with pytest.raises(InvalidArgumentError, match=match):
        tf.matmul(a, b)


def test_matmul_operator_on_scalars_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError):
        tf.constant(1.0) @ tf.constant(2.0)


def test_reshape_to_the_wrong_size_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError, match="Input to reshape is a tensor with 3 values"):
        tf.reshape(tf.constant([1.0, 2.0, 3.0]), [2, 2])


def test_reduction_over_a_missing_axis_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError):
        tf.reduce_sum(tf.constant([1.0, 2.0]), axis=3)


# --- dtype mixing -------------------------------------------------------------------------

@pytest.mark.parametrize("other", [tf.constant(np.float64(1.0)), tf.constant(1),
                                   tf.constant(True)], ids=["float64", "int32", "bool"])
@pytest.mark.parametrize("fn", [tf.add, tf.subtract, tf.multiply, tf.maximum, tf.minimum,
                                tf.pow])
def test_float32_tensor_with_another_dtype_tensor_raises_invalid_argument(fn, other):
    with pytest.raises(InvalidArgumentError, match="cannot compute"):
        fn(tf.constant(1.0), other)


def test_int_tensor_with_a_float_operand_raises_type_error():
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        tf.constant([1, 2]) * 2.5


def test_float_only_op_on_an_int_list_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError, match="Value for attr 'T' of int32"):
        tf.exp([1, 2])


def test_a_numpy_operand_adopts_the_tensor_dtype():
    r = tf.constant([1.0, 2.0]) * np.array([1, 2])
    assert r.dtype == tf.float32 and value(r).tolist() == [1.0, 4.0]


# --- nothing is half-recorded -------------------------------------------------------------

def test_a_failed_op_records_nothing():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
        with pytest.raises(InvalidArgumentError):
            _ = x * tf.constant([1.0, 2.0, 3.0])
        with pytest.raises(InvalidArgumentError):
            tf.exp(tf.constant(1))
    assert t._tape.num_nodes == 1
    np.testing.assert_array_equal(value(t.gradient(y, x)), [2.0, 4.0])


def test_a_failed_gradient_leaves_no_tape_recording():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
        with pytest.raises(InvalidArgumentError):
            t.gradient(y, x, output_gradients=tf.constant([1.0, 2.0, 3.0]))
    assert not tf._engine.any_recording()


def test_an_exception_inside_the_block_still_exits_the_tape():
    with pytest.raises(ZeroDivisionError):
        with tf.GradientTape():
            _ = 1 / 0
    assert not tf._engine.any_recording()


# --- NaN and inf are values ---------------------------------------------------------------

SPECIALS = [np.nan, np.inf, -np.inf, 1.0]

# op: (values, gradients of the sum) at SPECIALS, as TF 2.21 gives them (float32)
PROPAGATION = {
    "square": (lambda x: x * x, [np.nan, np.inf, np.inf, 1.0], [np.nan, np.inf, -np.inf, 2.0]),
    "exp": (tf.exp, [np.nan, np.inf, 0.0, np.e], [np.nan, np.inf, 0.0, np.e]),
    "tanh": (tf.tanh, [np.nan, 1.0, -1.0, np.tanh(1.0)],
             [np.nan, 0.0, 0.0, 1 - np.tanh(1.0) ** 2]),
    "sigmoid": (tf.sigmoid, [np.nan, 1.0, 0.0, 1 / (1 + np.exp(-1.0))],
                [np.nan, 0.0, 0.0, np.exp(-1.0) / (1 + np.exp(-1.0)) ** 2]),
    "relu": (tf.nn.relu, [np.nan, np.inf, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]),
    "abs": (tf.abs, [np.nan, np.inf, np.inf, 1.0], [np.nan, 1.0, -1.0, 1.0]),
    "maximum": (lambda x: tf.maximum(x, 0.0), [np.nan, np.inf, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]),
    "reciprocal": (lambda x: 1.0 / x, [np.nan, 0.0, -0.0, 1.0], [np.nan, -0.0, -0.0, -1.0]),
    "reduce_sum": (tf.reduce_sum, np.nan, [1.0, 1.0, 1.0, 1.0]),
    "reduce_mean": (tf.reduce_mean, np.nan, [0.25, 0.25, 0.25, 0.25]),
}


@pytest.mark.parametrize("name", PROPAGATION)
def test_nan_and_inf_propagate_as_in_tf(name):
    fn, values, grads = PROPAGATION[name]
    x = tf.Variable(SPECIALS)
    with tf.GradientTape() as t:
        y = fn(x)
    g = t.gradient(y, x)
    np.testing.assert_allclose(value(y), values, rtol=1e-6)
    np.testing.assert_allclose(value(g), grads, rtol=1e-6)
    assert np.array_equal(np.signbit(value(g)), np.signbit(grads))


def test_nan_in_one_element_does_not_leak_into_the_others():
    x = tf.Variable([np.nan, 2.0])
    with tf.GradientTape() as t:
        y = tf.sin(x) * x
    g = value(t.gradient(y, x))
    assert np.isnan(g[0]) and np.isclose(g[1], np.sin(2.0) + 2.0 * np.cos(2.0))


@pytest.mark.xfail(strict=True, reason="ops: numpy's RuntimeWarnings (log(0), 1/0, inf*0) are "
                   "hidden by a module warnings filter (fasttape/ops/__init__.py), which any "
                   "simplefilter/-W error/pytest capture overrides; np.errstate in the "
                   "forwards would hide them for good (TF computes these silently)")
def test_operations_on_special_values_never_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = tf.constant(np.array([0.0, -1.0, np.inf] * 2000, np.float32))
        tf.math.log(x)
        tf.sqrt(x)
        1.0 / x
        x * np.inf
        tf.constant(0.0) / 0.0
