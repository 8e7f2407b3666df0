"""Where tnp follows TF rather than (or beyond) NumPy: the dtypes TF 2.21's tnp
infers, its errors, tapes, gradient conventions at special points, the dtype objects
and `tnp.random`. Expected values were observed with TensorFlow 2.21."""

import numpy as np
import pytest

import fasttape as tf
import fasttape.experimental.numpy as tnp
from fasttape import errors

I32 = tf.constant([1, 2])
F32 = tf.constant([1.0, 2.0])
I64 = tf.constant([1, 2], tf.int64)


@pytest.mark.parametrize("make, dtype", [
    (lambda: tnp.asarray(1.5), "float64"),
    (lambda: tnp.asarray([1]), "int64"),
    (lambda: tnp.asarray([]), "float64"),
    (lambda: tnp.asarray(True), "bool"),
    (lambda: tnp.asarray([1, 2.5]), "float64"),
    (lambda: tnp.asarray(np.float32(1.5)), "float32"),
    (lambda: tnp.asarray([tf.constant(1.0), 1.5]), "float32"),
    (lambda: tnp.asarray(F32, dtype=float), "float64"),
    (lambda: tnp.asarray([1], dtype=tf.float32), "float32"),
    (lambda: tnp.asarray([1], dtype="float32"), "float32"),
    (lambda: tnp.zeros(2, int), "int64"),
    (lambda: tnp.full([2], 3), "int64"),
    (lambda: tnp.full_like(I32, 2.7), "int32"),
    (lambda: tnp.ones_like(I32), "int32"),
    (lambda: tnp.arange(tf.constant(3.0)), "float32"),
    (lambda: tnp.linspace(tf.constant(0.0), 1, 3), "float32"),
    (lambda: tnp.tri(3), "float64"),
    (lambda: tnp.sqrt(I32), "float64"),
    (lambda: tnp.sqrt(F32), "float32"),
    (lambda: tnp.abs(I32), "int32"),
    (lambda: tnp.square(3), "int64"),
    (lambda: tnp.floor(I32), "float64"),
    (lambda: tnp.sign([-2.0, 0, 3]), "float64"),
    (lambda: tnp.add(I32, 1.5), "float64"),
    (lambda: tnp.add(F32, 2), "float32"),
    (lambda: tnp.add(I32, F32), "float64"),
    (lambda: tnp.add(I32, I64), "int64"),
    (lambda: tnp.add(F32, np.float64(1.0)), "float64"),
    (lambda: tnp.add(F32, np.array([1.0, 1.0])), "float64"),
    (lambda: tnp.add(tf.constant(True), False), "bool"),
    (lambda: tnp.divide(I32, I32), "float64"),
    (lambda: tnp.true_divide(True, True), "float64"),
    (lambda: tnp.maximum(I32, 1.5), "float64"),
    (lambda: tnp.equal(I32, 1.0), "bool"),
    (lambda: tnp.sum(I32), "int64"),
    (lambda: tnp.sum([True, True]), "int64"),
    (lambda: tnp.sum(F32), "float32"),
    (lambda: tnp.mean(I32), "float64"),
    (lambda: tnp.prod([True, False]), "int64"),
    (lambda: tnp.max([True, False]), "bool"),
    (lambda: tnp.max(I32), "int32"),
    (lambda: tnp.std([1, 2, 3, 4]), "float64"),
    (lambda: tnp.argmax([[1, 5], [7, 2]]), "int64"),
    (lambda: tnp.cumsum(I32), "int64"),
    (lambda: tnp.count_nonzero([[1, 0], [2, 3]], axis=0), "int64"),
    (lambda: tnp.diag_indices(3)[0], "int32"),
    (lambda: tnp.nonzero([[1, 0], [0, 2]])[0], "int64"),
    (lambda: tnp.argsort([3, 1, 2]), "int64"),
])
def test_inferred_dtypes_are_tf_tnps(make, dtype):
    assert make().dtype.name == dtype


