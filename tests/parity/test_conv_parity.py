"""Parity with TensorFlow for convolutions and pooling (fasttape/ops/conv.py,
fasttape/ops/pooling.py): values, first and second derivatives, dtypes and error
classes. TF's CPU kernels have no NCHW convolution and no dilated or grouped gradients,
so those are checked on values only (NCHW against the NHWC result transposed)."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_linalg_parity import assert_same, derivatives  # noqa: E402

RNG = np.random.default_rng(11)
X = RNG.normal(size=(2, 7, 6, 4))
W = RNG.normal(size=(3, 2, 4, 5))
W_GROUPED = RNG.normal(size=(3, 3, 2, 6))
W_DEPTH = RNG.normal(size=(3, 3, 4, 2))
W_POINT = RNG.normal(size=(1, 1, 8, 3))
X1, W1 = RNG.normal(size=(2, 9, 3)), RNG.normal(size=(3, 3, 4))
X3, W3 = RNG.normal(size=(2, 5, 4, 5, 3)), RNG.normal(size=(2, 3, 2, 3, 4))
Y = RNG.normal(size=(2, 4, 3, 5))
EXPLICIT = [[0, 0], [1, 2], [0, 1], [0, 0]]

PROGRAMS = {
    "conv2d-same": (lambda tf, x, w: tf.nn.conv2d(x, w, 1, "SAME"), [X, W]),
    "conv2d-valid-strided": (lambda tf, x, w: tf.nn.conv2d(x, w, [2, 3], "VALID"), [X, W]),
    "conv2d-explicit": (lambda tf, x, w: tf.nn.conv2d(x, w, 2, EXPLICIT), [X, W]),
    "conv2d-strides4": (lambda tf, x, w: tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME"), [X, W]),
    "conv1d": (lambda tf, x, w: tf.nn.conv1d(x, w, 2, "SAME"), [X1, W1]),
    "conv3d": (lambda tf, x, w: tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"), [X3, W3]),
    "convolution": (lambda tf, x, w: tf.nn.convolution(x, w, [2, 2], "SAME", "NHWC"),
                    [X, W]),
    "depthwise": (lambda tf, x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
                  [X, W_DEPTH]),
    "separable": (lambda tf, x, d, p: tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "VALID"),
                  [X, W_DEPTH, W_POINT]),
    "conv2d-transpose-same": (lambda tf, y, w: tf.nn.conv2d_transpose(y, w, [2, 7, 6, 4], 2),
                              [Y, W]),
    "conv2d-transpose-valid": (
        lambda tf, y, w: tf.nn.conv2d_transpose(y, w, [2, 9, 6, 4], 2, "VALID"), [Y, W]),
    "conv1d-transpose": (lambda tf, y, w: tf.nn.conv1d_transpose(y, w, [2, 9, 3], 2),
                         [RNG.normal(size=(2, 5, 4)), W1]),
    "depthwise-backprop-input": (
        lambda tf, w, dy: tf.nn.depthwise_conv2d_backprop_input([2, 7, 6, 4], w, dy,
                                                                [1, 2, 2, 1], "SAME"),
        [W_DEPTH, RNG.normal(size=(2, 4, 3, 8))]),
    "depthwise-backprop-filter": (
        lambda tf, x, dy: tf.nn.depthwise_conv2d_backprop_filter(x, [3, 3, 4, 2], dy,
                                                                 [1, 2, 2, 1], "SAME"),
        [X, RNG.normal(size=(2, 4, 3, 8))]),
    "max-pool2d": (lambda tf, x: tf.nn.max_pool2d(x, 3, 2, "SAME") ** 2, [X]),
    "max-pool2d-valid": (lambda tf, x: tf.nn.max_pool2d(x, [3, 2], [1, 2], "VALID") ** 2, [X]),
    "max-pool1d": (lambda tf, x: tf.nn.max_pool1d(x, 3, 2, "SAME"), [X1]),
    "avg-pool2d": (lambda tf, x: tf.nn.avg_pool2d(x, 3, 2, "SAME") ** 2, [X]),
    "avg-pool1d": (lambda tf, x: tf.nn.avg_pool1d(x, 2, 1, "VALID"), [X1]),
    "pool-avg": (lambda tf, x: tf.nn.pool(x, [2, 2], "AVG", [2, 2], "SAME"), [X]),
    "pool-max": (lambda tf, x: tf.nn.pool(x, [2, 3], "MAX", [1, 1], "VALID"), [X]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_and_derivatives_match_tensorflow(name, dtype):
    fn, inputs = PROGRAMS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    tol = dict(rtol=2e-3, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-9)
    assert_same(derivatives(fasttape, fn, *xs), derivatives(tensorflow, fn, *xs), **tol)


# 3-D pooling: TF's CPU kernels are float32 only
POOL3D = {
    "max-pool3d": lambda tf, x: tf.nn.max_pool3d(x, 2, 2, "SAME"),
    "avg-pool3d": lambda tf, x: tf.nn.avg_pool3d(x, [2, 1, 2], [1, 2, 1], "VALID"),
}


@pytest.mark.parametrize("erode", [False, True])
def test_morphology_matches_tensorflow(erode):
    # first order only: TF has no gradient of its dilation backprops
    def first(tf):
        x, f = tf.constant(X), tf.constant(X[1, :3, :2])
        with tf.GradientTape() as tape:
            tape.watch([x, f])
            op = tf.nn.erosion2d if erode else tf.nn.dilation2d
            y = op(x, f, [1, 2, 1, 1], "SAME", "NHWC", [1, 1, 2, 1]) ** 2
        return [y] + tape.gradient(y, [x, f])
    assert_same(first(fasttape), first(tensorflow), rtol=1e-9, atol=1e-9)


def test_explicit_max_pool_matches_tensorflow():
    # TF has no second derivative of explicitly padded max pooling
    def first(tf):
        x = tf.constant(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 1], [2, 0], [0, 0]]) ** 2
        return [y, tape.gradient(y, x)]
    assert_same(first(fasttape), first(tensorflow))


@pytest.mark.parametrize("name", sorted(POOL3D))
def test_3d_pooling_matches_tensorflow(name):
    x = X3.astype(np.float32)
    assert_same(derivatives(fasttape, POOL3D[name], x)[:2],
                derivatives(tensorflow, POOL3D[name], x)[:2])


@pytest.mark.parametrize("dilations", [2, [2, 1], [1, 1, 3, 1]])
def test_dilated_values_match_tensorflow(dilations):
    ours = fasttape.nn.conv2d(X, W, 1, "SAME", dilations=dilations)
    ref = tensorflow.nn.conv2d(X, W, 1, "SAME", dilations=dilations)
    assert_same(ours, ref, rtol=1e-9, atol=1e-9)
    assert_same(fasttape.nn.atrous_conv2d(X, W, 2, "VALID"),
                tensorflow.nn.atrous_conv2d(X, W, 2, "VALID"), rtol=1e-9, atol=1e-9)


def test_grouped_values_match_tensorflow():
    # TF's CPU kernels have no grouped-convolution gradients
    assert_same(fasttape.nn.conv2d(X, W_GROUPED, 1, "SAME"),
                tensorflow.nn.conv2d(X, W_GROUPED, 1, "SAME"), rtol=1e-9, atol=1e-9)


def test_nchw_is_nhwc_transposed():
    nchw = np.transpose(X, (0, 3, 1, 2))
    ref = tensorflow.transpose(tensorflow.nn.conv2d(X, W, 2, "SAME"), [0, 3, 1, 2])
    assert_same(fasttape.nn.conv2d(nchw, W, [1, 1, 2, 2], "SAME", data_format="NCHW"), ref,
                rtol=1e-9, atol=1e-9)
    ref = tensorflow.nn.max_pool2d(tensorflow.constant(X), 2, 2, "VALID")
    ours = fasttape.nn.max_pool2d(fasttape.constant(nchw), 2, 2, "VALID", data_format="NCHW")
    assert_same(ours, tensorflow.transpose(ref, [0, 3, 1, 2]))


def test_int32_convolution_and_pooling_match_tensorflow():
    x = np.arange(2 * 4 * 4 * 2, dtype=np.int32).reshape(2, 4, 4, 2) % 7
    w = np.ones((2, 2, 2, 3), np.int32)
    assert_same(fasttape.nn.conv2d(x, w, 1, "SAME"), tensorflow.nn.conv2d(x, w, 1, "SAME"))
    for dtype in (np.int32, np.int64, np.uint8, np.float16):
        # tensors: TF's conversion of numpy arguments to pooling depends on earlier calls
        assert_same(fasttape.nn.max_pool2d(fasttape.constant(x.astype(dtype)), 2, 2, "SAME"),
                    tensorflow.nn.max_pool2d(tensorflow.constant(x.astype(dtype)), 2, 2, "SAME"))


@pytest.mark.parametrize("include_batch", [False, True])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_max_pool_with_argmax_matches_tensorflow(include_batch, padding):
    args = (X, [2, 3], [1, 2], padding)
    ours = fasttape.nn.max_pool_with_argmax(*args, include_batch_in_index=include_batch)
    ref = tensorflow.nn.max_pool_with_argmax(*args, include_batch_in_index=include_batch)
    assert_same(list(ours), list(ref))
    assert ours.argmax is ours[1]


def test_ties_and_empty_windows_match_tensorflow():
    ones = np.ones((1, 4, 4, 1))
    assert_same(derivatives(fasttape, lambda tf, x: tf.nn.max_pool2d(x, 2, 1, "SAME"), ones)[:2],
                derivatives(tensorflow, lambda tf, x: tf.nn.max_pool2d(x, 2, 1, "SAME"), ones)[:2])
    small = np.ones((1, 3, 3, 2))
    for fn in (lambda tf: tf.nn.max_pool2d(tf.constant(small), 4, 1, "VALID"),
               lambda tf: tf.nn.conv2d(small, np.ones((4, 2, 2, 1)), 1, "VALID")):
        assert_same(fn(fasttape), fn(tensorflow))


def _raised(fn, tf):
    try:
        fn(tf)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e).__name__
    return None


ERRORS = {
    "conv-depth": lambda tf: tf.nn.conv2d(np.ones((1, 3, 3, 2)), np.ones((2, 2, 3, 1)), 1, "SAME"),
    "conv-rank": lambda tf: tf.nn.conv2d(np.ones((3, 3, 2)), np.ones((2, 2, 2, 1)), 1, "SAME"),
    "conv-batch-stride": lambda tf: tf.nn.conv2d(np.ones((1, 3, 3, 2)), np.ones((2, 2, 2, 1)),
                                                 [2, 1, 1, 1], "SAME"),
    "conv-zero-stride": lambda tf: tf.nn.conv2d(np.ones((1, 3, 3, 2)), np.ones((2, 2, 2, 1)), 0,
                                                "SAME"),
    "conv-lowercase-padding": lambda tf: tf.nn.conv2d(np.ones((1, 3, 3, 2)),
                                                      np.ones((2, 2, 2, 1)), 1, "same"),
    "conv-dtype-mismatch": lambda tf: tf.nn.conv2d(tf.constant(np.ones((1, 3, 3, 2))),
                                                   tf.constant(np.ones((2, 2, 2, 1), np.float32)),
                                                   1, "SAME"),
    "pool-rank": lambda tf: tf.nn.max_pool2d(np.ones((2, 3, 3)), 2, 2, "SAME"),
    "pool-padding": lambda tf: tf.nn.max_pool2d(np.ones((1, 3, 3, 1)), 2, 1, "FOO"),
    "avg-pool-int": lambda tf: tf.nn.avg_pool2d(np.ones((1, 3, 3, 1), np.int32), 2, 1, "SAME"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
