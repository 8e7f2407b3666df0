"""Edge cases of the creation ops and tf.random (fasttape/ops/creation.py).

Expected values, dtypes and error classes were observed with TensorFlow 2.21 (random
numbers themselves differ from TF's: only shapes, dtypes, ranges, seeding behaviour
and gradients are compared).
"""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError, NotFoundError
from tests.helpers import grads


@pytest.fixture(autouse=True)
def unseeded():
    """Leave no global seed behind for other tests."""
    yield
    tf.random.set_seed(None)


# --- zeros, ones, fill, eye --------------------------------------------------------------

@pytest.mark.parametrize("shape, expected", [
    ([2, 3], (2, 3)), ((2,), (2,)), (3, (3,)), ((), ()), ([], ()),
    (tf.TensorShape([2]), (2,)), (np.array([2]), (2,)),
    (tf.constant([2, 1]), (2, 1)), (tf.constant([2], tf.int64), (2,)), (tf.constant(2), (2,)),
])
def test_zeros_shape_forms(shape, expected):
    out = tf.zeros(shape)
    assert out.shape == expected
    assert out.dtype == tf.float32
    assert not out.numpy().any()


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.bool, "float64", np.float64,
                                   tf.uint8, tf.complex64])
def test_zeros_and_ones_dtypes(dtype):
    assert tf.zeros([2], dtype).dtype == tf.as_dtype(dtype)
    ones = tf.ones([2], dtype=dtype)
    assert ones.dtype == tf.as_dtype(dtype)
    assert ones.numpy().all()


@pytest.mark.parametrize("fn", [tf.zeros, tf.ones])
def test_bad_shapes(fn):
    with pytest.raises(InvalidArgumentError, match="Dimension -1 must be >= 0"):
        fn([-1])
    with pytest.raises(TypeError):
        fn([2.0])
    with pytest.raises(ValueError):
        fn(None)
    with pytest.raises(ValueError, match="partially known"):
        fn(tf.TensorShape([None]))
    with pytest.raises(InvalidArgumentError, match="vector"):
        fn([[2]])


@pytest.mark.parametrize("value, dtype", [
    (3, tf.int32), (3.0, tf.float32), (np.float64(3.0), tf.float64), (True, tf.bool),
    (2**40, tf.int64), (tf.constant(3.0, tf.float64), tf.float64),
])
def test_fill_takes_the_value_dtype(value, dtype):
    out = tf.fill([2, 2], value)
    assert out.dtype == dtype
    assert out.shape == (2, 2)


