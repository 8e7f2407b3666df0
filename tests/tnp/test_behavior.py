"""`experimental_enable_numpy_behavior`: the NumPy members of tensors, prefer_float32,
and the promotion and indexing functions the engine hooks call. The switch is
process-wide, so every test here turns it off again."""

import numpy as np
import pytest

import fasttape as tf
import fasttape.experimental.numpy as tnp
from fasttape import errors
from fasttape.experimental.numpy import _behavior
from fasttape.ops.shape import getitem


@pytest.fixture
def numpy_behavior():
    tnp.experimental_enable_numpy_behavior()
    yield
    tnp._disable_numpy_behavior()


@pytest.fixture
def prefer_float32():
    tnp.experimental_enable_numpy_behavior(prefer_float32=True)
    yield
    tnp._disable_numpy_behavior()


M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)


def test_tensors_have_no_numpy_members_before_enabling():
    t = tf.constant(M)
    for name in ("T", "reshape", "astype", "tolist", "mean"):
        with pytest.raises(AttributeError):
            getattr(t, name)


def test_the_members_follow_numpy(numpy_behavior):
    t = tf.constant(M)
    np.testing.assert_array_equal(t.T, M.T)
    assert t.size == 6 and isinstance(t.size, np.int64)
    assert t.ndim == 2
    assert t.tolist() == M.tolist()
    assert tf.constant(2.5).tolist() == 2.5
    assert t.data is t
    np.testing.assert_array_equal(t.reshape(3, 2), M.reshape(3, 2))
    np.testing.assert_array_equal(t.reshape((3, 2)), M.reshape(3, 2))
    np.testing.assert_array_equal(t.reshape([-1]), M.reshape(-1))
    np.testing.assert_array_equal(t.reshape(6, order="F"), M.reshape(6, order="F"))
    np.testing.assert_array_equal(t.transpose(), M.T)
    np.testing.assert_array_equal(t.transpose((1, 0)), M.T)
    np.testing.assert_array_equal(t.flatten(), M.flatten())
    np.testing.assert_array_equal(t.ravel(), M.ravel())
    np.testing.assert_array_equal(t.clip(2, 5), M.clip(2, 5))
    assert t.astype(tf.int32).dtype == tf.int32
    assert t.astype(np.float64).dtype == tf.float64
    assert t.astype("int64").dtype == tf.int64
    assert float(t.max()) == 6.0 and float(t.min()) == 1.0
    np.testing.assert_array_equal(t.max(axis=0), M.max(axis=0))
    np.testing.assert_array_equal(t.min(0), M.min(0))
    assert float(t.mean()) == pytest.approx(3.5)
    assert t.max(keepdims=True).shape == (1, 1)


def test_astype_reads_dtypes_as_tf_does(numpy_behavior):
    # TF's astype is tf.cast: the Python type float means float32 there
    assert tf.constant([1, 2]).astype(float).dtype == tf.float32


def test_a_scalar_tensor_has_size_one(numpy_behavior):
    assert tf.constant(3.0).size == 1


def test_members_keep_numpy_signatures(numpy_behavior):
    t = tf.constant(M)
    with pytest.raises(TypeError):
        t.transpose(1, 0)            # numpy allows it; TF's method takes one `axes`


def test_variables_do_not_get_the_members(numpy_behavior):
    # as in TF, where Variables are not tf.Tensor subclasses
    v = tf.Variable(M)
    for name in ("T", "reshape", "size", "astype"):
        with pytest.raises(AttributeError):
            getattr(v, name)
    assert callable(v.scatter_update)     # the engine's other extra members still work


def test_members_are_recorded_by_tapes(numpy_behavior):
    x = tf.constant(M)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = (x.T.reshape(-1) * tnp.arange(6.0).astype(np.float32)).max()
    np.testing.assert_array_equal(tape.gradient(y, x), [[0, 0, 0], [0, 0, 5]])


def test_disabling_removes_the_members_and_restores_inference():
    tnp.experimental_enable_numpy_behavior(prefer_float32=True)
    assert tnp.asarray(1.5).dtype == tf.float32
    tnp._disable_numpy_behavior()
    assert tnp.asarray(1.5).dtype == tf.float64
    with pytest.raises(AttributeError):
        _ = tf.constant(M).T
    assert not _behavior.is_enabled()


def test_enabling_twice_keeps_one_set_of_members():
    tnp.experimental_enable_numpy_behavior()
    tnp.experimental_enable_numpy_behavior(prefer_float32=True)
    assert tnp.asarray(1.5).dtype == tf.float32
    tnp._disable_numpy_behavior()
    with pytest.raises(AttributeError):
        _ = tf.constant(M).T


def test_unknown_and_unsupported_conversion_modes():
    with pytest.raises(ValueError, match="does not exist"):
        tnp.experimental_enable_numpy_behavior(dtype_conversion_mode="bogus")
    with pytest.raises(NotImplementedError):
        tnp.experimental_enable_numpy_behavior(dtype_conversion_mode="all")
    assert not _behavior.is_enabled()


