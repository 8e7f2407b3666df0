"""Edge cases of the shape ops (fasttape/ops/shape.py).

Expected values, dtypes and error classes were observed with TensorFlow 2.21.
"""

import time

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.helpers import assert_jacobian_matches_rows

X = np.arange(6.0).reshape(2, 3)
X3 = np.arange(24.0).reshape(2, 3, 4)


def grad(f, *xs):
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = f(*ts)
    out = tape.gradient(y, ts)
    return out[0] if len(out) == 1 else out


def check(t, expected, dtype=None):
    expected = np.asarray(expected)
    assert tuple(t.shape) == expected.shape
    np.testing.assert_array_equal(t.numpy(), expected)
    if dtype is not None:
        assert t.dtype == dtype


# --- transpose, expand_dims, squeeze, reshape -----------------------------------------------

@pytest.mark.parametrize("perm, expected", [
    (None, np.transpose(X3)),
    ([1, 0, 2], np.transpose(X3, (1, 0, 2))),
    ([-1, 0, 1], np.transpose(X3, (2, 0, 1))),
    (np.array([1, 0, 2]), np.transpose(X3, (1, 0, 2))),
])
def test_transpose(perm, expected):
    check(tf.transpose(X3, perm=perm), expected)
    check(tf.transpose(X3, tf.constant([1, 0, 2])), np.transpose(X3, (1, 0, 2)))


