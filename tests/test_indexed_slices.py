"""IndexedSlices (fasttape/indexed_slices.py) and how the tape treats sparse gradients.

Behaviour observed with TensorFlow 2.21 (as TensorFlow 2.21 behaves).
"""

import numpy as np
import pytest

import fasttape as tf
from fasttape import indexed_slices
from fasttape.errors import InvalidArgumentError
from tests.helpers import check

IS = tf.IndexedSlices
P = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)


def sparse_grad():
    p = tf.Variable(P)
    with tf.GradientTape() as tape:
        y = tf.gather(p, [[0, 2], [2, 2]])
    return tape.gradient(y, p), p


DENSE = [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]]


# --- the object -----------------------------------------------------------------------------

def test_it_is_not_a_tensor():
    g, _ = sparse_grad()
    assert isinstance(g, IS)
    assert not isinstance(g, tf.Tensor)
    assert not hasattr(g, "numpy")
    assert tf.is_tensor(g)


def test_attributes():
    g, _ = sparse_grad()
    check(g.indices, [0, 2, 2, 2], tf.int32)
    check(g.values, np.ones((4, 2)), tf.float32)
    check(g.dense_shape, [3, 2], tf.int32)
    assert g.shape == (3, 2) and isinstance(g.shape, tf.TensorShape)
    assert g.dtype == tf.float32
    assert g.device.endswith("CPU:0")


def test_str_and_repr():
    g, _ = sparse_grad()
    assert str(g) == (
        "IndexedSlices(indices=fasttape.Tensor([0 2 2 2], shape=(4,), dtype=int32), "
        "values=fasttape.Tensor(\n[[1. 1.]\n [1. 1.]\n [1. 1.]\n [1. 1.]], shape=(4, 2), "
        "dtype=float32), dense_shape=fasttape.Tensor([3 2], shape=(2,), dtype=int32))")
    assert repr(g).startswith("<fasttape.indexed_slices.IndexedSlices object at 0x")
    s = IS(tf.constant([[2.0, 3.0]]), tf.constant([1]))
    assert str(s).endswith("dtype=float32))") and "dense_shape" not in str(s)


def test_constructor_keeps_what_it_is_given():
    s = IS([[2.0, 3.0]], [1])
    assert s.values == [[2.0, 3.0]] and s.indices == [1] and s.dense_shape is None
    assert s.shape == tf.TensorShape(None)
    with pytest.raises(AttributeError):
        s.dtype        # noqa: B018 - as in TF, lists have no dtype


# --- densifying -------------------------------------------------------------------------------

def test_convert_to_tensor_sums_duplicates():
    g, _ = sparse_grad()
    check(tf.convert_to_tensor(g), DENSE, tf.float32)
    check(tf.convert_to_tensor(g, dtype=tf.float32), DENSE)
    with pytest.raises(ValueError):
        tf.convert_to_tensor(g, dtype=tf.float64)


def test_convert_follows_unsorted_segment_sum():
    def dense(values, indices, shape):
        return tf.convert_to_tensor(IS(tf.constant(values), tf.constant(indices), shape))

    check(dense([[2.0, 3.0]], [-1], [4, 2]), np.zeros((4, 2)))      # negative: dropped
    check(dense([[2.0, 3.0]], [1], [4, 3]), [[0, 0], [2, 3], [0, 0], [0, 0]])  # rows: values'
    check(dense([[[2.0, 3.0]]], [[1]], [4, 2]), [[0, 0], [2, 3], [0, 0], [0, 0]])
    check(dense([[2.0, 3.0]], [1], [4, 2]), [[0, 0], [2, 3], [0, 0], [0, 0]])
    with pytest.raises(InvalidArgumentError, match=r"segment_ids\[0\] = 5 is out of range"):
        dense([[2.0, 3.0]], [5], tf.constant([4, 2]))
    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(IS(tf.constant([[2.0, 3.0]]), tf.constant([1])))


def test_ops_take_it_as_dense():
    g, _ = sparse_grad()
    check(tf.multiply(g, 0.1), np.float32(0.1) * np.asarray(DENSE, np.float32))
    check(tf.add(g, 1.0), np.asarray(DENSE) + 1.0)
    check(tf.reduce_sum(g), 8.0)
    np.testing.assert_allclose(tf.norm(g).numpy(), np.sqrt(20.0), rtol=1e-6)


def test_assign_sub_takes_it():
    g, p = sparse_grad()
    p.assign_sub(g)
    check(p, P - np.asarray(DENSE, np.float32))
    p.assign_add(g)
    check(p, P)


def test_negation_stays_sparse_and_operators_raise():
    g, _ = sparse_grad()
    n = -g
    assert isinstance(n, IS)
    check(n.values, -np.ones((4, 2)))
    check(n.indices, [0, 2, 2, 2])
    for fn in (lambda: g * 0.1, lambda: 0.1 * g, lambda: g + g, lambda: g - 1.0):
        with pytest.raises(TypeError, match="unsupported operand"):
            fn()


def test_numpy_sees_an_opaque_object():
    g, _ = sparse_grad()
    arr = np.asarray(g)
    assert arr.shape == () and arr.dtype == object


# --- the tape's accumulation ---------------------------------------------------------------------

