"""tf.sparse: SparseTensor's interface, results against dense numpy computations
(hypothesis), and gradients w.r.t. the values against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fasttape as tf
from tests.ops.gradcheck import Case, check_case


def _random_sparse(seed, shape=(3, 4), density=0.4):
    rng = np.random.default_rng(seed)
    dense = rng.standard_normal(shape) * (rng.uniform(size=shape) < density)
    return dense, tf.sparse.from_dense(tf.constant(dense))


seeds = st.integers(0, 2**31)


def test_interface():
    st_ = tf.SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [3, 2])
    assert tf.sparse.SparseTensor is tf.SparseTensor
    assert st_.indices.dtype == tf.int64 and st_.dense_shape.dtype == tf.int64
    assert st_.dtype == tf.float32 and st_.shape == (3, 2) and st_.get_shape() == (3, 2)
    assert str(st_).startswith("SparseTensor(indices=fasttape.Tensor(")
    other = st_.with_values(tf.constant([5, 6]))
    assert other.dtype == tf.int32 and other.indices is st_.indices
    with pytest.raises(ValueError):
        st_.with_values([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        tf.SparseTensor([[0, 1]], [1.0, 2.0], [3, 2])
    assert tf.SparseTensor.from_value(st_) is st_
    with pytest.raises(TypeError):
        tf.sparse.to_dense(tf.constant([1.0]))


@settings(max_examples=25, deadline=None)
@given(seeds)
def test_dense_round_trip_and_structure_ops(seed):
    dense, sp = _random_sparse(seed)
    np.testing.assert_array_equal(tf.sparse.to_dense(sp), dense)
    np.testing.assert_array_equal(tf.sparse.to_dense(tf.sparse.transpose(sp)), dense.T)
    np.testing.assert_array_equal(tf.sparse.to_dense(tf.sparse.reshape(sp, [2, 6])),
                                  dense.reshape(2, 6))
    np.testing.assert_array_equal(tf.sparse.to_dense(tf.sparse.slice(sp, [1, 1], [2, 5])),
                                  dense[1:3, 1:])
    np.testing.assert_array_equal(tf.sparse.to_dense(tf.sparse.concat(1, [sp, sp])),
                                  np.concatenate([dense, dense], 1))
    np.testing.assert_array_equal(tf.sparse.to_dense(tf.sparse.expand_dims(sp, -1)),
                                  dense[..., None])
    np.testing.assert_allclose(tf.sparse.reduce_sum(sp, axis=0), dense.sum(0))
    np.testing.assert_allclose(tf.sparse.sparse_dense_matmul(sp, tf.constant(np.eye(4))),
                               dense)
    twice = tf.sparse.add(sp, sp)
    np.testing.assert_allclose(tf.sparse.to_dense(twice), 2 * dense)
    parts = tf.sparse.split(sp_input=sp, num_split=3, axis=1)
    np.testing.assert_array_equal(
        np.concatenate([tf.sparse.to_dense(p) for p in parts], 1), dense)


@settings(max_examples=25, deadline=None)
@given(seeds)
def test_softmax_rows_sum_to_one(seed):
    dense, sp = _random_sparse(seed, density=0.6)
    out = tf.sparse.softmax(sp)
    assert np.array_equal(out.indices, sp.indices)
    sums = np.asarray(tf.sparse.reduce_sum(out, axis=1))
    rows = np.any(dense != 0, axis=1)
    np.testing.assert_allclose(sums[rows], 1.0)


def _values_case(name, f, n=3):
    # a function of the values of a fixed 3x4 SparseTensor, checked at orders 1 and 2
    indices = [[0, 0], [1, 2], [2, 1], [2, 3]][:n]

    def fn(v, d):
        return f(tf.SparseTensor(indices, v, [3, 4]), d)
    return Case("sparse", fn, shapes=[(n,), (4, 2)], name=name)


CASES = [
    _values_case("to_dense", lambda s, d: tf.sparse.to_dense(s)),
    _values_case("matmul", lambda s, d: tf.sparse.sparse_dense_matmul(s, d)),
    _values_case("matmul_adjoint", lambda s, d: tf.sparse.sparse_dense_matmul(
        s, d[:3], adjoint_a=True)),
    _values_case("softmax", lambda s, d: tf.sparse.softmax(s).values, n=4),
    _values_case("reduce_sum", lambda s, d: tf.sparse.reduce_sum(s, axis=1)),
    _values_case("reduce_max", lambda s, d: tf.sparse.reduce_max(s, axis=0)),
    _values_case("add", lambda s, d: tf.sparse.add(s, tf.sparse.transpose(
        tf.sparse.transpose(s))).values),
    _values_case("maximum", lambda s, d: tf.sparse.maximum(
        s, tf.sparse.eye(3, 4, dtype=tf.float64)).values),
    _values_case("concat_reorder", lambda s, d: tf.sparse.concat(0, [s, s]).values),
    _values_case("fill_empty_rows", lambda s, d: tf.sparse.fill_empty_rows(
        tf.sparse.slice(s, [1, 0], [2, 4]), 0.5)[0].values),
    _values_case("times_dense", lambda s, d: (s * tf.reduce_sum(d)).values),
    _values_case("segment_mean", lambda s, d: tf.sparse.segment_mean(
        d, tf.constant([0, 3, 3]), tf.constant([0, 0, 1])) * tf.reduce_sum(s.values)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradients_wrt_values_match_finite_differences(case):
    check_case(case, np.random.default_rng(0), case.shapes)


def test_to_indicator_and_bincount():
    ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [2, 0, 3], [2, 2])
    np.testing.assert_array_equal(tf.sparse.to_indicator(ids, 4),
                                  [[True, False, True, False], [False, False, False, True]])
    counts = tf.sparse.bincount(tf.constant([1, 1, 3]), minlength=6)
    assert counts.shape == (6,)
    np.testing.assert_array_equal(tf.sparse.to_dense(counts), [0, 2, 0, 1, 0, 0])
    binary = tf.sparse.bincount(tf.constant([1, 1, 3]), binary_output=True)
    np.testing.assert_array_equal(binary.values, [1, 1])


def test_errors():
    a = tf.SparseTensor([[0, 0]], [1.0], [3, 4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="shapes do not match"):
        tf.sparse.add(a, tf.SparseTensor([[0, 0]], [1.0], [3, 5]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="inner dimension"):
        tf.sparse.sparse_dense_matmul(a, tf.ones([3, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.sparse.reshape(a, [5, 5])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.sparse.map_values(tf.add, a, tf.SparseTensor([[1, 0]], [1.0], [3, 4]))
