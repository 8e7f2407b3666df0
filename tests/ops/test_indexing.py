"""Edge cases of the indexing ops and Variable writes (fasttape/ops/indexing.py).

Expected values, dtypes and error classes were observed with TensorFlow 2.21.
"""

import numpy as np
import pytest

import fasttape as tf
from fasttape import _engine
from fasttape.errors import InvalidArgumentError
from tests.helpers import assert_jacobian_matches_rows, check, grads

P = np.arange(6.0).reshape(3, 2)
X = np.arange(6.0).reshape(2, 3)
X3 = np.arange(24.0).reshape(2, 3, 4)
IS = tf.IndexedSlices


# --- gather -----------------------------------------------------------------------------

def test_gather_values_dtypes_and_inputs():
    check(tf.gather(P, [2, 0]), P[[2, 0]], tf.float64)
    check(tf.gather([[1, 2], [3, 4]], 1), [3, 4], tf.int32)
    check(tf.gather([[1, 2], [3, 4]], np.int64(1)), [3, 4])
    check(tf.gather(P, tf.constant(2)), P[2])
    check(tf.gather(tf.Variable(P), [1]), P[[1]])
    check(tf.gather(P, np.zeros((0,), np.int32)), np.zeros((0, 2)))
    check(tf.gather(P, np.array([0], np.int16)), P[[0]])
    check(tf.gather(P, [[0, 1], [1, 0]], axis=1), P[:, [[0, 1], [1, 0]]])
    check(tf.gather(P, [0], axis=-1), P[:, [0]])