@pytest.mark.parametrize("call, error", [
    (lambda: tnp.clip([1], None, None), ValueError),
    (lambda: tnp.take([1, 2, 3], [1], mode="raise"), ValueError),
    (lambda: tnp.take([1, 2, 3], [1], mode="bogus"), ValueError),
    (lambda: tnp.take([1, 2, 3], [1], out=1), ValueError),
    (lambda: tnp.mean([1.0], out=1), ValueError),
    (lambda: tnp.matmul([[1.0, 2.0]], [[3.0, 4.0]]), ValueError),
    (lambda: tnp.matmul(2.0, [1.0]), ValueError),
    (lambda: tnp.power(2, -1), errors.InvalidArgumentError),
    (lambda: tnp.squeeze(tnp.ones([1, 2, 1]), 1), errors.InvalidArgumentError),
    (lambda: tnp.split(tnp.arange(6), 4), errors.InvalidArgumentError),
    (lambda: tnp.hsplit(tnp.ones([2, 3]), 2), ValueError),
    (lambda: tnp.argmax(tnp.zeros([0])), errors.InvalidArgumentError),
    (lambda: tnp.arange(0, 5, 0), ValueError),
    (lambda: tnp.linspace(0, 1, -1), ValueError),
    (lambda: tnp.tril([1, 2]), ValueError),
    (lambda: tnp.reshape([1, 2], [3]), errors.InvalidArgumentError),
    (lambda: tnp.reshape([1, 2], [2], order="X"), ValueError),
    (lambda: tnp.concatenate([]), ValueError),
    (lambda: tnp.where([True], 1), ValueError),
    (lambda: tnp.select([], []), ValueError),
    (lambda: tnp.select([[True]], [[1], [2]]), ValueError),
    (lambda: tnp.sort([3, 1], kind="stable"), ValueError),
    (lambda: tnp.argsort([3, 1], kind="heapsort"), ValueError),
    (lambda: tnp.argsort([3, 1], order="x"), ValueError),
    (lambda: tnp.pad([1, 2], 1, "edge"), ValueError),
    (lambda: tnp.full_like([1], 2, order="C"), ValueError),
    (lambda: tnp.meshgrid([1], sparse=True), ValueError),
    (lambda: tnp.average([1.0, 2.0], axis=(0,)), ValueError),
    (lambda: tnp.size([1, 2], axis=0), NotImplementedError),
    (lambda: tnp.gcd(1.5, 2), ValueError),
    (lambda: tnp.bitwise_and(1.5, 2), errors.InvalidArgumentError),
    (lambda: tnp.sign([1.0], out=1), ValueError),
    (lambda: tnp.diag(tnp.ones([2, 2, 2])), ValueError),
    (lambda: tnp.take_along_axis([1.0, 2.0], [5], 0), errors.InvalidArgumentError),
    (lambda: tnp.einsum("i,i", [1.0], [1.0], casting="unsafe"), ValueError),
    (lambda: tnp.array([1.0], ndmin=33), ValueError),
    (lambda: tnp.asarray([[1, 2], [3]]), ValueError),
    (lambda: tnp.asarray("abc"), TypeError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()


def test_isinf_of_integers_is_the_python_false():
    assert tnp.isinf(I32) is False
    assert tnp.isposinf(I32) is False and tnp.isneginf(I32) is False


def test_size_and_shape_queries_return_python_values():
    assert tnp.size(3.0) == 1
    assert tnp.size(tnp.ones([2, 3])) == 6 and isinstance(tnp.size(tnp.ones([2, 3])), np.int64)
    assert tnp.shape(tnp.ones([2, 3])) == tf.TensorShape([2, 3])
    assert tnp.ndim([[1]]) == 2 and tnp.iscomplexobj([1.0]) is False


# --- the dtype objects -----------------------------------------------------------------

def test_dtype_names_are_numpy_types_that_equal_fasttape_dtypes():
    assert tnp.float32 is np.float32 and tnp.bool_ is np.bool_ and tnp.float_ is np.float64
    for name in ("complex64", "complex128", "float16", "int8", "int16", "uint8", "uint16",
                 "uint32", "uint64", "object_"):
        assert getattr(tnp, name) is getattr(np, name)
    assert (tnp.complex_, tnp.int_, tnp.string_, tnp.unicode_) == (
        np.complex128, np.int_, np.bytes_, np.str_)
    assert (tnp.pi, tnp.e, tnp.inf, tnp.newaxis) == (np.pi, np.e, np.inf, None)
    assert tnp.asarray([1.0]).dtype == tnp.float64
    assert tnp.ndarray is tf.Tensor
    assert isinstance(tnp.asarray([1.0]), tnp.ndarray)
    assert tf.experimental.numpy is tnp


def test_dtype_utilities_accept_fasttape_dtypes():
    assert tnp.finfo(tf.float32).eps == np.finfo(np.float32).eps
    assert tnp.iinfo(tf.int32).max == 2**31 - 1
    assert tnp.issubdtype(tf.float32, tnp.inexact)
    assert not tnp.issubdtype(tf.int32, np.floating)
    assert tnp.promote_types(tnp.int32, tf.float32) == np.float64
    assert tnp.result_type(tnp.int32, 1.5) == tf.float64
    assert tnp.result_type(tf.constant(1.0), 2) == tf.float32
    assert tnp.result_type() == tf.float64


# --- tapes -------------------------------------------------------------------------------

def test_variables_are_read_on_the_tape_and_keep_their_gradient_dtype():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tnp.sum(tnp.asarray(v, dtype=tnp.float64) ** 2)     # cast to float64 inside
    g = tape.gradient(y, v)
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(g, [[2, 4], [6, 8]])


def test_take_along_axis_0_gives_indexed_slices_as_tf_gather_does():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tnp.sum(tnp.take(v, [1, 1], axis=0))
    g = tape.gradient(y, v)
    assert isinstance(g, tf.IndexedSlices)
    np.testing.assert_array_equal(tf.convert_to_tensor(g), [[0, 0], [2, 2]])


def test_integer_inputs_get_no_gradient():
    x = tf.constant([1, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tnp.sum(tnp.sqrt(x))
    assert tape.gradient(y, x) is None


def _grad(fn, x):
    x = tf.constant(np.asarray(x, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    g = tape.gradient(y, x)
    return None if g is None else g.numpy().tolist()


@pytest.mark.parametrize("fn, x, want", [
    (tnp.abs, [0.0, -2.0], [0.0, -1.0]),
    (lambda x: tnp.maximum(x, 0), [0.0, 1.0], [0.0, 1.0]),           # relu at 0
    (lambda x: tnp.maximum(x, tnp.zeros_like(x)), [0.0, 1.0], [1.0, 1.0]),  # ties to x
    (lambda x: tnp.minimum(x, 1.0), [1.0, 2.0], [1.0, 0.0]),
    (tnp.amax, [1.0, 3.0, 3.0, 2.0], [0.0, 0.5, 0.5, 0.0]),         # ties share
    (lambda x: tnp.clip(x, 1.0, 2.0), [1.0, 2.0, 3.0], [1.0, 1.0, 0.0]),
    (tnp.sqrt, [0.0], [np.inf]),
    (tnp.sign, [1.0, -1.0], [0.0, 0.0]),
    (tnp.round, [1.4], None),
    (tnp.floor, [1.4], None),
    (tnp.fix, [1.4], None),
    (lambda x: tnp.prod(x), [2.0, 0.0, 4.0], [0.0, 8.0, 0.0]),
    (tnp.sort, [3.0, 1.0, 2.0], [1.0, 1.0, 1.0]),
    (tnp.argsort, [3.0, 1.0, 2.0], None),
    (lambda x: tnp.where(x > 0, tnp.sqrt(x), 0.0), [0.0, -1.0, 4.0], [0.0, 0.0, 0.25]),
])
def test_gradient_conventions_at_special_points(fn, x, want):
    assert _grad(fn, x) == want


# --- tnp.random ----------------------------------------------------------------------------

def test_random_functions_shapes_dtypes_and_seeding():
    tnp.random.seed(3)
    a = [tnp.random.randn(2, 3), tnp.random.rand(4), tnp.random.standard_normal(5),
         tnp.random.uniform(1.0, 2.0, (3,)), tnp.random.random((2,)),
         tnp.random.randint(10, size=(6,)), tnp.random.poisson(3.0, 4)]
    tnp.random.seed(3)
    b = [tnp.random.randn(2, 3), tnp.random.rand(4), tnp.random.standard_normal(5),
         tnp.random.uniform(1.0, 2.0, (3,)), tnp.random.random((2,)),
         tnp.random.randint(10, size=(6,)), tnp.random.poisson(3.0, 4)]
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert [x.dtype.name for x in a] == ["float64"] * 5 + ["int64", "int64"]
    assert a[0].shape == (2, 3) and a[5].shape == (6,) and a[6].shape == (4,)
    assert 1.0 <= float(tnp.min(a[3])) and float(tnp.max(a[3])) < 2.0
    assert 0 <= int(tnp.min(a[5])) and int(tnp.max(a[5])) < 10
    assert tnp.random.standard_normal().shape == ()
    assert tnp.random.randint(2, 5, dtype=np.int32).dtype == tf.int32


def test_random_errors():
    with pytest.raises(ValueError):
        tnp.random.seed(None)
    with pytest.raises(ValueError):
        tnp.random.randint(3, dtype=np.float32)


def test_uniform_is_differentiable_in_its_bounds():
    lo, hi = tf.constant(1.0, tf.float64), tf.constant(3.0, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([lo, hi])
        y = tnp.sum(tnp.random.uniform(lo, hi, (4,)))
    g_lo, g_hi = tape.gradient(y, [lo, hi])
    assert float(g_lo) + float(g_hi) == pytest.approx(4.0)