def grad_of(f, watched=None):
    c = tf.constant(P)
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = f(c)
    return tape.gradient(y, c)


def test_watched_constant_source_gets_indexed_slices():
    assert isinstance(grad_of(lambda c: tf.gather(c, [1, 1])), IS)


def test_sparse_plus_sparse_stays_sparse():
    g = grad_of(lambda c: tf.reduce_sum(tf.gather(c, [1, 1])) + 2 * tf.reduce_sum(
        tf.gather(c, [0])))
    assert isinstance(g, IS)
    check(g.indices, [1, 1, 0])           # the two pieces in the order of the ops, as in TF
    check(g.values, [[1, 1], [1, 1], [2, 2]])


def test_sparse_plus_dense_is_dense():
    for f in (lambda c: tf.reduce_sum(tf.gather(c, [1, 1])) + tf.reduce_sum(c),
              lambda c: tf.reduce_sum(c) + tf.reduce_sum(tf.gather(c, [1, 1]))):
        g = grad_of(f)
        assert type(g) is tf.Tensor
        check(g, [[1, 1], [3, 3], [1, 1]])


def test_dense_gathers_and_nd_give_tensors():
    assert type(grad_of(lambda c: tf.gather(c, [1, 1], axis=1))) is tf.Tensor
    assert type(grad_of(lambda c: tf.gather_nd(c, [[1, 0]]))) is tf.Tensor


def test_a_rule_downstream_of_a_sparse_gradient_sees_it_dense():
    g = grad_of(lambda c: tf.gather(c * c, [2, 2]))
    check(g, [[0, 0], [0, 0], [20, 24]])


def test_output_gradients_and_persistent_tapes():
    p = tf.Variable(P)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.gather(p, [2, 0])
    w = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    for _ in range(2):
        g = tape.gradient(y, p, output_gradients=w)
        check(g.values, w)
        check(tf.convert_to_tensor(g), [[3, 4], [0, 0], [1, 2]])


def test_intermediate_and_leaf_sources_together():
    p = tf.Variable(P)
    with tf.GradientTape() as tape:
        q = p * 2.0
        y = tf.gather(q, [1])
    gq, gp = tape.gradient(y, [q, p])
    assert isinstance(gq, IS)
    check(gp, [[0, 0], [2, 2], [0, 0]])


def test_higher_order_sparse_accumulation():
    p = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(p)
        with tf.GradientTape() as inner:
            inner.watch(p)
            y = tf.reduce_sum(tf.gather(p, [0, 2]) ** 3) + tf.reduce_sum(p ** 2)
        g = inner.gradient(y, p)            # sparse + dense, recorded: a Tensor
        assert type(g) is tf.Tensor
        check(g, [5.0, 4.0, 33.0])
        z = tf.reduce_sum(g)
    check(outer.gradient(z, p), [8.0, 2.0, 20.0])


def test_jacobian_densifies():
    c = tf.constant(P)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(c)
        y = tf.gather(c, [2, 2])
    expected = np.zeros((2, 2, 3, 2), np.float32)
    expected[0, :, 2, :] = expected[1, :, 2, :] = np.eye(2)
    check(tape.jacobian(y, c), expected)


def test_jacobian_without_pfor_densifies():
    c = tf.constant(P)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(c)
        y = tf.gather(c, [2, 2])
    assert tape.jacobian(y, c, experimental_use_pfor=False).shape == (2, 2, 3, 2)


def test_jacobian_under_an_outer_tape_densifies():
    c = tf.constant(P)
    with tf.GradientTape() as outer:
        outer.watch(c)
        with tf.GradientTape() as tape:
            tape.watch(c)
            y = tf.gather(c, [2]) ** 2
        j = tape.jacobian(y, c)
        s = tf.reduce_sum(j)
    assert j.shape == (1, 2, 3, 2)
    g = outer.gradient(s, c)                # back through the gather: sparse again
    assert isinstance(g, IS)
    check(tf.convert_to_tensor(g), [[0, 0], [0, 0], [2, 2]])


# --- combine / densify (the engine's hooks) ----------------------------------------------

def _piece(values, indices):
    return IS(tf.constant(values), tf.constant(indices), tf.constant([3, 2]))


def test_combine_and_densify_first_order():
    a, b = _piece([[1.0, 1.0]], [2]), _piece([[2.0, 2.0], [3.0, 3.0]], [0, 2])
    both = indexed_slices.combine(a, b, False)
    assert isinstance(both, IS)
    check(both.indices, [0, 2, 2])
    dense = indexed_slices.densify(both, False)
    assert type(dense) is np.ndarray
    np.testing.assert_array_equal(dense, [[2, 2], [0, 0], [4, 4]])
    base = np.ones((3, 2), np.float32)
    summed = indexed_slices.combine(base, a, False)
    np.testing.assert_array_equal(summed, [[1, 1], [1, 1], [2, 2]])
    np.testing.assert_array_equal(base, np.ones((3, 2)))        # not written in place


def test_combine_and_densify_recorded():
    a = _piece([[1.0, 1.0]], [2])
    summed = indexed_slices.combine(tf.ones([3, 2]), a, True)
    assert type(summed) is tf.Tensor
    check(summed, [[1, 1], [1, 1], [2, 2]])
    assert type(indexed_slices.densify(a, True)) is tf.Tensor