def test_fill_shapes_and_legacy_scalar():
    assert tf.fill(2, 1.0).shape == (2,)
    assert tf.fill([], 1.0).shape == ()
    np.testing.assert_array_equal(tf.fill([2], [1.0]).numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(tf.fill([2], tf.Variable(1.0)).numpy(), [1.0, 1.0])


def test_fill_errors():
    with pytest.raises(InvalidArgumentError, match="scalar"):
        tf.fill([2], [1.0, 2.0])
    with pytest.raises(InvalidArgumentError):
        tf.fill([-2], 1.0)
    with pytest.raises(ValueError):
        tf.fill([2], None)


def test_fill_gradient_sums_over_the_result():
    (g,) = grads(lambda v: tf.fill([2, 3], v), 2.0)
    assert g.dtype == tf.float32
    assert float(g) == 6.0


def test_eye_forms():
    np.testing.assert_array_equal(tf.eye(2).numpy(), np.eye(2))
    np.testing.assert_array_equal(tf.eye(2, 3).numpy(), np.eye(2, 3))
    assert tf.eye(2, batch_shape=[3]).shape == (3, 2, 2)
    assert tf.eye(1, batch_shape=(2, 1)).shape == (2, 1, 1, 1)
    assert tf.eye(1, batch_shape=tf.constant([2])).shape == (2, 1, 1)
    assert tf.eye(0).shape == (0, 0)
    assert tf.eye(2, 0).shape == (2, 0)
    assert tf.eye(tf.constant(2), tf.constant(3)).shape == (2, 3)
    assert tf.eye(np.int64(2)).shape == (2, 2)
    assert tf.eye(2, dtype=tf.int32).dtype == tf.int32
    np.testing.assert_array_equal(tf.eye(2, dtype=tf.bool).numpy(), np.eye(2, dtype=bool))


def test_eye_errors():
    with pytest.raises(TypeError, match="num_rows=2.0"):
        tf.eye(2.0)
    with pytest.raises(InvalidArgumentError):
        tf.eye(-1)
    with pytest.raises(InvalidArgumentError):
        tf.eye(1, batch_shape=[-1])


def test_constant_fills_have_no_gradient():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.zeros([2]) + tf.ones([2]) + tf.eye(2)[0]
    assert tape.gradient(y, x) is None


# --- range ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs, dtype, values", [
    ((3,), {}, tf.int32, [0, 1, 2]),
    ((3.0,), {}, tf.float32, [0, 1, 2]),
    ((1, 4), {}, tf.int32, [1, 2, 3]),
    ((1, 4, 0.5), {}, tf.float32, [1, 1.5, 2, 2.5, 3, 3.5]),
    ((1, 4, 2, tf.float64), {}, tf.float64, [1, 3]),
    ((3,), {"dtype": tf.float32}, tf.float32, [0, 1, 2]),
    ((5, 1, -2), {}, tf.int32, [5, 3]),
    ((10, 0, -3), {}, tf.int32, [10, 7, 4, 1]),
    ((0, 10, 20), {}, tf.int32, [0]),
    ((1, 1), {}, tf.int32, []),
    ((0,), {}, tf.int32, []),
    ((3.0, 1.0, -0.5), {}, tf.float32, [3, 2.5, 2, 1.5]),
    ((), {"start": 2, "limit": 5}, tf.int32, [2, 3, 4]),
    ((np.float64(3.0),), {}, tf.float64, [0, 1, 2]),
    ((np.int64(3),), {}, tf.int64, [0, 1, 2]),
    ((2**40, 2**40 + 2), {}, tf.int64, [2**40, 2**40 + 1]),
    ((3,), {"dtype": tf.float16}, tf.float16, [0, 1, 2]),
    ((1, 3.5), {}, tf.float32, [1, 2, 3]),
])
def test_range_values_and_dtypes(args, kwargs, dtype, values):
    out = tf.range(*args, **kwargs)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), np.array(values, dtype=dtype.as_numpy_dtype))


def test_range_tensor_arguments_widen_or_cast():
    assert tf.range(tf.constant(3, tf.int64)).dtype == tf.int64
    assert tf.range(tf.constant(1), tf.constant(3, tf.int64)).dtype == tf.int64
    assert tf.range(tf.constant(1.0, tf.float64), 3).dtype == tf.float64
    assert tf.range(tf.constant(3), dtype=tf.float32).dtype == tf.float32
    assert tf.range(tf.constant(3.0), dtype=tf.int32).dtype == tf.int32
    assert tf.range(tf.Variable(3)).shape == (3,)


def test_range_float_values_are_start_plus_i_times_delta_in_float32():
    out = tf.range(0, 1, 0.1).numpy()
    assert out.size == 10
    assert out[-1] == np.float32(0.90000004)
    assert tf.range(0.0, 0.3, 0.1).shape == (3,)


@pytest.mark.parametrize("args, match", [
    ((5, 1), "start <= limit when delta > 0: 5/1"),
    ((-3,), "start <= limit"),
    ((1, 5, 0), "delta != 0"),
    ((1.0, 3.0, 0.0), "delta != 0"),
    ((1, 5, -1), "start >= limit when delta < 0: 1/5"),
    ((0.0, np.inf), "limit - start"),
    ((0.0, np.nan), "0/nan"),
])
def test_range_errors(args, match):
    with pytest.raises(InvalidArgumentError, match=match.replace("(", r"\(")):
        tf.range(*args)


