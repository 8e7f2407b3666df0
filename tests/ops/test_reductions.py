"""Edge cases of the reductions (fasttape/ops/reductions.py).

Expected values, dtypes and error classes were observed with TensorFlow 2.21.
"""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.helpers import assert_jacobian_matches_rows, grad_and_second

X = [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]


def grad(f, x, dtype=tf.float32):
    x = tf.constant(x, dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


# --- axis and keepdims ---------------------------------------------------------------------

@pytest.mark.parametrize("axis, expected", [
    (None, 6.0),
    (0, [4.0, 5.0, 6.0]),
    (1, [5.0, 6.0]),
    (-1, [5.0, 6.0]),
    ([0, 1], 6.0),
    ((1, 0), 6.0),
    ([[0]], [4.0, 5.0, 6.0]),
    (np.array([1]), [5.0, 6.0]),
    ([], X),
])
def test_reduce_max_axis_forms(axis, expected):
    np.testing.assert_array_equal(tf.reduce_max(X, axis=axis).numpy(), expected)


def test_axis_as_int_tensor_and_positional():
    np.testing.assert_array_equal(tf.reduce_min(X, tf.constant(1)).numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(
        tf.reduce_prod(input_tensor=X, axis=0, keepdims=True).numpy(), [[4.0, 10.0, 18.0]])


@pytest.mark.parametrize("fn", [tf.reduce_max, tf.reduce_min, tf.reduce_prod,
                                tf.reduce_logsumexp, tf.reduce_sum, tf.reduce_mean,
                                tf.math.reduce_std, tf.math.reduce_variance])
def test_keepdims_keeps_reduced_axes_as_one(fn):
    assert fn(X, axis=1, keepdims=True).shape == (2, 1)
    assert fn(X, keepdims=True).shape == (1, 1)
    assert fn(X, axis=-2).shape == (3,)


@pytest.mark.parametrize("axis", [[0, 0], [0, -2], [1, -1]])
def test_duplicate_axis_is_invalid(axis):
    with pytest.raises(InvalidArgumentError, match="duplicate"):
        tf.reduce_max(X, axis=axis)


@pytest.mark.parametrize("axis", [2, -3, [2]])
def test_axis_out_of_range_is_invalid(axis):
    with pytest.raises(InvalidArgumentError, match="Invalid reduction dimension"):
        tf.reduce_min(X, axis=axis)


def test_scalar_has_no_axis_zero():
    with pytest.raises(InvalidArgumentError):
        tf.reduce_sum(tf.constant(3.0), axis=0)
    assert float(tf.reduce_max(tf.constant(3.0), axis=[])) == 3.0


def test_float_axis_is_a_type_error():
    with pytest.raises(TypeError):
        tf.reduce_max(X, axis=1.0)


# --- values and dtypes -----------------------------------------------------------------------

def test_integer_reductions_keep_their_dtype():
    ints = tf.constant([1, 2])
    for fn in (tf.reduce_sum, tf.reduce_max, tf.reduce_min, tf.reduce_prod, tf.reduce_mean):
        assert fn(ints).dtype == tf.int32
    assert tf.reduce_sum(tf.constant([200, 100], dtype=tf.uint8)).dtype == tf.uint8


def test_integer_prod_wraps_around_like_tf():
    assert int(tf.reduce_prod(tf.constant([100000, 100000]))) == 1410065408


@pytest.mark.parametrize("fn, op", [(tf.reduce_max, "Max"), (tf.reduce_min, "Min"),
                                    (tf.reduce_prod, "Prod"), (tf.reduce_sum, "Sum"),
                                    (tf.reduce_mean, "Mean")])
def test_bool_input_is_invalid(fn, op):
    with pytest.raises(InvalidArgumentError, match=op):
        fn(tf.constant([True, False]))


def test_max_of_complex_is_invalid():
    with pytest.raises(InvalidArgumentError):
        tf.reduce_max(tf.constant([1 + 1j]))


def test_nan_propagates_through_max_and_min():
    assert np.isnan(tf.reduce_max([1.0, np.nan, 3.0]).numpy())
    assert np.isnan(tf.reduce_min([np.nan, 1.0]).numpy())


@pytest.mark.parametrize("fn, dtype, expected", [
    (tf.reduce_max, np.float32, -np.inf),
    (tf.reduce_min, np.float32, np.inf),
    (tf.reduce_max, np.float64, -np.inf),
    (tf.reduce_max, np.int32, np.iinfo(np.int32).min),
    (tf.reduce_min, np.int32, np.iinfo(np.int32).max),
    (tf.reduce_min, np.int64, np.iinfo(np.int64).max),
    (tf.reduce_max, np.uint8, 0),
    (tf.reduce_min, np.uint8, 255),
    (tf.reduce_prod, np.float32, 1.0),
    (tf.reduce_prod, np.int32, 1),
    (tf.reduce_sum, np.float32, 0.0),
    (tf.reduce_mean, np.int32, 0),
    (tf.reduce_logsumexp, np.float32, -np.inf),
])
def test_empty_reductions(fn, dtype, expected):
    out = fn(np.zeros([0], dtype=dtype))
    assert out.dtype == dtype
    assert out.numpy() == expected


@pytest.mark.parametrize("fn", [tf.reduce_mean, tf.math.reduce_std, tf.math.reduce_variance])
def test_empty_float_moments_are_nan(fn):
    assert np.isnan(fn(np.zeros([0], np.float32)).numpy())


def test_empty_reduction_along_one_axis():
    empty = np.zeros([2, 0], np.float32)
    np.testing.assert_array_equal(tf.reduce_max(empty, axis=1).numpy(), [-np.inf, -np.inf])
    assert tf.reduce_max(empty, axis=0).shape == (0,)


def test_logsumexp_is_max_shifted():
    out = tf.reduce_logsumexp([1000.0, 1000.0])
    assert out.dtype == tf.float32
    assert out.numpy() == np.float32(1000.0 + np.log(2.0))
    assert tf.reduce_logsumexp([-np.inf, -np.inf]).numpy() == -np.inf
    assert tf.reduce_logsumexp([np.inf, 1.0]).numpy() == np.inf
    assert np.isnan(tf.reduce_logsumexp([np.nan, 1.0]).numpy())
    np.testing.assert_allclose(tf.reduce_logsumexp(X, axis=1, keepdims=True).numpy(),
                               [[5.142932], [6.1429315]], rtol=1e-6)


@pytest.mark.parametrize("dtype", [tf.float16, tf.float64])
def test_logsumexp_keeps_float_dtypes(dtype):
    assert tf.reduce_logsumexp(tf.constant([1.0, 2.0], dtype=dtype)).dtype == dtype


def test_logsumexp_of_integers_is_invalid():
    with pytest.raises(InvalidArgumentError):
        tf.reduce_logsumexp(tf.constant([1, 2]))


def test_variance_and_std_divide_by_n():
    np.testing.assert_allclose(tf.math.reduce_variance(X).numpy(), 35 / 12, rtol=1e-6)
    np.testing.assert_array_equal(tf.math.reduce_std(X, axis=0).numpy(), [1.5, 1.5, 1.5])
    np.testing.assert_array_equal(
        tf.math.reduce_std([[1.0, 2.0], [3.0, 5.0]], axis=1, keepdims=True).numpy(),
        [[0.5], [1.0]])
    assert tf.math.reduce_std(tf.constant([1.0, 2.0], tf.float64)).dtype == tf.float64


def test_std_of_complex_is_real():
    out = tf.math.reduce_std(tf.constant([1 + 1j, 2 + 0j]))
    assert out.dtype == tf.float64
    assert out.numpy() == pytest.approx(np.sqrt(0.5))


def test_moments_refuse_integers_with_type_error_and_bool_with_invalid_argument():
    with pytest.raises(TypeError, match="real or complex"):
        tf.math.reduce_std(tf.constant([1, 2]))
    with pytest.raises(TypeError, match="real or complex"):
        tf.math.reduce_variance(tf.constant([1, 2]))
    with pytest.raises(InvalidArgumentError):
        tf.math.reduce_std([True])


def test_reduce_all_and_any():
    assert not bool(tf.reduce_all([True, False]))
    np.testing.assert_array_equal(
        tf.reduce_all([[True, False], [True, True]], axis=1).numpy(), [False, True])
    np.testing.assert_array_equal(
        tf.reduce_any([[True, False], [False, False]], axis=1).numpy(), [True, False])
    assert tf.reduce_all([[True]], axis=0, keepdims=True).shape == (1, 1)
    assert bool(tf.reduce_all(np.zeros([0], bool)))
    assert not bool(tf.reduce_any(np.zeros([0], bool)))


@pytest.mark.parametrize("fn, op, value, kind", [
    (tf.reduce_all, "All", [1.0, 2.0], "float"),
    (tf.reduce_any, "Any", [1, 2], "int32"),
])
def test_logic_reductions_require_bool(fn, op, value, kind):
    with pytest.raises(InvalidArgumentError, match=f"{op}.*bool tensor but is a {kind}"):
        fn(value)


# --- argmax / argmin -------------------------------------------------------------------------

def test_argmax_defaults_to_axis_zero_and_int64():
    out = tf.argmax(X)
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy(), [1, 0, 1])
    np.testing.assert_array_equal(tf.argmax(X, None).numpy(), [1, 0, 1])
    np.testing.assert_array_equal(tf.argmin(X, 1).numpy(), [0, 1])
    np.testing.assert_array_equal(tf.argmax(X, axis=-1).numpy(), [1, 2])
    np.testing.assert_array_equal(tf.argmax(X, axis=tf.constant(1, tf.int64)).numpy(), [1, 2])
    assert tf.math.argmax is tf.argmax and tf.math.argmin is tf.argmin


@pytest.mark.parametrize("output_type", [tf.int32, tf.int16, tf.uint16, "int32", np.int32])
def test_argmax_output_type(output_type):
    out = tf.argmax(X, 1, output_type=output_type)
    assert out.dtype == tf.as_dtype(output_type)
    np.testing.assert_array_equal(out.numpy(), [1, 2])


def test_argmax_float_output_type_is_invalid():
    with pytest.raises(InvalidArgumentError, match="output_type"):
        tf.argmax(X, 1, output_type=tf.float32)


@pytest.mark.parametrize("axis", [[1], [0, 1], 1.0])
def test_argmax_axis_must_be_a_single_int(axis):
    with pytest.raises(TypeError, match="axis must be int"):
        tf.argmax(X, axis)


@pytest.mark.parametrize("x, axis", [(X, 2), (X, -3), (3.0, 0)])
def test_argmax_axis_out_of_range(x, axis):
    with pytest.raises(InvalidArgumentError, match="Expected dimension in the range"):
        tf.argmax(x, axis)


def test_argmax_over_an_empty_axis_is_invalid():
    with pytest.raises(InvalidArgumentError, match="is empty in shape"):
        tf.argmax(np.zeros([0], np.float32))
    with pytest.raises(InvalidArgumentError):
        tf.argmin(np.zeros([2, 0], np.float32), axis=1)
    assert tf.argmax(np.zeros([0, 2], np.float32), axis=1).shape == (0,)


@pytest.mark.parametrize("fn, values, expected", [
    (tf.argmax, [1.0, 3.0, 3.0], 1),           # ties: the first
    (tf.argmin, [3, 1, 1], 1),
    (tf.argmax, [1.0, np.nan, 3.0], 2),        # nan never wins
    (tf.argmax, [np.nan, 1.0], 1),
    (tf.argmin, [np.nan, 1.0], 1),
    (tf.argmax, [np.nan, np.nan], 0),
    (tf.argmax, [-np.inf, np.nan], 0),
    (tf.argmax, [np.nan, -np.inf], 0),
    (tf.argmin, [np.inf, np.nan], 0),
    (tf.argmax, [2.0, np.nan, 5.0, np.nan], 2),
    (tf.argmax, [True, False], 0),
])
def test_arg_extremum_ties_and_nan(fn, values, expected):
    assert int(fn(values)) == expected


def test_argmax_per_row_with_nan():
    x = np.array([[np.nan, 1.0], [2.0, np.nan]], np.float32)
    np.testing.assert_array_equal(tf.argmax(x, axis=1).numpy(), [1, 0])


def test_argmax_has_no_gradient():
    assert grad(lambda x: tf.cast(tf.argmax(x), tf.float32), [1.0, 2.0]) is None


# --- gradients -----------------------------------------------------------------------------

@pytest.mark.parametrize("fn, x, expected", [
    (tf.reduce_max, [1.0, 3.0, 3.0, 2.0], [0, 0.5, 0.5, 0]),
    (tf.reduce_max, [3.0, 3.0, 3.0, 2.0], [1 / 3, 1 / 3, 1 / 3, 0]),
    (tf.reduce_min, [2.0, 1.0, 1.0], [0, 0.5, 0.5]),
    (tf.reduce_max, [1.0, np.inf, 3.0], [0, 1, 0]),
])
def test_extremum_gradient_splits_ties(fn, x, expected):
    np.testing.assert_allclose(grad(fn, x).numpy(), expected, rtol=1e-7)


def test_extremum_gradient_per_axis_with_keepdims():
    g = grad(lambda x: tf.reduce_min(x, axis=1, keepdims=True) * tf.constant([[1.0], [2.0]]),
             [[1.0, 1.0, 2.0], [0.0, 5.0, 0.0]])
    np.testing.assert_array_equal(g.numpy(), [[0.5, 0.5, 0.0], [1.0, 0.0, 1.0]])


def test_max_gradient_with_nan_is_nan_everywhere():
    assert np.isnan(grad(tf.reduce_max, [1.0, np.nan, 3.0]).numpy()).all()


def test_max_second_derivative():
    g, h = grad_and_second(lambda x: tf.reduce_max(x * x), [1.0, 3.0, -3.0, 2.0])
    np.testing.assert_array_equal(g.numpy(), [0, 3, -3, 0])
    np.testing.assert_array_equal(h.numpy(), [0, 1, 1, 0])


def test_gradients_of_empty_reductions_are_empty():
    for fn in (tf.reduce_max, tf.reduce_prod, tf.reduce_logsumexp, tf.math.reduce_std):
        assert grad(fn, np.zeros([0], np.float32)).shape == (0,)
    assert grad(lambda x: tf.reduce_max(x, axis=1), np.zeros([2, 0], np.float32)).shape == (2, 0)


def test_integer_sources_get_no_gradient():
    assert grad(tf.reduce_max, [1, 2], dtype=tf.int32) is None


@pytest.mark.parametrize("x, expected", [
    ([2.0, 0.0, 4.0], [0, 8, 0]),
    ([2.0, 0.0, 0.0], [0, 0, 0]),
    ([2.0, 3.0, 4.0], [12, 8, 6]),
    ([2.0, np.nan, 4.0], [np.nan, 8, np.nan]),
    ([2.0, np.inf, 4.0], [np.inf, 8, np.inf]),
    ([0.0, np.inf, 4.0], [np.inf, 0, np.nan]),
])
def test_prod_gradient_is_product_of_others(x, expected):
    np.testing.assert_array_equal(grad(tf.reduce_prod, x).numpy(), np.float32(expected))


def test_prod_gradient_along_axes():
    x = [[2.0, 0.0], [3.0, 5.0]]
    np.testing.assert_array_equal(grad(lambda t: tf.reduce_prod(t, axis=0), x).numpy(),
                                  [[3, 5], [2, 0]])
    np.testing.assert_array_equal(grad(tf.reduce_prod, x).numpy(), [[0, 30], [0, 0]])
    cube = np.arange(1.0, 13.0).reshape(2, 3, 2)
    g = grad(lambda t: tf.reduce_prod(t, axis=[0, 2]), cube, dtype=tf.float64).numpy()
    block = cube.prod(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(g, block / cube, rtol=1e-12)


@pytest.mark.parametrize("x, second", [
    ([2.0, 3.0, 4.0], [7, 6, 5]),
    # exact at zeros: d/dx_i sum_j prod_{k != j} x_k = sum_{j != i} prod_{k != i, j} x_k.
    # (TF's own second derivative is wrong here: it gives [4, 0, 2] and [0, 0, 0].)
    ([2.0, 0.0, 4.0], [4, 6, 2]),
    ([2.0, 0.0, 0.0], [0, 2, 2]),
])
def test_prod_second_derivative_is_exact(x, second):
    _, h = grad_and_second(tf.reduce_prod, x)
    np.testing.assert_array_equal(h.numpy(), second)


def test_logsumexp_gradient_is_exactly_softmax():
    g = grad(tf.reduce_logsumexp, [1000.0, 1000.0])
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(g.numpy(), [0.5, 0.5])
    np.testing.assert_array_equal(grad(tf.reduce_logsumexp, 3.0).numpy(), 1.0)


@pytest.mark.parametrize("x, expected", [
    ([-np.inf, -np.inf], [np.nan, np.nan]),
    ([-np.inf, 1.0], [0, 1]),
    ([np.inf, 1.0], [np.nan, 0]),
    ([np.nan, 1.0], [np.nan, np.nan]),
])
def test_logsumexp_gradient_at_infinities(x, expected):
    np.testing.assert_array_equal(grad(tf.reduce_logsumexp, x).numpy(), np.float32(expected))


def test_logsumexp_second_derivative_sums_to_zero():
    _, h = grad_and_second(tf.reduce_logsumexp, [1.0, 2.0])
    np.testing.assert_allclose(h.numpy(), [0, 0], atol=1e-7)


def test_std_and_variance_gradients():
    np.testing.assert_allclose(grad(tf.math.reduce_std, [1.0, 2.0, 4.0]).numpy(),
                               [-0.35634834, -0.08908708, 0.44543537], rtol=1e-6)
    np.testing.assert_allclose(grad(tf.math.reduce_variance, [1.0, 2.0, 4.0]).numpy(),
                               [-8 / 9, -2 / 9, 10 / 9], rtol=1e-6)
    # sqrt at 0 times a zero deviation: nan, as in TF
    assert np.isnan(grad(tf.math.reduce_std, [2.0, 2.0, 2.0]).numpy()).all()
    assert np.isnan(grad(tf.math.reduce_std, 2.0).numpy())


# --- namespaces ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp",
                                  "reduce_all", "reduce_any", "argmax", "argmin"])