@pytest.mark.parametrize("perm, message", [
    ([1, 0], "expects a vector of size 3"),
    ([1, 0, 0], "2 is missing from {1,0,0}"),
    ([1, 0, 3], "3 is out of range"),
])
def test_transpose_bad_perm(perm, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.transpose(X3, perm)


def test_transpose_float_perm_and_scalar():
    with pytest.raises(InvalidArgumentError, match="Tperm"):
        tf.transpose(X, [1.0, 0.0])
    check(tf.transpose(3.0), 3.0, tf.float32)


def test_transpose_conjugate():
    check(tf.transpose([[1.0, 2.0]], conjugate=True), [[1.0], [2.0]])
    check(tf.transpose(tf.constant([1 + 2j]), conjugate=True), [1 - 2j])


def test_transpose_gradient_is_inverse_permutation():
    w = np.arange(24.0).reshape(4, 2, 3)
    g = grad(lambda x: tf.transpose(x, [2, 0, 1]) * w, X3)
    check(g, np.transpose(w, (1, 2, 0)))


@pytest.mark.parametrize("axis, shape", [
    (0, (1, 2, 3)), (-1, (2, 3, 1)), (2, (2, 3, 1)), (-3, (1, 2, 3)), ([0], (1, 2, 3)),
])
def test_expand_dims(axis, shape):
    assert tf.expand_dims(X, axis).shape == shape
    assert tf.expand_dims(X, tf.constant(0)).shape == (1, 2, 3)


def test_expand_dims_errors():
    for axis in (3, -4):
        with pytest.raises(InvalidArgumentError, match="Tried to expand dim index"):
            tf.expand_dims(X, axis)
    with pytest.raises(InvalidArgumentError, match="single value"):
        tf.expand_dims(X, [0, 1])
    with pytest.raises(TypeError):
        tf.expand_dims(X, 1.0)
    with pytest.raises(ValueError):
        tf.expand_dims(X, None)
    check(tf.expand_dims(3.0, 0), [3.0], tf.float32)


@pytest.mark.parametrize("axis, shape", [
    (None, (2,)), ((), (2,)), (0, (2, 1)), ([0, 2], (2,)), ([0, -1], (2,)), ([0, 0], (2, 1)),
    (-3, (2, 1)), ([0.0], (2, 1)),
])
def test_squeeze(axis, shape):
    assert tf.squeeze(np.zeros((1, 2, 1)), axis=axis).shape == shape


def test_squeeze_errors_and_scalars():
    with pytest.raises(InvalidArgumentError, match=r"Can not squeeze dim\[1\], expected a "
                                                   "dimension of 1, got 2"):
        tf.squeeze(np.zeros((1, 2, 1)), axis=1)
    for axis in (3, -4):
        with pytest.raises(InvalidArgumentError, match="Tried to squeeze dim index"):
            tf.squeeze(np.zeros((1, 2, 1)), axis=axis)
    assert tf.squeeze(np.zeros((1, 1))).shape == ()
    check(tf.squeeze(3.0), 3.0, tf.float32)


def test_reshape_and_friends_gradients_have_input_shape():
    w = np.arange(6.0)
    check(grad(lambda x: tf.reshape(x, [-1]) * w, X), w.reshape(2, 3))
    check(grad(lambda x: tf.squeeze(x) * [1.0, 2.0], np.zeros((1, 2, 1))), [[[1.0], [2.0]]])
    check(grad(lambda x: tf.expand_dims(x, 0) * X, X), X)


# --- concat, stack, unstack, split ------------------------------------------------------------

def test_concat_shapes_and_empty_operands():
    assert tf.concat([X, X], 0).shape == (4, 3)
    assert tf.concat([X, X], -1).shape == (2, 6)
    assert tf.concat([X, X], tf.constant(1)).shape == (2, 6)
    check(tf.concat([X, np.zeros((0, 3))], 0), X)
    check(tf.concat([np.zeros((0, 3)), np.zeros((0, 3))], 0), np.zeros((0, 3)))


def test_concat_single_operand_is_returned_as_is():
    check(tf.concat([X], 0), X)
    check(tf.concat(X, 0), X)
    check(tf.concat([tf.constant(3.0)], 0), 3.0)      # even a scalar, as in TF


def test_concat_dtype_follows_first_tensor_or_first_value():
    assert tf.concat([X, X.astype(np.float32)], 0).dtype == tf.float64
    assert tf.concat([X, [[1.0, 2.0, 3.0]]], 0).dtype == tf.float64
    assert tf.concat([[[1.0, 2.0, 3.0]], X], 0).dtype == tf.float32
    assert tf.concat([np.zeros(2), tf.constant([1.0, 2.0])], 0).dtype == tf.float32
    check(tf.concat([[1, 2], [3]], 0), [1, 2, 3], tf.int32)


@pytest.mark.parametrize("values, axis, message", [
    ([X, X], 2, r"range \[-2, 2\), but got 2"),
    ([X, X], -3, r"range \[-2, 2\), but got -3"),
    ([X, X[:, :2]], 0, r"Dimension 1 in both shapes must be equal: shape\[0\] = \[2,3\] vs. "
                       r"shape\[1\] = \[2,2\]"),
    ([X, np.zeros(3)], 0, "Ranks of all input tensors should match"),
    ([3.0, 4.0], 0, "Can't concatenate scalars"),
])
def test_concat_errors(values, axis, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.concat(values, axis)


def test_concat_mixed_tensor_dtypes_raise():
    with pytest.raises(InvalidArgumentError):
        tf.concat([tf.constant([1.0]), tf.constant([1.0], tf.float64)], 0)


def test_concat_gradient_many_operands_and_empty_ones():
    xs = [tf.Variable(np.full((1, 2), float(i))) for i in range(300)]
    empty = tf.Variable(np.zeros((0, 2)))
    with tf.GradientTape() as tape:
        y = tf.concat(xs[:150] + [empty] + xs[150:], 0)
        loss = tf.reduce_sum(y * y)
    grads = tape.gradient(loss, xs + [empty])
    for i, g in enumerate(grads[:-1]):
        check(g, np.full((1, 2), 2.0 * i))
    check(grads[-1], np.zeros((0, 2)))


def test_concat_gradient_to_unused_operand_dtype_is_skipped():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.concat([x, tf.constant([5.0])], 0)
    check(tape.gradient(y, x), [1.0, 1.0])


def test_stack_dtype_rule_and_errors():
    assert tf.stack([1.0, tf.constant(2.0, tf.float64)]).dtype == tf.float64
    assert tf.stack([np.float64(1.0), 2.0]).dtype == tf.float64
    assert tf.stack([np.array(1.0), tf.constant(2.0)]).dtype == tf.float32
    check(tf.stack([X, X], -1), np.stack([X, X], -1))
    with pytest.raises(ValueError, match="not in range"):
        tf.stack([X, X], 3)
    with pytest.raises(InvalidArgumentError, match="Shapes of all inputs must match"):
        tf.stack([X, X[:1]])


def test_stack_of_many_scalars_and_its_gradient_are_cheap():
    xs = [tf.Variable(float(i)) for i in range(500)]

    def run():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.stack(xs) ** 2)
        return tape.gradient(y, xs)

    grads = run()
    assert [float(g) for g in grads] == [2.0 * i for i in range(500)]
    start = time.perf_counter()
    run()
    assert time.perf_counter() - start < 1.0       # ~1 ms; generous for slow CI machines


def test_unstack():
    pieces = tf.unstack(X, axis=1)
    assert len(pieces) == 3
    check(pieces[2], [2.0, 5.0])
    check(tf.unstack(X, axis=-1)[0], [0.0, 3.0])
    check(tf.unstack(X, num=2)[1], [3.0, 4.0, 5.0])
    assert tf.unstack(np.zeros((0, 2))) == []
    assert [p.shape for p in tf.unstack(np.zeros((2, 0)))] == [(0,), (0,)]
    check(tf.unstack([[1, 2]], axis=tf.constant(0))[0], [1, 2], tf.int32)


def test_unstack_errors():
    with pytest.raises(InvalidArgumentError, match="must equal 3"):
        tf.unstack(X, num=3)
    with pytest.raises(ValueError, match=r"Argument `axis` = 2 not in range \[-2, 2\)"):
        tf.unstack(X, axis=2)
    with pytest.raises(ValueError, match=r"not in range \[0, 0\)"):
        tf.unstack(3.0)


def test_unstack_gradient_of_some_pieces():
    g = grad(lambda x: tf.unstack(x)[1] * 3.0, X)
    check(g, [[0.0, 0.0, 0.0], [3.0, 3.0, 3.0]])


@pytest.mark.parametrize("sizes, axis, shapes", [
    (3, 1, [(2, 1)] * 3),
    ([1, -1], 1, [(2, 1), (2, 2)]),
    ([2], 0, [(2, 3)]),
    (1, 0, [(2, 3)]),
    ([0, 3], 1, [(2, 0), (2, 3)]),
    (np.array([1, 2]), 1, [(2, 1), (2, 2)]),
    (np.int64(3), -1, [(2, 1)] * 3),
])
def test_split(sizes, axis, shapes):
    assert [p.shape for p in tf.split(X, sizes, axis=axis)] == shapes
    assert [p.shape for p in tf.split(X, tf.constant([1, 2]), 1)] == [(2, 1), (2, 2)]


@pytest.mark.parametrize("sizes, axis, message", [
    (2, 1, "evenly divide"),
    ([1, 1], 1, "Determined shape must either match"),
    ([1, -1, -1], 1, "only be one -1"),
    ([4, -1], 1, "Determined shape must either match"),
    (0, 0, "at least minimum 1"),
    (-1, 0, "at least minimum 1"),
    (2, 2, r"-input rank\(-2\) <= split_dim < input rank \(2\), but got 2"),
    ([1.5, 1.5], 1, "Tlen"),
])
def test_split_errors(sizes, axis, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.split(X, sizes, axis=axis)


def test_split_rank0_tensor_is_a_value_error():
    with pytest.raises(ValueError, match="Rank-0 tensors are not supported"):
        tf.split([1, 2, 3], tf.constant(3))


def test_split_gradient():
    g = grad(lambda x: tf.split(x, [1, -1], axis=1)[1] * 2.0, X)
    check(g, [[0.0, 2.0, 2.0], [0.0, 2.0, 2.0]])


# --- tile, pad, reverse -------------------------------------------------------------------

def test_tile():
    check(tf.tile(X, [2, 1]), np.tile(X, (2, 1)))
    check(tf.tile(X, tf.constant([1, 2])), np.tile(X, (1, 2)))
    check(tf.tile(X, [0, 1]), np.zeros((0, 3)))
    check(tf.tile(3.0, []), 3.0)
    check(tf.tile([1, 2], [2]), [1, 2, 1, 2], tf.int32)


@pytest.mark.parametrize("multiples, message", [
    ([2], "vector of length 2 but got length 1"),
    ([-1, 1], r"multiples\[0\] >= 0, but got -1"),
    ([1.0, 2.0], "Tmultiples"),
])
def test_tile_errors(multiples, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.tile(X, multiples)


def test_tile_gradient_sums_copies():
    check(grad(lambda x: tf.tile(x, [2, 3]), X), np.full((2, 3), 6.0))
    check(grad(lambda x: tf.tile(x, [0, 1]), X), np.zeros((2, 3)))


@pytest.mark.parametrize("paddings, mode", [
    ([[1, 0], [0, 2]], "CONSTANT"),
    ([[1, 1], [2, 2]], "REFLECT"),
    ([[1, 1], [2, 2]], "reflect"),
    ([[2, 2], [3, 3]], "SYMMETRIC"),
    ([[0, 0], [0, 0]], "SYMMETRIC"),
])
def test_pad_matches_numpy(paddings, mode):
    check(tf.pad(X, paddings, mode=mode), np.pad(X, paddings, mode=mode.lower()))


def test_pad_constant_values_and_dtypes():
    check(tf.pad(X, [[1, 1], [0, 0]], constant_values=7.5),
          np.pad(X, [[1, 1], [0, 0]], constant_values=7.5), tf.float64)
    with pytest.raises(TypeError, match="Cannot convert 7.5"):
        tf.pad(tf.constant([1, 2]), [[1, 1]], constant_values=7.5)
    # a tensor fill value sets the dtype for a numpy input, as TF converts them together
    assert tf.pad(X, [[1, 1], [0, 0]], constant_values=tf.constant(2.0)).dtype == tf.float32
    with pytest.raises(InvalidArgumentError):
        tf.pad(tf.constant(X), [[1, 1], [0, 0]], constant_values=tf.constant(2.0))


@pytest.mark.parametrize("paddings, mode, message", [
    ([[1, 0]], "CONSTANT", "The first dimension of paddings must be the rank of inputs"),
    ([[1, 0], [0, -1]], "CONSTANT", "Paddings must be non-negative: 0 -1"),
    ([[2, 1], [0, 0]], "REFLECT", "must be less than the dimension size: 2, 1 not less than 2"),
    ([[2, 2], [4, 3]], "SYMMETRIC", "must be no greater than the dimension size: 4, 3"),
    ([[1.0, 0.0], [0.0, 0.0]], "CONSTANT", "Tpaddings"),
])
def test_pad_errors(paddings, mode, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.pad(X, paddings, mode=mode)


def test_pad_unknown_mode_and_scalar():
    with pytest.raises(ValueError, match="Received `mode` = FOO"):
        tf.pad(X, [[1, 1], [0, 0]], mode="FOO")
    with pytest.raises(InvalidArgumentError, match="2 columns"):
        tf.pad(3.0, [])


@pytest.mark.parametrize("mode, expected", [
    ("CONSTANT", np.ones((2, 3))),
    ("REFLECT", [[4.0, 6.0, 4.0], [4.0, 6.0, 4.0]]),
    ("SYMMETRIC", [[4.0, 6.0, 4.0], [4.0, 6.0, 4.0]]),
])
def test_pad_gradient(mode, expected):
    # TF 2.21 values; constant_values gets no gradient
    check(grad(lambda x: tf.pad(x, [[1, 1], [2, 2]], mode=mode), X), expected)


def test_pad_constant_values_gets_no_gradient():
    x, c = tf.constant(X), tf.constant(1.0, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([x, c])
        y = tf.pad(x, [[1, 1], [0, 0]], constant_values=c)
    assert tape.gradient(y, c) is None


def test_reverse():
    check(tf.reverse(X, [0]), X[::-1])
    check(tf.reverse(X, [-1]), X[:, ::-1])
    check(tf.reverse(X, [0, 1]), X[::-1, ::-1])
    check(tf.reverse(X, []), X)
    check(tf.reverse(X, tf.constant([1])), X[:, ::-1])


@pytest.mark.parametrize("axis, message", [
    ([0, 0], "axis 0 specified more than once"),
    ([2], r"'axis'\[0\] = 2 is out of valid range \[0, 1"),
    (0, "'dims' must be 1-dimension, not 0"),
    ([0.0], "Tidx"),
])
def test_reverse_errors(axis, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.reverse(X, axis)


def test_reverse_gradient():
    w = np.arange(6.0).reshape(2, 3)
    check(grad(lambda x: tf.reverse(x, [1]) * w, X), w[:, ::-1])


# --- shape, rank, size ----------------------------------------------------------------------

def test_shape_rank_size():
    check(tf.shape(X), [2, 3], tf.int32)
    check(tf.shape(X, out_type=tf.int64), [2, 3], tf.int64)
    check(tf.shape(X, out_type="int64"), [2, 3], tf.int64)
    check(tf.shape(3.0), np.zeros(0, np.int32), tf.int32)
    check(tf.shape(tf.Variable(X)), [2, 3])
    check(tf.rank(X), 2, tf.int32)
    check(tf.rank(3.0), 0, tf.int32)
    check(tf.size(X), 6, tf.int32)
    check(tf.size(X, out_type=tf.int64), 6, tf.int64)
    check(tf.size(X, out_type=tf.float32), 6.0, tf.float32)
    with pytest.raises(InvalidArgumentError, match="out_type"):
        tf.shape(X, out_type=tf.float32)


def test_shape_rank_size_have_no_gradient():
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(tf.size(x), tf.float64) * tf.reduce_sum(x)
    check(tape.gradient(y, x), np.full((2, 3), 6.0))


# --- slicing --------------------------------------------------------------------------------

def test_slicing_a_variable_gives_a_dense_gradient():
    v = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = v[1:, ::2] * 2.0 + v[-1, 0]
    g = tape.gradient(y, v)
    assert isinstance(g, tf.Tensor)
    check(g, [[0.0, 0.0, 0.0], [4.0, 0.0, 2.0]])


def test_iterating_a_tensor_gives_rows_with_gradients():
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = sum(row[0] * k for k, row in enumerate(x))
    check(tape.gradient(total, x), [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])


# --- vectorised jacobians (rules taking stacked cotangents) -------------------------------------

@pytest.mark.parametrize("f", [
    lambda x: tf.reshape(x * x, [3, -1]),
    lambda x: tf.squeeze(tf.expand_dims(x, 1)) * x,
    lambda x: tf.broadcast_to(x[:, :1], [2, 2, 3]) * x,
    lambda x: tf.transpose(x * x),
    lambda x: tf.reverse(x, [1]) * x,
    lambda x: tf.tile(x * x, [2, 1]),
    lambda x: tf.stack([x, x * x], axis=1),
    lambda x: tf.concat([x, x[:, :1] * x[:, 1:2]], 1),
    lambda x: tf.unstack(x * x, axis=1)[2],
    lambda x: tf.split(x * x, [1, -1], axis=1)[1],
    lambda x: x[None, 1, ::2] * x[0, 0],
    lambda x: tf.pad(x * x, [[1, 0], [0, 2]]),
    lambda x: tf.pad(x * x, [[1, 1], [2, 1]], mode="REFLECT"),
    lambda x: tf.pad(x * x, [[2, 1], [3, 0]], mode="SYMMETRIC"),
], ids=["reshape", "squeeze", "broadcast_to", "transpose", "reverse", "tile", "stack",
        "concat", "unstack", "split", "slice", "pad", "pad_reflect", "pad_symmetric"])
def test_vectorised_jacobian(f):
    assert_jacobian_matches_rows(f, X + 1.0)


def test_vectorised_jacobian_of_rule_ops():
    from fasttape import _engine
    from fasttape.ops import shape

    def slice_grad(x):
        return _engine.apply(shape._slice_grad.op, (x * x,), ((slice(1, 3),), (4, 3)))

    def mirror_grad(x):
        return _engine.apply(shape._mirror_pad_grad.op, (x * x,), (((0, 1), (1, 0)), "REFLECT"))

    assert_jacobian_matches_rows(slice_grad, X + 1.0)
    assert_jacobian_matches_rows(mirror_grad, X + 1.0)