def test_range_dtype_errors():
    with pytest.raises(TypeError):
        tf.range(0.5, 3, dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.range(True)
    with pytest.raises(NotFoundError):
        tf.range(3, dtype=tf.int8)
    with pytest.raises(InvalidArgumentError):
        tf.range(3, dtype=tf.uint8)


def test_range_has_no_gradient():
    (g,) = grads(lambda a: tf.range(a, 5.0), 1.0)
    assert g is None


# --- linspace ------------------------------------------------------------------------------

def test_linspace_values_and_dtypes():
    out = tf.linspace(0.0, 1.0, 5)
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [0, 0.25, 0.5, 0.75, 1])
    assert tf.linspace(0, 1, 5).dtype == tf.float64
    assert tf.linspace(tf.constant(0, tf.int64), 4, 3).dtype == tf.float64
    assert tf.linspace(np.float64(0.0), 1.0, 3).dtype == tf.float64
    assert tf.linspace(tf.constant(0.0, tf.float16), 1.0, 3).dtype == tf.float16
    assert tf.linspace(0.0, 2, 3).dtype == tf.float32
    np.testing.assert_array_equal(tf.linspace(0.0, 1.0, 1).numpy(), [0.0])
    assert tf.linspace(0.0, 1.0, 0).shape == (0,)
    np.testing.assert_array_equal(tf.linspace(1.0, 1.0, 3).numpy(), [1, 1, 1])


def test_linspace_ends_are_exact():
    out = tf.linspace(0.0, np.nan, 3).numpy()
    assert out[0] == 0 and np.isnan(out[1:]).all()
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = (np.float32(v) for v in rng.uniform(-3, 3, 2))
        out = tf.linspace(a, b, 7).numpy()
        assert out[0] == a and out[-1] == b
        middle = a + (b - a) / np.float32(6) * np.arange(1, 6, dtype=np.float32)
        np.testing.assert_array_equal(out[1:-1], middle)


def test_linspace_vectors_and_axis():
    np.testing.assert_array_equal(tf.linspace([0.0, 1.0], [1.0, 3.0], 3).numpy(),
                                  [[0, 1], [0.5, 2], [1, 3]])
    np.testing.assert_array_equal(tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-1).numpy(),
                                  [[0, 0.5, 1], [1, 2, 3]])
    assert tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-2).shape == (3, 2)
    np.testing.assert_array_equal(tf.linspace(0.0, [1.0, 3.0], 3).numpy(),
                                  [[0, 0], [0.5, 1.5], [1, 3]])


@pytest.mark.parametrize("num", [tf.constant(3), np.int64(3), [3]])
def test_linspace_num_forms(num):
    np.testing.assert_array_equal(tf.linspace(0.0, 1.0, num).numpy(), [0, 0.5, 1])


def test_linspace_errors():
    with pytest.raises(TypeError, match="num"):
        tf.linspace(0.0, 1.0, 3.0)
    with pytest.raises(InvalidArgumentError):
        tf.linspace(0.0, 1.0, -1)
    with pytest.raises(TypeError):
        tf.linspace(0, 1.5, 3)
    with pytest.raises(ValueError):
        tf.linspace(tf.constant(0.0), tf.constant(1.0, tf.float64), 3)
    with pytest.raises(InvalidArgumentError, match="Incompatible shapes"):
        tf.linspace([0.0, 1.0], [1.0, 2.0, 3.0], 3)
    for axis in (2, -3):
        with pytest.raises(InvalidArgumentError, match="expand dim"):
            tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=axis)


@pytest.mark.parametrize("num, weights, expected", [
    (5, [1.0, 2.0, 3.0, 4.0, 5.0], (5.0, 10.0)),
    (2, [1.0, 2.0], (1.0, 2.0)),
    (1, [1.0], (1.0, 0.0)),
])
def test_linspace_gradient(num, weights, expected):
    g = grads(lambda a, b: tf.linspace(a, b, num) * tf.constant(weights), 0.0, 1.0)
    assert tuple(float(x) for x in g) == expected


# --- random --------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [tf.random.uniform, tf.random.normal,
                                tf.random.truncated_normal])
@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_random_float_shapes_and_dtypes(fn, dtype):
    out = fn([2, 3], dtype=dtype)
    assert out.shape == (2, 3)
    assert out.dtype == dtype
    assert fn(()).shape == ()
    assert fn(tf.TensorShape([2])).shape == (2,)
    assert fn(tf.constant([2])).dtype == tf.float32