def test_top_level_and_math_names(name):
    assert getattr(tf, name) is getattr(tf.math, name)


@pytest.mark.parametrize("name", ["reduce_std", "reduce_variance"])
def test_moments_live_only_in_math(name):
    assert hasattr(tf.math, name)
    assert not hasattr(tf, name)


@pytest.mark.parametrize("f", [
    lambda x: tf.reduce_sum(x * x, axis=1),
    lambda x: tf.reduce_mean(tf.sin(x), axis=0, keepdims=True),
    lambda x: (tf.expand_dims(tf.reduce_max(x, axis=1), 1)
               * tf.reduce_min(x, axis=0, keepdims=True)),
    lambda x: tf.reduce_prod(x, axis=[0]) + tf.reduce_logsumexp(x, axis=1, keepdims=True),
    lambda x: tf.reduce_logsumexp(x) * x,
], ids=["sum", "mean-keepdims", "max-min", "prod-logsumexp", "logsumexp-all"])
def test_vectorised_jacobian_through_reductions_matches_rows(f):
    x = np.array([[1.0, 3.0, 3.0], [0.5, -2.0, 1.5]])       # a tie in row 0
    assert_jacobian_matches_rows(f, x)


def test_reduction_rules_take_stacked_cotangents():
    from fasttape.ops._registry import OPS
    batched = {op.name for op in OPS if op.batches}
    assert {"_sum", "_mean", "_max", "_min", "_prod", "_logsumexp", "_unreduce_op",
            "_extreme_grad"} <= batched