@pytest.mark.parametrize("indices, kwargs, message", [
    ([0, -1], {}, r"indices\[1\] = -1 is not in \[0, 3\)"),
    ([0, 3], {}, r"indices\[1\] = 3 is not in \[0, 3\)"),
    ([[0, 1], [1, 2]], {"axis": 1}, r"indices\[1,1\] = 2 is not in \[0, 2\)"),
    ([1.0], {}, "Tindices"),
    ([True], {}, "Tindices"),
    (np.array([0], np.uint8), {}, "Tindices"),
    ([], {}, "Tindices"),
    ([0], {"axis": 2}, "Shape must be at least rank 3 but is rank 2"),
    ([0], {"axis": -3}, "Shape must be at least rank 3 but is rank 2"),
    ([[0], [0], [0]], {"axis": 1, "batch_dims": 2}, r"batch_dims \(2\) must be less than "
                                                     r"rank\(params\) \(2\)"),
    ([[0, 1], [1, 0]], {"batch_dims": 1}, r"params.shape\[0\]: 3 should be equal to "
                                          r"indices.shape\[0\]: 2"),
])
def test_gather_errors(indices, kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.gather(P, indices, **kwargs)


def test_gather_scalar_params():
    with pytest.raises(InvalidArgumentError, match="at least 1 dimensional"):
        tf.gather(3.0, 0)


def test_gather_batch_dims():
    check(tf.gather(P, [[0, 1], [1, 0], [0, 0]], batch_dims=1),
          [[0.0, 1.0], [3.0, 2.0], [4.0, 4.0]])
    check(tf.gather(P, [0, 1, 1], batch_dims=1), [0.0, 3.0, 5.0])
    out = tf.gather(X3, [[0, 2], [1, 1]], axis=2, batch_dims=1)
    assert out.shape == (2, 3, 2)
    check(out, np.stack([X3[0][:, [0, 2]], X3[1][:, [1, 1]]]))
    assert tf.gather(X3, [[0], [1]], axis=-1, batch_dims=-1).shape == (2, 3, 1)


def test_gather_negative_batch_dims_defaults_axis_before_resolving():
    # TF takes the default axis from batch_dims as passed: -1 means the last axis
    check(tf.gather(P, [0, 1, 1], batch_dims=-1), P[:, [0, 1, 1]])


def test_gather_axis_0_gradient_is_indexed_slices():
    p = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.gather(p, [[0, 2], [2, 2]])
    g = tape.gradient(y, p)
    assert isinstance(g, tf.IndexedSlices)
    assert not isinstance(g, tf.Tensor)
    check(g.indices, [0, 2, 2, 2], tf.int32)
    check(g.values, np.ones((4, 2), np.float32), tf.float32)
    check(g.dense_shape, [3, 2], tf.int32)


def test_gather_gradient_keeps_the_indices_dtype():
    (g,) = grads(lambda p: tf.gather(p, np.array([0, 1], np.int64)), P)
    assert g.indices.dtype == tf.int64
    assert g.dense_shape.dtype == tf.int32


def test_gather_scalar_index_gradient():
    (g,) = grads(lambda p: tf.gather(p, tf.constant(1)), P)
    check(g.indices, [1])
    check(g.values, [[1.0, 1.0]])


@pytest.mark.parametrize("kwargs", [
    {"axis": 1}, {"axis": -2}, {"batch_dims": 1, "axis": 1},
])
def test_other_gathers_give_dense_gradients(kwargs):
    idx = [[0], [1], [1]] if "batch_dims" in kwargs else [1, 1]
    (g,) = grads(lambda p: tf.gather(p, idx, **kwargs), P)
    assert type(g) is tf.Tensor


def test_dense_gather_gradient_values():
    (g,) = grads(lambda p: tf.gather(p, [1, 1], axis=1), P)
    check(g, [[0.0, 2.0]] * 3)
    (g,) = grads(lambda p: tf.gather(p, [[0], [1], [1]], axis=1, batch_dims=1), P)
    check(g, [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])


def test_gather_of_gather_gradient_is_indexed_slices():
    (g,) = grads(lambda p: tf.gather(tf.gather(p, [1, 0, 1]), [2, 2]), P)
    assert isinstance(g, IS)
    check(tf.convert_to_tensor(g), [[0.0, 0.0], [2.0, 2.0], [0.0, 0.0]])


def test_gather_second_order():
    p = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(p)
        with tf.GradientTape() as inner:
            inner.watch(p)
            y = tf.reduce_sum(tf.gather(p, [0, 0, 2]) ** 3)
        g = inner.gradient(y, p)
        assert isinstance(g, IS)
        z = tf.reduce_sum(tf.convert_to_tensor(g))
    g2 = outer.gradient(z, p)
    assert isinstance(g2, IS)
    check(g2.values, [6.0, 6.0, 18.0])
    check(tf.convert_to_tensor(g2), [12.0, 0.0, 18.0])


def test_gather_jacobian_is_dense():
    c = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = tf.gather(c, [1, 1])
    j = tape.jacobian(y, c)
    assert type(j) is tf.Tensor
    expected = np.zeros((2, 2, 2, 2), np.float32)
    expected[0, :, 1, :] = expected[1, :, 1, :] = np.eye(2)
    check(j, expected)


def test_gather_in_a_loop_accumulates_sparse_pieces():
    p = tf.Variable(np.zeros((4, 2)))
    with tf.GradientTape() as tape:
        total = 0.0
        for t in range(200):
            total = total + tf.reduce_sum(tf.gather(p, t % 4) * float(t))
    g = tape.gradient(total, p)
    assert isinstance(g, IS)
    assert g.indices.shape == (200,)
    expected = [[sum(t for t in range(200) if t % 4 == r)] * 2 for r in range(4)]
    check(tf.convert_to_tensor(g), expected)


# --- gather_nd, scatter_nd ------------------------------------------------------------------

def test_gather_nd_values():
    check(tf.gather_nd(X, [[0, 1], [1, 2]]), [1.0, 5.0])
    check(tf.gather_nd(X, [[1]]), [[3.0, 4.0, 5.0]])
    check(tf.gather_nd(X, [1]), [3.0, 4.0, 5.0])
    check(tf.gather_nd(X, [1, 2]), 5.0)
    check(tf.gather_nd(X, [[[1, 2]]]), [[5.0]])
    check(tf.gather_nd(X, np.zeros((0, 2), np.int32)), np.zeros((0,)))
    check(tf.gather_nd(X, np.zeros((2, 0), np.int32)), np.stack([X, X]))
    check(tf.gather_nd(X3, [[1], [0]], batch_dims=1), [X3[0, 1], X3[1, 0]])
    check(tf.gather_nd(X3, [[1, 2], [0, 0]], batch_dims=1), [X3[0, 1, 2], X3[1, 0, 0]])
    assert tf.gather_nd(X3, [[[0], [1], [1]], [[0], [1], [1]]], batch_dims=2).shape == (2, 3)


@pytest.mark.parametrize("indices, kwargs, error, message", [
    ([[2, 0]], {}, InvalidArgumentError, r"indices\[0\] = \[2, 0\] does not index into "
                                         r"param shape \[2,3\]"),
    ([[-1, 0]], {}, InvalidArgumentError, "does not index into param shape"),
    ([[0, 0, 0]], {}, InvalidArgumentError, "innermost dimension length must be <= params "
                                            "rank; saw: 3 vs. 2"),
    ([[1.0]], {}, InvalidArgumentError, "Tindices"),
    (1, {}, InvalidArgumentError, "at least a vector"),
    ([[0], [1]], {"batch_dims": 2}, ValueError, "must be less than rank"),
    ([[0], [1]], {"batch_dims": -1}, ValueError, "negative batch_dims"),
])
def test_gather_nd_errors(indices, kwargs, error, message):
    with pytest.raises(error, match=message):
        tf.gather_nd(X, indices, **kwargs)


def test_gather_nd_ignore_bad_indices():
    check(tf.gather_nd(X, [[0, 1], [5, 5]], bad_indices_policy="IGNORE"), [1.0, 0.0])


def test_gather_nd_gradient_types():
    (g,) = grads(lambda x: tf.gather_nd(x, [[1], [1]]), X)
    assert isinstance(g, IS)                   # indices of shape [n, 1]: rows, as in TF
    check(g.indices, [1, 1])
    (g,) = grads(lambda x: tf.gather_nd(x, tf.constant([[1]], tf.int64)), X)
    assert g.dense_shape.dtype == tf.int64     # TF builds it in the indices' dtype
    (g,) = grads(lambda x: tf.gather_nd(x, [[1, 0], [1, 0]]), X)
    check(g, [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
    (g,) = grads(lambda x: tf.gather_nd(x, [1]), X)   # TF 2.21 fails here; we scatter
    check(g, [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])


def test_scatter_nd_sums_duplicates():
    check(tf.scatter_nd([[1], [1]], P[:2], [4, 2]), [[0.0, 0.0], [2.0, 4.0], [0.0, 0.0],
                                                     [0.0, 0.0]])
    with pytest.raises(InvalidArgumentError, match="does not index"):
        tf.scatter_nd([[1], [5]], P[:2], [4, 2])
    with pytest.raises(InvalidArgumentError, match="must match"):
        tf.scatter_nd([[1], [1]], P, [4, 2])


# --- tensor_scatter_nd_* ------------------------------------------------------------------

def test_tensor_scatter_values():
    check(tf.tensor_scatter_nd_update(X, [[0, 1], [1, 2]], [10.0, 20.0]),
          [[0.0, 10.0, 2.0], [3.0, 4.0, 20.0]])
    check(tf.tensor_scatter_nd_update(X, [[0], [1]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
          [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    check(tf.tensor_scatter_nd_update(X, [[0, 1], [0, 1]], [10.0, 20.0]),
          [[0.0, 20.0, 2.0], [3.0, 4.0, 5.0]])               # the last write wins
    check(tf.tensor_scatter_nd_add(X, [[0, 1], [0, 1]], [10.0, 20.0]),
          [[0.0, 31.0, 2.0], [3.0, 4.0, 5.0]])
    check(tf.tensor_scatter_nd_sub(X, [[0, 1]], [10.0]), [[0.0, -9.0, 2.0], [3.0, 4.0, 5.0]])
    check(tf.tensor_scatter_nd_update(X, [[[0, 1]]], [[10.0]]),
          [[0.0, 10.0, 2.0], [3.0, 4.0, 5.0]])
    check(tf.tensor_scatter_nd_update(X, np.zeros((0, 2), np.int32), np.zeros((0,))), X)
    check(tf.tensor_scatter_nd_update(X, [[0, 1]], [10]), [[0.0, 10.0, 2.0], [3.0, 4.0, 5.0]],
          tf.float64)


def test_tensor_scatter_dtype_follows_the_tensor_among_inputs():
    out = tf.tensor_scatter_nd_update(X, [[0, 1]], tf.constant([10.0], tf.float32))
    assert out.dtype == tf.float32
    with pytest.raises(InvalidArgumentError, match="expected to be a float64"):
        tf.tensor_scatter_nd_update(tf.constant(X), [[0, 1]], tf.constant([10.0], tf.float32))


@pytest.mark.parametrize("fn, indices, updates, message", [
    (tf.tensor_scatter_nd_update, [[2, 1]], [10.0], r"indices\[0\] = \[2, 1\] does not index"),
    (tf.tensor_scatter_nd_update, [[-1, 1]], [10.0], "does not index"),
    (tf.tensor_scatter_nd_add, [[2, 1]], [10.0], "does not index"),
    (tf.tensor_scatter_nd_update, [[0, 1]], [10.0, 3.0], "must match"),
    (tf.tensor_scatter_nd_update, [0, 1], 10.0, "rank at least one"),
])
def test_tensor_scatter_errors(fn, indices, updates, message):
    with pytest.raises(InvalidArgumentError, match=message):
        fn(X, indices, updates)


def test_tensor_scatter_ignore_bad_indices():
    check(tf.tensor_scatter_nd_add(X, [[0, 1], [7, 7]], [10.0, 20.0],
                                   bad_indices_policy="IGNORE"),
          [[0.0, 11.0, 2.0], [3.0, 4.0, 5.0]])


def test_tensor_scatter_gradients_as_tf():
    u = np.array([10.0, 20.0])
    gx, gu = grads(lambda x, u: tf.tensor_scatter_nd_update(x, [[0, 1], [0, 1]], u), X, u)
    check(gx, [[1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])    # overwritten positions get nothing
    check(gu, [1.0, 1.0])                            # both duplicates get the upstream
    gx, gu = grads(lambda x, u: tf.tensor_scatter_nd_add(x, [[0, 1], [0, 1]], u), X, u)
    check(gx, np.ones((2, 3)))
    check(gu, [1.0, 1.0])
    gx, gu = grads(lambda x, u: tf.tensor_scatter_nd_sub(x, [[0, 1], [1, 1]], u), X, u)
    check(gx, np.ones((2, 3)))
    check(gu, [-1.0, -1.0])


# --- boolean_mask ---------------------------------------------------------------------------

def test_boolean_mask_values():
    check(tf.boolean_mask(X, [True, False]), [[0.0, 1.0, 2.0]])
    check(tf.boolean_mask(X, [[True, False, True], [False, False, True]]), [0.0, 2.0, 5.0])
    check(tf.boolean_mask(X, [True, False, True], axis=1), [[0.0, 2.0], [3.0, 5.0]])
    check(tf.boolean_mask(X, [1, 0]), [[0.0, 1.0, 2.0]])
    check(tf.boolean_mask(X, [1.0, 0.0]), [[0.0, 1.0, 2.0]])
    check(tf.boolean_mask(X, [False, False]), np.zeros((0, 3)))
    check(tf.boolean_mask(X, [True, False], axis=-2), [[0.0, 1.0, 2.0]])
    assert tf.boolean_mask(X3, [[True, False, True], [False, False, True]]).shape == (3, 4)
    mask = [[True, False, True, False], [False, False, True, True], [True] * 4]
    assert tf.boolean_mask(X3, mask, axis=1).shape == (2, 8)


@pytest.mark.parametrize("mask, axis, message", [
    ([True, False, True], None, r"Shapes \(2,\) and \(3,\) are incompatible"),
    ([[True], [False]], None, r"Shapes \(2, 3\) and \(2, 1\) are incompatible"),
    ([True, False, True], 2, r"Shapes \(\) and \(3,\) are incompatible"),
    (True, None, "mask cannot be scalar"),
])
def test_boolean_mask_errors(mask, axis, message):
    with pytest.raises(ValueError, match=message):
        tf.boolean_mask(X, mask, axis=axis)


def test_bool_tensor_index_is_boolean_mask_with_dense_gradient():
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x[tf.constant([[True, False, True], [False, False, True]])] * [1.0, 2.0, 3.0]
    check(y, [0.0, 4.0, 15.0])
    g = tape.gradient(y, x)
    assert type(g) is tf.Tensor
    check(g, [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])


# --- one_hot --------------------------------------------------------------------------------

def test_one_hot_values_and_dtypes():
    check(tf.one_hot([0, 2, -1, 3], 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]],
          tf.float32)
    check(tf.one_hot([0, 2], 3, on_value=5, off_value=-1), [[5, -1, -1], [-1, -1, 5]],
          tf.int32)
    check(tf.one_hot([1], 3, off_value=2), [[2, 1, 2]], tf.int32)
    assert tf.one_hot([1], 3, on_value=5.0).dtype == tf.float32
    assert tf.one_hot([1], 3, on_value=np.float64(2.0)).dtype == tf.float64
    assert tf.one_hot([1], 3, dtype=tf.int32).dtype == tf.int32
    check(tf.one_hot([1], 3, on_value=True, off_value=False), [[False, True, False]], tf.bool)
    check(tf.one_hot(1, 3), [0.0, 1.0, 0.0])
    check(tf.one_hot([1], 0), np.zeros((1, 0)))
    check(tf.one_hot(np.array([1], np.uint8), tf.constant(3)), [[0.0, 1.0, 0.0]])


def test_one_hot_axis():
    check(tf.one_hot([[0, 2]], 3, axis=0), np.eye(3)[[0, 2]].T[:, None, :])
    check(tf.one_hot([[0, 2]], 3, axis=1), np.eye(3)[[0, 2]].T[None])
    for axis in (3, -2):
        with pytest.raises(InvalidArgumentError, match="Expected axis to be -1 or between"):
            tf.one_hot([[0, 2]], 3, axis=axis)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"on_value": 5, "off_value": 1.0}, TypeError, "does not match dtype"),
    ({"on_value": 5.0, "dtype": tf.int32}, TypeError, "does not match dtype parameter"),
    ({"dtype": tf.bool}, TypeError, "Cannot convert 1"),
    ({"depth": -1}, InvalidArgumentError, "depth must be non-negative"),
    ({"depth": 3.5}, TypeError, "Cannot convert 3.5"),
])
def test_one_hot_errors(kwargs, error, message):
    kwargs.setdefault("depth", 3)
    with pytest.raises(error, match=message):
        tf.one_hot([1], **kwargs)
    with pytest.raises(InvalidArgumentError, match="TI"):
        tf.one_hot([0.0], 3)


def test_one_hot_has_no_gradient():
    on = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(on)
        y = tf.one_hot([1, 2], 3, on_value=on)
    assert tape.gradient(y, on) is None


# --- embedding_lookup -------------------------------------------------------------------------

def test_embedding_lookup():
    check(tf.nn.embedding_lookup(P, [2, 0]), P[[2, 0]])
    check(tf.nn.embedding_lookup([P], [[0, 1]]), P[[[0, 1]]])
    with pytest.raises(InvalidArgumentError, match=r"indices\[0\] = 3 is not in \[0, 3\)"):
        tf.nn.embedding_lookup(P, [3])
    with pytest.raises(ValueError, match="Need at least one param"):
        tf.nn.embedding_lookup([], [0])


def test_embedding_lookup_shards_use_the_div_strategy():
    check(tf.nn.embedding_lookup([P[:2], P[2:]], [0, 1, 2]), P)
    check(tf.nn.embedding_lookup([P, P], [3]), P[[0]])
    full = np.concatenate([P, P, P[:2]])
    check(tf.nn.embedding_lookup([P, P, P[:2]], [[7, 0], [3, 4]]), full[[[7, 0], [3, 4]]])
    with pytest.raises(InvalidArgumentError, match=r"indices\[1\] = 1 is not in \[0, 1\)"):
        tf.nn.embedding_lookup([P[:1], P[1:]], [0, 1, 2])


def test_embedding_lookup_max_norm():
    out = tf.nn.embedding_lookup(P, [[2], [0]], max_norm=1.0)
    norms = np.linalg.norm(P[[2, 0]], axis=-1)
    check(out, (P[[2, 0]] / np.maximum(norms, 1.0)[:, None])[:, None, :])
    check(tf.nn.embedding_lookup(P, [0, 1], max_norm=-1.0), np.zeros((2, 2)))


def test_embedding_lookup_gradients_are_indexed_slices():
    p = tf.Variable(P)
    shard = tf.Variable(P[:2])
    with tf.GradientTape() as tape:
        y = tf.nn.embedding_lookup(p, [1, 0], max_norm=1.0)
        z = tf.nn.embedding_lookup([p, shard], [4, 0, 2, 4])
        loss = tf.reduce_sum(y) + tf.reduce_sum(z * z)
    gp, gs = tape.gradient(loss, [p, shard])
    assert isinstance(gp, IS) and isinstance(gs, IS)
    check(tf.convert_to_tensor(gs), [[0.0, 0.0], [4 * P[1, 0], 4 * P[1, 1]]])


# --- Variable writes ----------------------------------------------------------------------------

def _slices(values, indices, dtype=tf.float64):
    return IS(tf.constant(values, dtype), tf.constant(indices))


@pytest.mark.parametrize("method, values, indices, expected", [
    ("scatter_update", [[10.0, 11.0]], [1], [[0, 1], [10, 11], [4, 5]]),
    ("scatter_update", [[10.0, 11.0], [1.0, 1.0]], [1, 1], [[0, 1], [1, 1], [4, 5]]),
    ("scatter_add", [[10.0, 11.0], [1.0, 1.0]], [1, 1], [[0, 1], [13, 15], [4, 5]]),
    ("scatter_sub", [[10.0, 11.0], [1.0, 1.0]], [1, 1], [[0, 1], [-9, -9], [4, 5]]),
    ("scatter_max", [[100.0, -11.0]], [0], [[100, 1], [2, 3], [4, 5]]),
    ("scatter_min", [[-100.0, -11.0]], [0], [[-100, -11], [2, 3], [4, 5]]),
    ("scatter_mul", [[2.0, 3.0]], [2], [[0, 1], [2, 3], [8, 15]]),
    ("scatter_div", [[2.0, 4.0]], [2], [[0, 1], [2, 3], [2, 1.25]]),
    ("scatter_add", 2.0, 1, [[0, 1], [4, 5], [4, 5]]),
    ("scatter_add", [[[2.0, 3.0]]], [[1]], [[0, 1], [4, 6], [4, 5]]),
])
def test_variable_scatter_methods(method, values, indices, expected):
    v = tf.Variable(P)
    before = v.read_value()
    out = getattr(v, method)(_slices(values, indices))
    check(v, expected)
    assert isinstance(out, tf.Variable)
    check(out, expected)
    check(before, P)                     # a tensor read earlier keeps its value


def test_variable_scatter_with_python_values_and_int_division():
    v = tf.Variable(P)
    v.scatter_add(IS([[2.0, 3.0]], [1]))
    check(v, [[0, 1], [4, 6], [4, 5]])
    w = tf.Variable([7, 8, -9])
    w.scatter_div(IS(tf.constant([2, 2, 2]), tf.constant([0, 1, 2])))
    check(w, [3, 4, -4], tf.int32)


@pytest.mark.parametrize("delta, error, message", [
    (tf.constant([[2.0, 3.0]], tf.float64), TypeError, "must be a `tf.IndexedSlices`"),
    (_slices([[2.0, 3.0]], [3]), InvalidArgumentError, r"indices\[0\] = 3 is not in \[0, 3\)"),
    (_slices([[2.0, 3.0]], [-1]), InvalidArgumentError, "is not in"),
    (_slices([2.0, 3.0], [2]), InvalidArgumentError, "Must have updates.shape"),
    (_slices([[2.0, 3.0]], [2], tf.float32), ValueError, "Tensor conversion requested dtype"),
])
def test_variable_scatter_errors(delta, error, message):
    v = tf.Variable(P)
    with pytest.raises(error, match=message):
        v.scatter_add(delta)
    check(v, P)


def test_variable_scatter_nd_methods():
    for method, expected in [
        ("scatter_nd_update", [[0, 7], [2, 3], [8, 5]]),
        ("scatter_nd_add", [[0, 8], [2, 3], [12, 5]]),
        ("scatter_nd_sub", [[0, -6], [2, 3], [-4, 5]]),
        ("scatter_nd_max", [[0, 7], [2, 3], [8, 5]]),
        ("scatter_nd_min", [[0, 1], [2, 3], [4, 5]]),
    ]:
        v = tf.Variable(P)
        assert isinstance(getattr(v, method)([[0, 1], [2, 0]], [7.0, 8.0]), tf.Variable)
        check(v, expected)
    v = tf.Variable(P)
    v.scatter_nd_update([[0], [2]], [[7.0, 8.0], [1.0, 1.0]])
    check(v, [[7, 8], [2, 3], [1, 1]])
    with pytest.raises(InvalidArgumentError, match="does not index"):
        v.scatter_nd_update([[3, 0]], [7.0])
    with pytest.raises(ValueError):
        v.scatter_nd_update([[0, 0]], tf.constant([7.0], tf.float32))


def test_variable_reads_by_index():
    v = tf.Variable(P)
    with tf.GradientTape() as tape:
        y = v.sparse_read([2, 0])
    check(y, P[[2, 0]])
    assert isinstance(tape.gradient(y, v), IS)
    check(v.gather_nd([[2, 0]]), [4.0])


def test_scatter_methods_are_variables_only():
    t = tf.constant(P)
    assert not hasattr(t, "scatter_add")
    assert not hasattr(t, "scatter_nd_update")
    with pytest.raises(AttributeError):
        t.sparse_read([0])


def test_variable_slice_assign():
    v = tf.Variable(P)
    s = v[0]
    assert isinstance(s, tf.Tensor)
    check(s, P[0])
    out = v[0].assign([1.0, 2.0])
    assert isinstance(out, tf.Variable)
    check(v, [[1, 2], [2, 3], [4, 5]])
    v[1:3].assign([[1.0, 2.0], [3.0, 4.0]])
    v[::2, 1].assign(9.0)
    v[..., 0].assign([5, 6, 7])
    v[tf.constant(1)].assign([0.0, 0.0])
    check(v, [[5, 9], [0, 0], [7, 9]])
    check(s, P[0])                          # the slice read earlier keeps its value
    with pytest.raises(InvalidArgumentError, match=r"Cannot broadcast input shape \[3\] into "
                                                   r"final shape \[2\]"):
        v[0].assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        v[0].assign([1.0, 2.0], read_value=False)
    w = tf.Variable([1, 2, 3])
    w[1].assign(5)
    check(w, [1, 5, 3], tf.int32)
    with pytest.raises(TypeError, match="Cannot convert 5.5"):
        w[1].assign(5.5)


def test_variable_slice_assign_inside_a_tape():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = v[0] * 2.0
        v[1].assign([7.0, 7.0])
        z = tf.reduce_sum(y) + tf.reduce_sum(v[1] * v[1])
    check(tape.gradient(z, v), [[2.0, 2.0], [14.0, 14.0], [0.0, 0.0]])


def test_only_variable_slices_can_assign():
    # as in TF: a read value, a bool-mask slice and a slice of a slice have no assign
    v = tf.Variable(P)
    assert not hasattr(v.read_value()[0], "assign")
    assert not hasattr(v[tf.constant([True, False, True])], "assign")
    assert not hasattr(tf.constant(P)[0], "assign")
    assert not hasattr(v[0], "assign_add")       # TF has no assign_add on slices


# --- vectorised jacobians (rules taking stacked cotangents) -------------------------------------

@pytest.mark.parametrize("f", [
    lambda x: tf.gather(x * x, [[2, 0], [2, 2]]),
    lambda x: tf.gather(x * x, [1, 1, 0], axis=1),
    lambda x: tf.gather(tf.reshape(x * x, [3, 2, 1]), [[1], [0], [1]], axis=1, batch_dims=1),
    lambda x: tf.gather_nd(x * x, [[0, 1], [2, 1], [0, 1]]),
    lambda x: tf.gather_nd(x * x, [[2], [0], [2]]),
    lambda x: tf.gather_nd(tf.reshape(x, [3, 2, 1]) * 2.0, [[[1]], [[0]], [[1]]], batch_dims=1),
    lambda x: tf.scatter_nd([[1], [1], [0]], x * x, [4, 2]),
    lambda x: tf.tensor_scatter_nd_update(x * x, [[0, 1], [2, 0]], x[1] * 3.0),
    lambda x: tf.tensor_scatter_nd_add(x * x, [[1], [1]], x[:2] * 3.0),
    lambda x: tf.tensor_scatter_nd_sub(x * x, [[2, 1]], x[0, :1]),
    lambda x: tf.boolean_mask(x * x, [True, False, True]),
    lambda x: x[tf.constant([[True, False], [False, True], [True, True]])] * x[0, 0],
    lambda x: tf.nn.embedding_lookup(x * x, [1, 1, 2], max_norm=2.0),
    lambda x: tf.nn.embedding_lookup([x[:2] * x[:2], x[2:]], [2, 0, 2]),
    lambda x: tf.convert_to_tensor(IS(x * x, tf.constant([1, 1, -1]), tf.constant([4, 2]))),
], ids=["gather", "gather_axis1", "gather_batch_dims", "gather_nd", "gather_nd_rows",
        "gather_nd_batch_dims", "scatter_nd", "tensor_scatter_update", "tensor_scatter_add",
        "tensor_scatter_sub", "boolean_mask", "bool_index", "embedding_max_norm",
        "embedding_shards", "indexed_slices_to_dense"])
def test_vectorised_jacobian(f):
    assert_jacobian_matches_rows(f, P + 1.0)


def test_vectorised_jacobian_of_rule_ops():
    from fasttape.ops import indexing

    def gather_grad(x):
        return _engine.apply(indexing._gather_grad.op, (x * x, tf.constant([0, 2])),
                             (1, 0, (3, 3)))

    def gather_grad_batch(x):
        return _engine.apply(indexing._gather_grad.op, (x * x, tf.constant([[0], [2], [1]])),
                             (1, 1, (3, 3)))

    def unmask(x):
        return _engine.apply(indexing._boolean_unmask.op, (x * x,),
                             (np.array([True, False, True, True]), 0, (4, 2)))

    assert_jacobian_matches_rows(gather_grad, P + 1.0)
    assert_jacobian_matches_rows(gather_grad_batch, np.arange(3.0).reshape(3, 1) + 1.0)
    assert_jacobian_matches_rows(unmask, P + 1.0)