def test_uniform_ranges():
    u = tf.random.uniform([2000], dtype=tf.float16).numpy()
    assert (u >= 0).all() and (u < 1).all()
    u = tf.random.uniform([1000], 2.0, 5.0).numpy()
    assert (u >= 2).all() and (u < 5).all()
    u = tf.random.uniform([100], 2.0, 1.0).numpy()          # reversed bounds: (1, 2]
    assert (u > 1).all() and (u <= 2).all()
    b = tf.random.uniform([2, 3], [0.0, 10.0, 20.0], [1.0, 11.0, 21.0]).numpy()
    assert ((b >= [0, 10, 20]) & (b < [1, 11, 21])).all()


def test_uniform_integers():
    out = tf.random.uniform([500], 0, 3, dtype=tf.int32)
    assert out.dtype == tf.int32
    assert set(out.numpy().tolist()) == {0, 1, 2}
    big = tf.random.uniform([2], 2**40, 2**40 + 2, dtype=tf.int64).numpy()
    assert ((big >= 2**40) & (big < 2**40 + 2)).all()
    assert tf.random.uniform([2], tf.constant(0), tf.constant(3), dtype=tf.int32).shape == (2,)


def test_uniform_errors():
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], minval=5, dtype=tf.int32)
    with pytest.raises(InvalidArgumentError, match="minval < maxval"):
        tf.random.uniform([5], 3, 3, dtype=tf.int32)
    with pytest.raises(InvalidArgumentError, match="0-D"):
        tf.random.uniform([3], [0, 10, 20], [1, 11, 21], dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.random.uniform([5], 0.0, 3.0, dtype=tf.int32)
    for dtype in (tf.bool, tf.uint8):
        with pytest.raises(ValueError, match="dtype"):
            tf.random.uniform([2], dtype=dtype)
    with pytest.raises(ValueError):
        tf.random.uniform([2], tf.constant(0.0, tf.float64))


@pytest.mark.parametrize("fn", [tf.random.uniform, tf.random.normal,
                                tf.random.truncated_normal])
def test_random_shape_must_be_a_vector(fn):
    with pytest.raises(InvalidArgumentError, match="vector"):
        fn(2)
    with pytest.raises(InvalidArgumentError):
        fn([-1])


def test_normal_and_truncated_normal():
    with pytest.raises(TypeError):
        tf.random.normal([2], dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.random.truncated_normal([2], dtype=tf.int32)
    with pytest.raises(ValueError):
        tf.random.normal([2], tf.constant(0.0, tf.float64))
    with pytest.raises(InvalidArgumentError):
        tf.random.normal([2, 3], [0.0, 10.0])
    np.testing.assert_array_equal(tf.random.normal([2], stddev=[0.0, 0.0]).numpy(), [0, 0])
    means = tf.random.normal([2000, 3], [0.0, 10.0, 20.0]).numpy().mean(axis=0)
    np.testing.assert_allclose(means, [0, 10, 20], atol=0.2)
    t = tf.random.truncated_normal([5000], 1.0, 2.0).numpy()
    assert t.min() >= -3 and t.max() <= 5
    assert t.std() < 2.0


def test_global_seed_makes_the_sequence_repeat():
    tf.random.set_seed(5)
    first = [tf.random.uniform([3]).numpy(), tf.random.normal([3]).numpy(),
             tf.random.uniform([3], seed=1).numpy(), tf.random.uniform([3], seed=1).numpy()]
    tf.random.set_seed(5)
    again = [tf.random.uniform([3]).numpy(), tf.random.normal([3]).numpy(),
             tf.random.uniform([3], seed=1).numpy(), tf.random.uniform([3], seed=1).numpy()]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], tf.random.uniform([3]).numpy())
    assert not np.array_equal(first[2], first[3])        # an op seed repeated still advances


def test_op_seeded_streams_ignore_unseeded_calls():
    tf.random.set_seed(5)
    a = tf.random.uniform([2], seed=1).numpy()
    tf.random.set_seed(5)
    tf.random.normal([2])
    b = tf.random.uniform([2], seed=1).numpy()
    np.testing.assert_array_equal(a, b)


def test_different_global_seeds_differ_and_unseeded_draws_vary():
    tf.random.set_seed(1)
    a = tf.random.uniform([4]).numpy()
    tf.random.set_seed(2)
    assert not np.array_equal(a, tf.random.uniform([4]).numpy())
    tf.random.set_seed(None)
    assert not np.array_equal(tf.random.uniform([4]).numpy(), tf.random.uniform([4]).numpy())


