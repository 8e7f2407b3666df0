"""fasttape/ops/array_ops.py: TF 2.21's values, dtypes, errors and gradients."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import fasttape as tf
from fasttape.errors import InternalError, InvalidArgumentError, NotFoundError
from tests.helpers import check, grad_and_second, grads

X = np.arange(24.0).reshape(2, 3, 4)


def test_add_n_and_accumulate_n():
    check(tf.add_n([tf.constant([1.0, 2.0]), [3.0, 4.0]]), [4, 6])
    check(tf.math.accumulate_n([[1.0, 2.0], [3.0, 4.0]]), [4, 6])
    check(tf.add_n(tf.constant([1.0, 2.0])), 3.0)
    with pytest.raises(ValueError, match="at least one"):
        tf.add_n([])
    with pytest.raises(InvalidArgumentError, match="same size and shape"):
        tf.add_n([tf.constant([1.0, 2.0]), tf.constant([1.0])])
    with pytest.raises(InvalidArgumentError):
        tf.add_n([tf.constant([1.0, 2.0]), tf.constant([1, 2])])
    a, b = grads(lambda x, y: tf.add_n([x, y, x]), [1.0], [2.0])
    check(a, [2.0])
    check(b, [1.0])
    rows = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]), tf.constant([2, 1]))
    s = tf.add_n([rows, rows])
    assert isinstance(s, tf.IndexedSlices)


def test_clip_by_global_norm():
    (a, none, c), norm = tf.clip_by_global_norm([tf.constant([3.0, 4.0]), None, [0.0]], 1.0)
    np.testing.assert_allclose(a.numpy(), [0.6, 0.8], rtol=1e-6)
    assert none is None and norm.numpy() == 5.0
    (inf,), _ = tf.clip_by_global_norm([tf.constant([np.inf])], 1.0)
    assert np.isnan(inf.numpy()).all()
    with pytest.raises(TypeError, match="sequence of tensors"):
        tf.clip_by_global_norm(tf.constant([1.0]), 1.0)
    (small,), norm = tf.clip_by_global_norm([tf.constant([0.3, 0.4])], 1.0)
    np.testing.assert_allclose(small.numpy(), [0.3, 0.4], rtol=1e-6)


def test_roll_repeat_meshgrid():
    check(tf.roll(X, [1, -1], [0, 2]), np.roll(X, [1, -1], [0, 2]))
    check(tf.roll(X, [2, 3], [1, 1]), np.roll(X, 5, 1))
    with pytest.raises(InvalidArgumentError):
        tf.roll(X, 1, 3)
    check(tf.repeat([[1, 2], [3, 4]], 2), [1, 1, 2, 2, 3, 3, 4, 4])
    check(tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0), [[1, 2], [3, 4], [3, 4]])
    with pytest.raises(ValueError, match="not compatible"):
        tf.repeat([[1, 2], [3, 4]], [1, 2, 3], axis=0)
    xs, ys = tf.meshgrid([1, 2, 3], [4, 5])
    check(xs, [[1, 2, 3], [1, 2, 3]])
    check(ys, [[4, 4, 4], [5, 5, 5]])
    grids = tf.meshgrid([1, 2, 3], [4, 5], [6], indexing="ij")
    assert [tuple(g.shape) for g in grids] == [(3, 2, 1)] * 3


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=4)), st.data())
def test_roll_matches_numpy_and_its_gradient_rolls_back(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    shift = data.draw(st.integers(-5, 5))
    check(tf.roll(x, shift, axis), np.roll(x, shift, axis))
    w = np.arange(x.size, dtype=np.float64).reshape(x.shape)
    g = grads(lambda t: tf.roll(t, shift, axis) * w, x)[0]
    check(g, np.roll(w, -shift, axis))


def test_slice_and_strided_slice():
    check(tf.slice(X, [1, 0, 1], [1, -1, 2]), X[1:2, :, 1:3])
    with pytest.raises(InvalidArgumentError, match=r"Expected size\[0\] in \[0, 1\]"):
        tf.slice(X, [1, 0, 1], [2, -1, 2])
    check(tf.strided_slice(X, [0, 0, 3], [2, 3, 0], [1, 2, -1]), X[0:2, 0:3:2, 3:0:-1])
    check(tf.strided_slice(X, [1, 0], [2, 2], [1, 1], shrink_axis_mask=1, end_mask=2), X[1, 0:])
    check(tf.strided_slice(X, [0, 1], [0, 2], [1, 1], ellipsis_mask=1), X[..., 1:2])
    check(tf.strided_slice(X, [0, 0], [1, 1], [1, 1], new_axis_mask=1), X[None, 0:1])
    with pytest.raises(InvalidArgumentError, match="non-zero"):
        tf.strided_slice(X, [0], [1], [0])


def test_reverse_sequence_and_sequence_mask():
    check(tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1, batch_axis=0),
          [[2, 1, 3], [6, 5, 4]])
    check(tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [1, 2, 0], seq_axis=0, batch_axis=1),
          [[1, 5, 3], [4, 2, 6]])
    check(tf.sequence_mask([1, 3, 2], 5), np.arange(5) < np.array([[1], [3], [2]]))
    assert tf.sequence_mask([[1, 3], [2, 0]]).shape == (2, 2, 3)
    check(tf.sequence_mask([1, 3], dtype=tf.float32), [[1, 0, 0], [1, 1, 1]], tf.float32)
    check(tf.sequence_mask([1, -1], 2), [[True, False], [False, False]])


def test_dynamic_partition_and_stitch():
    parts = tf.dynamic_partition([10, 20, 30, 40, 50], [0, 0, 1, 1, 0], 2)
    check(parts[0], [10, 20, 50])
    check(parts[1], [30, 40])
    out = tf.dynamic_stitch([[0, 1], [1]], [[1.0, 2.0], [3.0]])
    check(out, [1.0, 3.0])
    # TF's gradient reaches the overwritten entry too
    a, b = grads(lambda x, y: tf.dynamic_stitch([[0, 1], [1, 2]], [x, y]) *
                 tf.constant([1.0, 2.0, 3.0]), [3.0, 4.0], [1.0, 2.0])
    check(a, [1.0, 2.0])
    check(b, [2.0, 3.0])
    with pytest.raises(InvalidArgumentError, match="does not start with"):
        tf.dynamic_stitch([[6], [4, 1]], [[61.0, 62.0], [41.0, 42.0]])


def test_integer_divisions():
    check(tf.truncatediv([7, -7], [2, 2]), [3, -3], tf.int32)
    check(tf.truncatediv([7.0, -7.0], [2.0, 2.0]), [3.0, -3.0])
    check(tf.truncatemod([7, -7], [2, 2]), [1, -1])
    check(tf.truncatemod([7.5, -7.5], [2.0, 2.0]), [1.5, -1.5])
    with pytest.raises(InternalError):
        tf.truncatediv([7], [0])
    assert grads(tf.truncatediv, [7.5], [2.0]) == [None, None]
    check(tf.realdiv([3.0, -4.0], [2.0, 0.0]), [1.5, -np.inf])
    with pytest.raises(NotFoundError):
        tf.realdiv([3, 4], [2, 2])


def test_scalar_mul_count_nonzero_zero_fraction():
    check(tf.scalar_mul(2, tf.constant([1.0, 2.0])), [2.0, 4.0])
    with pytest.raises(ValueError, match="0-D"):
        tf.scalar_mul(tf.constant([2.0]), tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="scalar"):
        tf.scalar_mul(tf.constant(2.0, tf.float64), tf.constant([1.0]))
    check(tf.math.count_nonzero([[0.0, 1], [2, 0]], axis=1, keepdims=True, dtype=tf.int32),
          [[1], [1]], tf.int32)
    check(tf.math.count_nonzero([True, False]), 1, tf.int64)
    check(tf.math.zero_fraction([0, 1, 0, 2]), 0.5, tf.float32)
    assert np.isnan(tf.math.zero_fraction(tf.constant([], tf.float32)).numpy())


def test_no_nan_products_and_nextafter():
    check(tf.math.multiply_no_nan([np.inf, np.nan, 1.0], [0.0, 0.0, 2.0]), [0, 0, 2])
    check(tf.math.reciprocal_no_nan([0.0, 2.0]), [0, 0.5])
    with pytest.raises(InvalidArgumentError):
        tf.math.reciprocal_no_nan([0, 2])
    assert tf.math.nextafter([1.0], [2.0]).numpy()[0] == np.nextafter(np.float32(1), 2)
    gx, gy = grads(tf.math.nextafter, [1.0], [2.0])
    check(gx, [1.0])
    check(gy, [0.0])
    with pytest.raises(InvalidArgumentError):
        tf.math.nextafter([1], [2])


def test_polyval():
    check(tf.math.polyval([1.0, 2.0, 3.0], [2.0, 3.0]), [11, 18])
    check(tf.math.polyval([], [2.0, 3.0]), [0, 0])
    with pytest.raises(ValueError, match="list type"):
        tf.math.polyval(tf.constant([1.0]), [2.0])
    g, second = grad_and_second(lambda x: tf.math.polyval([1.0, 2.0, 3.0], x), [2.0])
    check(g, [6.0])
    check(second, [2.0])


def test_cumulative_logsumexp():
    np.testing.assert_allclose(tf.math.cumulative_logsumexp([1.0, 2.0, 3.0]).numpy(),
                               [1.0, 2.3132617, 3.4076061], rtol=1e-6)
    np.testing.assert_allclose(
        tf.math.cumulative_logsumexp([1.0, 2.0, 3.0], exclusive=True, reverse=True).numpy(),
        [3.3132617, 3.0, -np.inf], rtol=1e-6)
    np.testing.assert_allclose(tf.math.cumulative_logsumexp([1000.0, 1000.0]).numpy(),
                               [1000.0, 1000.6931], rtol=1e-6)
    with pytest.raises(InvalidArgumentError):
        tf.math.cumulative_logsumexp([1, 2])
    g = grads(lambda x: tf.math.cumulative_logsumexp(x, exclusive=True),
              [1.0, 2.0, 3.0])[0]
    assert np.isfinite(g.numpy()).all()


def test_approx_k_and_sobol():
    values, indices = tf.math.approx_max_k([[1.0, 5, 3], [2, 0, 1]], 2)
    check(values, [[5, 3], [2, 1]])
    check(indices, [[1, 2], [0, 2]], tf.int32)
    values, indices = tf.math.approx_min_k([[1.0, 5, 3], [2, 0, 1]], 1, reduction_dimension=0)
    check(values, [[1, 0, 1]])
    check(tf.math.sobol_sample(2, 4), [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75], [0.375, 0.375]])
    assert tf.math.sobol_sample(2, 3, skip=1, dtype=tf.float64).dtype == tf.float64


def test_casts():
    check(tf.saturate_cast([-1.0, 300.0, 5.5], tf.uint8), [0, 255, 5], tf.uint8)
    check(tf.saturate_cast([-1, 300], tf.int8), [-1, 127], tf.int8)
    assert tf.dtypes.saturate_cast is tf.saturate_cast and tf.dtypes.cast is tf.cast
    check(tf.bitcast(tf.constant([1.0, 2.0]), tf.int32), [1065353216, 1073741824])
    assert tf.bitcast(tf.constant([1.0, 2.0]), tf.uint8).shape == (2, 4)
    check(tf.bitcast(tf.constant([[1, 2, 3, 4]], tf.uint8), tf.int32), [67305985])
    with pytest.raises(InvalidArgumentError, match="Cannot bitcast"):
        tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.int32)


def test_shapes_and_indices():
    check(tf.broadcast_dynamic_shape([2, 1, 3], [4, 1]), [2, 4, 3], tf.int32)
    with pytest.raises(InvalidArgumentError, match="Incompatible shapes"):
        tf.broadcast_dynamic_shape([2, 3], [4, 1])
    assert tf.broadcast_static_shape(tf.TensorShape([2, 1, 3]),
                                     tf.TensorShape([4, 1])) == tf.TensorShape([2, 4, 3])
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        tf.broadcast_static_shape(tf.TensorShape([2, 3]), tf.TensorShape([4, 1]))
    check(tf.unravel_index([22, 41, 37], (7, 6)), [[3, 6, 6], [4, 5, 1]], tf.int32)
    with pytest.raises(InvalidArgumentError, match="out of bound"):
        tf.unravel_index([6], [2, 3])
    shapes = tf.shape_n([tf.zeros([2, 3]), [1, 2]], out_type=tf.int64)
    check(shapes[0], [2, 3], tf.int64)


def test_tensor_scatter_nd_max_min():
    check(tf.tensor_scatter_nd_max(tf.constant([1.0, 5.0, 3.0]), [[0], [1], [0]],
                                   [4.0, 2.0, 6.0]), [6, 5, 3])
    check(tf.tensor_scatter_nd_min(tf.constant([1, 5, 3]), [[0], [1]], [4, 2]), [1, 2, 3])
    gx, gu = grads(lambda x, u: tf.tensor_scatter_nd_max(x, [[0], [1]], u),
                   [1.0, 5.0, 3.0], [4.0, 5.0])
    check(gx, [0, 0.5, 1])
    check(gu, [1, 0.5])


def test_utilities():
    assert tf.timestamp().dtype == tf.float64
    assert tf.no_op() is None
    with tf.device("/GPU:0"):
        check(tf.guarantee_const([1.0]), [1.0])
    with tf.device(None):
        pass
    with pytest.raises(TypeError):
        with tf.device(3):
            pass
    assert tf.acos is tf.math.acos and tf.atan2 is tf.math.atan2


def test_approx_top_k_ensure_shape_static_value_parallel_stack():
    values, indices = tf.approx_top_k(tf.constant([[1.0, 5, 3]]), 2)
    check(values, [[5, 3]])
    check(tf.approx_top_k(tf.constant([[1.0, 5, 3]]), 1, is_max_k=False).values, [[1]])
    check(tf.ensure_shape(tf.constant([1.0, 2.0]), [None]), [1.0, 2.0])
    with pytest.raises(InvalidArgumentError, match=r"not compatible with expected shape \[2,1\]"):
        tf.ensure_shape(tf.constant([1.0, 2.0]), [2, 1])
    check(grads(lambda x: tf.ensure_shape(x, [2]) * 2.0, [1.0, 2.0])[0], [2.0, 2.0])
    np.testing.assert_array_equal(tf.get_static_value(tf.constant([1, 2])), [1, 2])
    assert tf.get_static_value(3) == 3 and tf.get_static_value(tf.Variable(1.0)) is None
    with pytest.raises(RuntimeError, match="eager"):
        tf.parallel_stack([tf.constant([1.0])])
