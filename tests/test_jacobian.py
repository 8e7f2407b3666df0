"""GradientTape.jacobian and batch_jacobian (as TensorFlow 2.21 behaves)."""

import numpy as np
import pytest

import fasttape as tf

SINGLE_USE = "A non-persistent GradientTape can only be used to compute one set of gradients"
NEEDS_PERSISTENT = "GradientTape must be created with persistent=True"


def value(t):
    return np.asarray(t)


# --- jacobian: shapes and structure -------------------------------------------------------

def test_jacobian_of_an_elementwise_op_is_diagonal():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    j = t.jacobian(y, x)
    assert j.shape == (3, 3) and j.dtype == tf.float32
    np.testing.assert_array_equal(value(j), np.diag([2.0, 4.0, 6.0]))


def test_jacobian_shape_is_target_shape_plus_source_shape():
    x = tf.Variable(np.arange(4.0, dtype=np.float32).reshape(2, 2))
    w = tf.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    with tf.GradientTape() as t:
        y = tf.matmul(x, w)                         # (2, 3)
    j = t.jacobian(y, x)
    assert j.shape == (2, 3, 2, 2)
    # dy[i, k] / dx[a, b] = [i == a] w[b, k]
    expected = np.einsum("ia,bk->ikab", np.eye(2), np.asarray(w))
    np.testing.assert_allclose(value(j), expected)


def test_jacobian_of_a_scalar_wrt_a_scalar_is_a_scalar():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = x * x
    j = t.jacobian(y, x)
    assert j.shape == () and value(j) == 6.0


def test_jacobian_of_a_scalar_wrt_a_vector_is_the_gradient():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = tf.reduce_sum(x * x)
    j = t.jacobian(y, x)
    assert j.shape == (3,)
    np.testing.assert_array_equal(value(j), [2.0, 4.0, 6.0])


def test_jacobian_keeps_the_sources_structure():
    a, b = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = a * b
    j = t.jacobian(y, {"a": a, "b": [b]})
    assert set(j) == {"a", "b"} and isinstance(j["b"], list)
    np.testing.assert_array_equal(value(j["a"]), np.diag([3.0, 3.0]))
    np.testing.assert_array_equal(value(j["b"][0]), [1.0, 2.0])


def test_jacobian_target_must_be_one_tensor():
    # TF raises AttributeError by accident ('list' object has no attribute 'shape')
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises((TypeError, AttributeError)):
        t.jacobian([y, y], x)


def test_jacobian_is_float64_for_float64_sources():
    x = tf.Variable(np.array([1.0, 2.0]))
    with tf.GradientTape() as t:
        y = x * x
    assert t.jacobian(y, x).dtype == tf.float64


# --- jacobian: unconnected sources --------------------------------------------------------

def test_jacobian_of_an_unconnected_source_is_none():
    x, u = tf.Variable([1.0, 2.0]), tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    assert t.jacobian(y, u) is None


@pytest.mark.parametrize("option", ["zero", tf.UnconnectedGradients.ZERO])
def test_jacobian_of_an_unconnected_source_with_zero_option(option):
    x, u = tf.Variable([1.0, 2.0]), tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    j = t.jacobian(y, u, unconnected_gradients=option)
    assert j.shape == (2, 3) and not np.any(value(j))


def test_jacobian_rejects_an_unknown_unconnected_option():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients"):
        t.jacobian(y, x, unconnected_gradients="bogus")


# --- jacobian: tape use -------------------------------------------------------------------

def test_jacobian_on_a_non_persistent_tape_is_its_single_use():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    t.jacobian(y, x)
    for call in (t.jacobian, t.gradient):
        with pytest.raises(RuntimeError, match=SINGLE_USE):
            call(y, x)


def test_jacobian_without_pfor_needs_a_persistent_tape():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(RuntimeError, match=NEEDS_PERSISTENT + ".*experimental_use_pfor set "
                                                              "to False"):
        t.jacobian(y, x, experimental_use_pfor=False)


def test_jacobian_without_pfor_on_a_persistent_tape():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        y = x * x
    j = t.jacobian(y, x, experimental_use_pfor=False)
    np.testing.assert_array_equal(value(j), np.diag([2.0, 4.0]))