def test_set_seed_accepts_ints_and_none_only():
    tf.random.set_seed(-1)
    tf.random.set_seed(np.int64(3))
    with pytest.raises(TypeError):
        tf.random.set_seed("a")


@pytest.mark.parametrize("fn", [tf.random.normal, tf.random.truncated_normal])
def test_normal_is_differentiable_in_mean_and_stddev(fn):
    tf.random.set_seed(3)
    draws = fn([4]).numpy()
    tf.random.set_seed(3)
    g_mean, g_std = grads(lambda m, s: fn([4], m, s), 1.0, 2.0)
    assert float(g_mean) == 4.0
    assert float(g_std) == pytest.approx(draws.sum(), rel=1e-6)


def test_uniform_is_differentiable_in_its_bounds():
    tf.random.set_seed(3)
    draws = tf.random.uniform([4]).numpy()
    tf.random.set_seed(3)
    g_lo, g_hi = grads(lambda a, b: tf.random.uniform([4], a, b), 0.0, 2.0)
    assert float(g_hi) == pytest.approx(draws.sum(), rel=1e-6)
    assert float(g_lo) == pytest.approx(4 - draws.sum(), rel=1e-6)


def test_shuffle_permutes_the_first_axis():
    x = np.arange(20).reshape(10, 2)
    out = tf.random.shuffle(x).numpy()
    assert sorted(out.tolist()) == x.tolist()
    assert float(tf.random.shuffle(3.0)) == 3.0
    assert tf.random.shuffle(np.zeros([0, 2], np.float32)).shape == (0, 2)
    tf.random.set_seed(4)
    a = tf.random.shuffle(x).numpy()
    tf.random.set_seed(4)
    np.testing.assert_array_equal(a, tf.random.shuffle(x).numpy())
    (g,) = grads(tf.random.shuffle, [1.0, 2.0])
    assert g is None


def test_categorical():
    out = tf.random.categorical([[0.0, 0.0], [-np.inf, 0.0]], 50)
    assert out.dtype == tf.int64 and out.shape == (2, 50)
    assert set(out.numpy()[0].tolist()) == {0, 1}
    assert (out.numpy()[1] == 1).all()                      # -inf is never drawn
    assert (tf.random.categorical([[np.nan, 0.0]], 5).numpy() == 1).all()
    # a row of only -inf: TF's out-of-range index num_classes
    assert (tf.random.categorical([[-np.inf, -np.inf]], 3).numpy() == 2).all()
    assert tf.random.categorical([[0.0, 0.0]], 4, dtype=tf.int32).dtype == tf.int32
    assert tf.random.categorical([[0.0, 0.0]], 0).shape == (1, 0)
    assert tf.random.categorical(np.zeros([0, 2], np.float32), 3).shape == (0, 3)
    frequencies = np.bincount(tf.random.categorical([np.log([0.2, 0.8])], 4000).numpy()[0])
    np.testing.assert_allclose(frequencies / 4000, [0.2, 0.8], atol=0.05)


def test_categorical_errors():
    with pytest.raises(InvalidArgumentError, match="matrix"):
        tf.random.categorical([0.0, 0.0], 4)
    with pytest.raises(NotFoundError):
        tf.random.categorical([[0, 0]], 4)
    with pytest.raises(InvalidArgumentError, match="num_classes"):
        tf.random.categorical(np.zeros([1, 0], np.float32), 3)
    with pytest.raises(InvalidArgumentError, match="num_samples"):
        tf.random.categorical([[0.0, 0.0]], -1)
    with pytest.raises(ValueError, match="dtype"):
        tf.random.categorical([[0.0, 0.0]], 2, dtype=tf.float32)


def test_namespaces():
    for name in ("uniform", "normal", "truncated_normal", "set_seed", "shuffle", "categorical"):
        assert callable(getattr(tf.random, name))
        assert not hasattr(tf, name)
    for name in ("zeros", "ones", "fill", "eye", "range", "linspace"):
        assert callable(getattr(tf, name))
    assert not hasattr(tf.math, "linspace")