@pytest.mark.parametrize("make, dtype", [
    (lambda: tnp.asarray(1.5), tf.float32),
    (lambda: tnp.asarray([1, 2.5]), tf.float32),
    (lambda: tnp.array([1.0], ndmin=2), tf.float32),
    (lambda: tnp.zeros(2, None), tf.float32),
    (lambda: tnp.zeros(2), tf.float64),              # dtype=float: NumPy's float64
    (lambda: tnp.ones(2), tf.float64),
    (lambda: tnp.full(2, 1.5), tf.float32),
    (lambda: tnp.arange(0, 1, 0.5), tf.float32),
    (lambda: tnp.arange(3), tf.int64),
    (lambda: tnp.linspace(0, 1, 3), tf.float32),
    (lambda: tnp.logspace(0, 1, 3), tf.float32),
    (lambda: tnp.sqrt(4.0), tf.float32),
    (lambda: tnp.sqrt(4), tf.float64),               # integers still go to float64
    (lambda: tnp.mean([1, 2]), tf.float64),
    (lambda: tnp.add([1, 2], 1.5), tf.float32),
    (lambda: tnp.add(tf.constant([1.0]), np.float64(1.0)), tf.float32),
    (lambda: tnp.add(tf.constant([1.0]), np.array([1.0])), tf.float64),
    (lambda: tnp.add(tf.constant([1]), 1.5), tf.float64),
    (lambda: tnp.eye(2), tf.float64),
])
def test_prefer_float32_makes_python_floats_float32(prefer_float32, make, dtype):
    assert make().dtype == dtype


# --- the functions behind the engine hooks -------------------------------------------------

@pytest.mark.parametrize("a, b, opname, dtype, value", [
    (tf.constant(1), 1.5, "add", tf.float64, 2.5),
    (tf.ones([], tf.int32), tf.ones([], tf.float32), "add", tf.float64, 2.0),
    (tf.ones([], tf.float32), tf.ones([], tf.float64), "multiply", tf.float64, 1.0),
    (tf.ones([], tf.float32), np.float64(2.0), "multiply", tf.float64, 2.0),
    (tf.constant(7, tf.int64), tf.constant(2, tf.int32), "floordiv", tf.int64, 3),
    (tf.constant(1), 1.5, "less", tf.bool, True),
])
def test_numpy_operator_promotes_like_numpy(a, b, opname, dtype, value):
    out = _behavior.numpy_operator(opname, a, b)
    assert out.dtype == dtype
    assert out.numpy() == value


@pytest.mark.parametrize("a, b", [
    (tf.constant(1.0), 2),
    (tf.constant(1.0), 2.5),
    (tf.constant([1, 2]), tf.constant([3, 4])),      # (int32 / int32 is float64 there)
    (3, tf.constant(1)),
])
def test_numpy_operator_leaves_same_dtype_operands_to_the_engine(a, b):
    assert _behavior.numpy_operator("add", a, b) is NotImplemented


def test_numpy_operator_matmul_takes_vectors():
    out = _behavior.numpy_operator("matmul", tf.constant([1.0, 2.0]),
                                   tf.constant([[1.0], [1.0]], tf.float64))
    assert out.dtype == tf.float64 and out.numpy().tolist() == [3.0]


def test_numpy_operator_promotion_is_recorded():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _behavior.numpy_operator("multiply", x, tf.constant([2.0, 3.0], tf.float64))
    g = tape.gradient(y, x)
    assert g.dtype == tf.float32 and g.numpy().tolist() == [2.0, 3.0]


def test_numpy_getitem_takes_index_arrays():
    t = tf.constant(M)
    for key in ([1, 0], (slice(None), [2, 0, 2]), ([0, 1], [1, 2]), np.array([True, False]),
                (Ellipsis, [True, False, True]), (tf.constant([1, 0]),), (None, [1])):
        want = M[tuple(np.asarray(k) if isinstance(k, tf.Tensor) else k for k in key)
                 if isinstance(key, tuple) else key]
        np.testing.assert_array_equal(_behavior.numpy_getitem(t, key, getitem), want)
    mask = tf.constant(M > 2.5)
    np.testing.assert_array_equal(_behavior.numpy_getitem(t, mask, getitem), M[M > 2.5])


def test_numpy_getitem_leaves_basic_keys_to_the_engine():
    t = tf.constant(M)
    seen = []
    _behavior.numpy_getitem(t, (0, slice(1, None)), lambda x, k: seen.append(k))
    assert seen == [(0, slice(1, None))]


def test_numpy_getitem_gradient_adds_repeated_rows():
    x = tf.constant(M)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _behavior.numpy_getitem(x, [1, 1, 0], getitem)
    np.testing.assert_array_equal(tape.gradient(y, x), [[1, 1, 1], [2, 2, 2]])


def test_numpy_getitem_errors():
    t = tf.constant(M)
    with pytest.raises(errors.InvalidArgumentError):
        _behavior.numpy_getitem(t, [0, 5], getitem)
    with pytest.raises(IndexError):
        _behavior.numpy_getitem(t, [0.5], getitem)