@pytest.mark.parametrize("k", [1, 2, 8])
def test_jacobian_parallel_iterations_do_not_change_the_result(k):
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        y = tf.sin(x) * x
    np.testing.assert_array_equal(value(t.jacobian(y, x, parallel_iterations=k)),
                                  value(t.jacobian(y, x)))


def test_jacobian_on_a_persistent_tape_is_repeatable():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        y = x * x
    first = value(t.jacobian(y, x))
    np.testing.assert_array_equal(value(t.jacobian(y, x)), first)
    np.testing.assert_array_equal(value(t.gradient(y, x)), [2.0, 4.0])


# --- batch_jacobian -----------------------------------------------------------------------

def test_batch_jacobian_of_an_elementwise_op():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as t:
        y = x * x
    j = t.batch_jacobian(y, x)
    assert j.shape == (2, 2, 2)
    np.testing.assert_array_equal(value(j), [np.diag([2.0, 4.0]), np.diag([6.0, 8.0])])


def test_batch_jacobian_of_a_matmul():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    w = tf.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    with tf.GradientTape() as t:
        y = tf.matmul(x, w)
    j = t.batch_jacobian(y, x)
    assert j.shape == (2, 3, 2)
    # entry i is d y[i] / d x[i] = w^T
    for i in range(2):
        np.testing.assert_array_equal(value(j)[i], np.asarray(w).T)


def test_batch_jacobian_shape_with_a_higher_rank_source():
    x = tf.Variable(np.ones((1, 2, 2), np.float32))
    with tf.GradientTape() as t:
        y = tf.reduce_sum(x, axis=2)                 # (1, 2)
    j = t.batch_jacobian(y, x)
    assert j.shape == (1, 2, 2, 2)
    np.testing.assert_array_equal(value(j)[0], [[[1.0, 1.0], [0.0, 0.0]],
                                                [[0.0, 0.0], [1.0, 1.0]]])


@pytest.mark.parametrize("target_rank1", [True, False], ids=["target", "source"])
def test_batch_jacobian_needs_rank_two(target_rank1):
    x = tf.Variable([1.0, 2.0])
    x2 = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as t:
        y = x * x if target_rank1 else x2 * x2
    with pytest.raises(ValueError, match=r"Shape \(2,\) must have rank at least 2"):
        t.batch_jacobian(y, x2 if target_rank1 else x)


def test_batch_jacobian_needs_matching_batch_sizes():
    x = tf.Variable(np.ones((3, 2), np.float32))
    with tf.GradientTape() as t:
        y = tf.ones_like(np.ones((2, 3), np.float32)) * 1.0
    with pytest.raises(ValueError, match=r"Need first dimension of target shape \(\(2, 3\)\) "
                                         r"and source shape \(\(3, 2\)\) to match."):
        t.batch_jacobian(y, x)


def test_batch_jacobian_of_an_unconnected_source_is_zeros_by_default():
    x, u = tf.Variable([[1.0, 2.0]]), tf.Variable([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as t:
        y = x * x
    j = t.batch_jacobian(y, u)
    assert j is not None and j.shape == (1, 2, 3) and not np.any(value(j))


def test_batch_jacobian_without_pfor_needs_a_persistent_tape():
    x = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(RuntimeError, match=NEEDS_PERSISTENT):
        t.batch_jacobian(y, x, experimental_use_pfor=False)


def test_batch_jacobian_is_the_single_use_of_a_non_persistent_tape():
    x = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as t:
        y = x * x
    t.batch_jacobian(y, x)
    with pytest.raises(RuntimeError, match=SINGLE_USE):
        t.batch_jacobian(y, x)


def test_batch_jacobian_keeps_the_source_dtype():
    x = tf.Variable(np.ones((2, 2)))
    with tf.GradientTape() as t:
        y = x * x
    assert t.batch_jacobian(y, x).dtype == tf.float64


def test_jacobian_of_an_empty_target_is_empty_where_connected_and_none_elsewhere():
    x, u = tf.constant([1.0, 2.0]), tf.Variable([3.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = x[:0] * 2.0
    jx, ju = t.jacobian(y, [x, u])
    assert jx.shape == (0, 2) and jx.dtype == tf.float32
    assert ju is None
