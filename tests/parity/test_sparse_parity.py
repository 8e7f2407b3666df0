"""Parity with TensorFlow for tf.sparse (fasttape/ops/sparse_ops.py): results'
indices, values, shapes and dtypes, gradients w.r.t. values and dense operands, and
error classes."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402


def sp(m, values=(1.0, -2.0, 3.0)):
    return m.sparse.SparseTensor([[0, 0], [1, 2], [2, 1]], list(values), [3, 4])


def sp2(m):
    return m.sparse.SparseTensor([[0, 0], [2, 1], [2, 3]], [3.0, -1.0, 5.0], [3, 4])


DENSE42 = np.arange(8.0).reshape(4, 2).astype(np.float32)
DATA = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)

PROGRAMS = {
    "to_dense": lambda m: m.sparse.to_dense(sp(m)),
    "to_dense_default": lambda m: m.sparse.to_dense(sp(m), default_value=7.0),
    "from_dense": lambda m: m.sparse.from_dense(m.constant([[0.0, 1.0], [2.0, 0.0]])),
    "add_sparse": lambda m: m.sparse.add(sp(m), sp2(m)),
    "add_dense": lambda m: m.sparse.add(sp(m), m.ones([3, 4])),
    "add_threshold": lambda m: m.sparse.add(sp(m), sp2(m), threshold=2.5),
    "matmul": lambda m: m.sparse.sparse_dense_matmul(sp(m), m.constant(DENSE42)),
    "matmul_adjoint": lambda m: m.sparse.sparse_dense_matmul(
        sp(m), m.constant(DENSE42[:3]), adjoint_a=True),
    "matmul_dense_sparse": lambda m: m.sparse.sparse_dense_matmul(
        m.constant(DENSE42.T[:, :3].copy()), sp(m)),
    "reduce_sum": lambda m: m.sparse.reduce_sum(sp(m)),
    "reduce_sum_axis": lambda m: m.sparse.reduce_sum(sp(m), axis=1),
    "reduce_sum_keepdims": lambda m: m.sparse.reduce_sum(sp(m), axis=0, keepdims=True),
    "reduce_sum_sparse": lambda m: m.sparse.reduce_sum(sp(m), axis=1, output_is_sparse=True),
    "reduce_max_axis": lambda m: m.sparse.reduce_max(sp(m), axis=1),
    "reduce_max": lambda m: m.sparse.reduce_max(sp(m)),
    "reshape": lambda m: m.sparse.reshape(sp(m), [2, -1]),
    "transpose": lambda m: m.sparse.transpose(sp(m)),
    "concat_1": lambda m: m.sparse.concat(1, [sp(m), sp2(m)]),
    "concat_0": lambda m: m.sparse.concat(0, [sp(m), sp2(m)]),
    "slice": lambda m: m.sparse.slice(sp(m), [1, 1], [2, 2]),
    "fill_empty_rows": lambda m: m.sparse.fill_empty_rows(
        m.sparse.SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [4, 3]), -1.0)[0],
    "fill_empty_rows_indicator": lambda m: m.sparse.fill_empty_rows(
        m.sparse.SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [4, 3]), -1.0)[1],
    "retain": lambda m: m.sparse.retain(sp(m), [True, False, True]),
    "reorder": lambda m: m.sparse.reorder(
        m.sparse.SparseTensor([[2, 1], [0, 0]], [1.0, 2.0], [3, 4])),
    "softmax": lambda m: m.sparse.softmax(
        m.sparse.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 3.0], [2, 3])),
    "maximum": lambda m: m.sparse.maximum(sp(m), sp2(m)),
    "minimum": lambda m: m.sparse.minimum(sp(m), sp2(m)),
    "expand_dims": lambda m: m.sparse.expand_dims(sp(m), 1),
    "split": lambda m: m.sparse.split(sp_input=sp(m), num_split=2, axis=1)[1],
    "eye": lambda m: m.sparse.eye(3, 2),
    "to_indicator": lambda m: m.sparse.to_indicator(
        m.sparse.SparseTensor([[0, 0], [0, 1], [1, 0]], [2, 0, 3], [2, 2]), 4),
    "bincount": lambda m: m.sparse.bincount(m.constant([1, 1, 3])),
    "bincount_weights": lambda m: m.sparse.bincount(m.constant([1, 1, 3]),
                                                    weights=m.constant([0.5, 1.0, 2.0])),
    "bincount_rows": lambda m: m.sparse.bincount(m.constant([[1, 1], [3, 0]]), axis=-1),
    "segment_sum": lambda m: m.sparse.segment_sum(m.constant(DATA), m.constant([0, 2, 2]),
                                                  m.constant([0, 0, 1])),
    "segment_mean": lambda m: m.sparse.segment_mean(m.constant(DATA), m.constant([0, 2, 2]),
                                                    m.constant([0, 0, 2])),
    "segment_sqrt_n": lambda m: m.sparse.segment_sqrt_n(m.constant(DATA),
                                                        m.constant([0, 2, 1]),
                                                        m.constant([0, 0, 1])),
    "times_dense": lambda m: sp(m) * m.constant(2.0),
    "map_values": lambda m: m.sparse.map_values(m.math.square, sp(m)),
    "with_values": lambda m: sp(m).with_values(m.constant([1, 2, 3])),
    "reset_shape": lambda m: m.sparse.reset_shape(sp(m)),
    "mask": lambda m: m.sparse.mask(m.IndexedSlices(m.constant([[1.0], [2.0], [3.0]]),
                                                    m.constant([4, 5, 6])),
                                    m.constant([5])).values,
}


def _parts(r):
    if type(r).__name__ == "SparseTensor":
        return [np.asarray(r.indices), np.asarray(r.values), np.asarray(r.dense_shape)]
    return [np.asarray(r)]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_results_match_tensorflow(name):
    want = _parts(PROGRAMS[name](tensorflow))
    got = _parts(PROGRAMS[name](fasttape))
    assert len(want) == len(got)
    for w, g in zip(want, got):
        assert w.dtype == g.dtype and w.shape == g.shape
        np.testing.assert_allclose(g, w, rtol=1e-6)


GRADIENTS = {
    "to_dense": lambda m, v, d: m.reduce_sum(m.sparse.to_dense(sp(m, v)) * d[:3]),
    "matmul": lambda m, v, d: m.reduce_sum(m.sparse.sparse_dense_matmul(sp(m, v), d) ** 2),
    "reduce_sum": lambda m, v, d: m.reduce_sum(m.sparse.reduce_sum(sp(m, v), axis=1) ** 2),
    "softmax": lambda m, v, d: m.reduce_sum(m.sparse.softmax(sp(m, v)).values * v),
    "add_dense": lambda m, v, d: m.reduce_sum(m.sparse.add(sp(m, v), d[:3]) ** 2),
    "transpose": lambda m, v, d: m.reduce_sum(
        m.sparse.transpose(sp(m, v)).values * m.constant([1.0, 2.0, 3.0])),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients_match_tensorflow(name):
    out = []
    for m in (tensorflow, fasttape):
        v = m.constant([1.0, -2.0, 3.0])
        d = m.constant(np.arange(8.0).reshape(4, 2).astype(np.float32)[:, :1].repeat(4, 1))
        with m.GradientTape() as tape:
            tape.watch([v, d])
            y = GRADIENTS[name](m, v, d)
        grads = tape.gradient(y, [v, d])
        out.append([None if g is None else np.asarray(m.convert_to_tensor(g)) for g in grads])
    for w, g in zip(*out):
        assert (w is None) == (g is None)
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-6)


ERRORS = {
    "add_shapes": lambda m: m.sparse.add(sp(m), m.sparse.SparseTensor([[0, 0]], [1.0], [3, 5])),
    "matmul_inner": lambda m: m.sparse.sparse_dense_matmul(sp(m), m.ones([3, 2])),
    "bad_indices_rank": lambda m: m.sparse.SparseTensor([0, 1], [1.0, 2.0], [3]),
    "concat_shapes": lambda m: m.sparse.concat(
        0, [sp(m), m.sparse.SparseTensor([[0, 0]], [1.0], [2, 5])]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflows_class(name):
    classes = []
    for m in (tensorflow, fasttape):
        with pytest.raises(Exception) as info:
            ERRORS[name](m)
        classes.append(type(info.value).__name__)
    assert classes[0] == classes[1]
