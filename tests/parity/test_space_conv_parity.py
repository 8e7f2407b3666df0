"""Parity with TensorFlow for fasttape/ops/space_batch.py and fasttape/ops/conv_extra.py:
values, two derivative orders, dtypes, shapes and error classes."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402
from tests.parity.test_linalg_parity import assert_same, derivatives  # noqa: E402

RNG = np.random.default_rng(11)
X4 = RNG.normal(size=(2, 4, 6, 3))
B4 = RNG.normal(size=(12, 2, 3, 2))
W = RNG.normal(size=(2, 2, 3, 4))
W3 = RNG.normal(size=(2, 1, 2, 2, 3))
V5 = RNG.normal(size=(2, 3, 4, 5, 2))
DY = RNG.normal(size=(2, 3, 5, 4))


def _dilated_conv(tf, w):
    return lambda x, n, padding: tf.nn.convolution(x, tf.constant(w, x.dtype), padding=padding)


def _backprop_input(tf, dy, w):
    shape = np.zeros((2, 4, 6, 3), np.float64)
    if tf is fasttape:
        return tf.conv2d_backprop_input_v2(tf.constant(shape, dy.dtype), w, dy, [1, 1, 1, 1],
                                           "VALID")
    # TF registers no CPU kernel for the V2 op; V1 computes the same from the sizes
    return tf.compat.v1.nn.conv2d_backprop_input([2, 4, 6, 3], w, dy, [1, 1, 1, 1], "VALID")


def _backprop_filter(tf, x, dy):
    if tf is fasttape:
        return tf.conv2d_backprop_filter_v2(x, tf.zeros([2, 2, 3, 4], x.dtype), dy,
                                            [1, 1, 1, 1], "VALID")
    return tf.compat.v1.nn.conv2d_backprop_filter(x, [2, 2, 3, 4], dy, [1, 1, 1, 1], "VALID")


PROGRAMS = {
    "batch-to-space": (lambda tf, x: tf.batch_to_space(x, [2, 3], [[0, 1], [2, 1]]), [B4]),
    "batch-to-space-1d": (lambda tf, x: tf.batch_to_space(x, [4], [[1, 2]]), [B4]),
    "batch-to-space-int-block": (lambda tf, x: tf.batch_to_space(x, 2, [[0, 0], [0, 1]]),
                                 [B4]),
    "space-to-batch": (lambda tf, x: tf.space_to_batch(x, [2, 3], [[0, 0], [1, 2]]), [X4]),
    "space-to-batch-nd": (lambda tf, x: tf.space_to_batch_nd(x, [2], [[1, 1]]), [X4]),
    "with-space-to-batch-same": (
        lambda tf, x: tf.nn.with_space_to_batch(x, [2, 2], "SAME", _dilated_conv(tf, W),
                                                filter_shape=[2, 2]), [X4]),
    "with-space-to-batch-valid": (
        lambda tf, x: tf.nn.with_space_to_batch(x, [1, 3], "VALID", _dilated_conv(tf, W)),
        [X4]),
    "with-space-to-batch-rate-1": (
        lambda tf, x: tf.nn.with_space_to_batch(x, [1, 1], "SAME", _dilated_conv(tf, W)),
        [X4]),
    "with-space-to-batch-spatial-dims": (
        lambda tf, x: tf.nn.with_space_to_batch(
            x, [2], "VALID", lambda y, n, p: y * 2.0, spatial_dims=[2]), [X4]),
    "conv2d-backprop-input-v2": (_backprop_input, [DY, W]),
    "conv2d-backprop-filter-v2": (_backprop_filter, [X4, DY]),
    "extract-volume-patches-valid": (
        lambda tf, x: tf.extract_volume_patches(x, [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "VALID"),
        [V5]),
    "extract-volume-patches-same": (
        lambda tf, x: tf.extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 2, 1, 3, 1], "SAME"),
        [V5]),
}



def _tol(dtype):
    return dict(rtol=2e-3, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_and_derivatives_match_tensorflow(name, dtype):
    fn, inputs = PROGRAMS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    assert_same(derivatives(fasttape, fn, *xs), derivatives(tensorflow, fn, *xs), **_tol(dtype))


# tf.conv against TF's own op for values; TF registers no gradient for it, so the
# derivatives are compared with the tf.nn convolution computing the same
CONVS = {
    "conv": (lambda tf, x, w: tf.conv(x, w, [1, 1, 1, 1], "VALID"),
             lambda tf, x, w: tf.nn.conv2d(x, w, 1, "VALID"), [X4, W]),
    "conv-strided-same": (lambda tf, x, w: tf.conv(x, w, [1, 2, 1, 1], "SAME"),
                          lambda tf, x, w: tf.nn.conv2d(x, w, [2, 1], "SAME"), [X4, W]),
    "conv-explicit-strided": (
        lambda tf, x, w: tf.conv(x, w, [1, 1, 2, 1], "EXPLICIT",
                                 explicit_paddings=[0, 0, 1, 0, 2, 1, 0, 0]),
        lambda tf, x, w: tf.nn.conv2d(x, w, [1, 2], [[0, 0], [1, 0], [2, 1], [0, 0]]),
        [X4, W]),
    "conv-batch-dims": (
        lambda tf, x, w: tf.conv(x, w, [1, 1, 1, 1], "VALID", batch_dims=2),
        lambda tf, x, w: tf.reshape(tf.nn.conv2d(tf.reshape(x, [2, 4, 6, 3]), w, 1, "VALID"),
                                    [2, 1, 3, 5, 4]), [X4.reshape(2, 1, 4, 6, 3), W]),
    "conv-3d": (lambda tf, x, w: tf.conv(x, w, [1, 1, 2, 1, 1], "SAME"),
                lambda tf, x, w: tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "SAME"), [V5, W3]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv_matches_tensorflow(name, dtype):
    fn, same, inputs = CONVS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    assert_same(fn(fasttape, *xs), fn(tensorflow, *xs), **_tol(dtype))
    assert_same(derivatives(fasttape, fn, *xs), derivatives(tensorflow, same, *xs),
                **_tol(dtype))


def test_dilated_conv_values_match_tensorflow():
    # TF's CPU kernels differentiate no dilated conv2d twice, so values only here
    def fn(tf):
        return tf.conv(X4, W, [1, 1, 1, 1], "SAME", dilations=[1, 2, 3, 1])
    assert_same(fn(fasttape), fn(tensorflow), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.float16])
def test_integer_and_half_values_match_tensorflow(dtype):
    b = (np.arange(48) % 7).reshape(8, 3, 2).astype(dtype)
    v = (np.arange(120) % 5).reshape(1, 2, 3, 4, 5).astype(dtype)
    for tf_fn in (lambda tf: tf.batch_to_space(b, [2, 4], [[1, 0], [0, 3]]),
                  lambda tf: tf.extract_volume_patches(v, [1, 1, 2, 2, 1], [1, 1, 1, 2, 1],
                                                       "SAME")):
        assert_same(tf_fn(fasttape), tf_fn(tensorflow), rtol=0, atol=0)


@pytest.mark.parametrize("args", [([5, 7], [2, 3], None), ([5, 7], [2, 3], [[1, 0], [0, 2]]),
                                  ([4], [4], [[3, 3]]), ([0, 1], [1, 5], None)])
def test_required_paddings_match_tensorflow(args):
    assert_same(fasttape.required_space_to_batch_paddings(*args),
                tensorflow.required_space_to_batch_paddings(*args), rtol=0, atol=0)


ERRORS = {
    "b2s-crop-too-big": lambda tf: tf.batch_to_space(B4, [2, 3], [[0, 0], [10, 2]]),
    "b2s-indivisible": lambda tf: tf.batch_to_space(B4, [5, 1], [[0, 0], [0, 0]]),
    "b2s-crops-shape": lambda tf: tf.batch_to_space(B4, [2, 2], [[0, 0]]),
    "b2s-negative-block": lambda tf: tf.batch_to_space(B4, [2, -2], [[0, 0], [0, 0]]),
    "b2s-rank-1": lambda tf: tf.batch_to_space(np.ones(4), [2], [[0, 0]]),
    "required-paddings-lengths": lambda tf: tf.required_space_to_batch_paddings([5, 7], [2]),
    "with-s2b-same-no-filter": lambda tf: tf.nn.with_space_to_batch(
        X4, [2, 2], "SAME", lambda x, n, p: x),
    "with-s2b-padding": lambda tf: tf.nn.with_space_to_batch(X4, [2, 2], "FOO",
                                                             lambda x, n, p: x),
    "with-s2b-rate": lambda tf: tf.nn.with_space_to_batch(X4, [2, 0], "VALID",
                                                          lambda x, n, p: x),
    "with-s2b-rate-rank": lambda tf: tf.nn.with_space_to_batch(X4, [[2]], "VALID",
                                                               lambda x, n, p: x),
    "with-s2b-spatial-dims": lambda tf: tf.nn.with_space_to_batch(
        X4, [2, 2], "VALID", lambda x, n, p: x, spatial_dims=[2, 1]),
    "with-s2b-input-rank": lambda tf: tf.nn.with_space_to_batch(
        X4, [2, 2], "VALID", lambda x, n, p: x, spatial_dims=[3, 4]),
    "conv-depth": lambda tf: tf.conv(X4, W[:, :, :2], [1, 1, 1, 1], "VALID"),
    "conv-strides-length": lambda tf: tf.conv(X4, W, [1, 1], "VALID"),
    "conv-batch-stride": lambda tf: tf.conv(X4, W, [2, 1, 1, 1], "VALID"),
    "conv-explicit-missing": lambda tf: tf.conv(X4, W, [1, 1, 1, 1], "EXPLICIT"),
    "conv-explicit-not-explicit": lambda tf: tf.conv(X4, W, [1, 1, 1, 1], "VALID",
                                                     explicit_paddings=[0] * 8),
    "conv-dilations-length": lambda tf: tf.conv(X4, W, [1, 1, 1, 1], "SAME",
                                                dilations=[1, 2, 2]),
    "conv-1d": lambda tf: tf.conv(X4[0], W[0], [1, 1, 1], "VALID"),
    "conv-padding": lambda tf: tf.conv(X4, W, [1, 1, 1, 1], "same"),
    "conv-data-format": lambda tf: tf.conv(X4, W, [1, 1, 1, 1], "VALID", data_format="NHWC"),
    "conv-dtype-mismatch": lambda tf: tf.conv(tf.constant(X4), tf.constant(W, "float32"),
                                              [1, 1, 1, 1], "VALID"),
    "backprop-input-strides-int": lambda tf: tf.conv2d_backprop_input_v2(
        X4, W, DY, 1, "VALID"),
    "patches-ksizes-batch": lambda tf: tf.extract_volume_patches(V5, [2, 1, 1, 1, 1],
                                                                 [1, 1, 1, 1, 1], "VALID"),
    "patches-strides-depth": lambda tf: tf.extract_volume_patches(V5, [1, 1, 1, 1, 1],
                                                                  [1, 1, 1, 1, 2], "VALID"),
    "patches-rank": lambda tf: tf.extract_volume_patches(V5[0], [1, 1, 1, 1, 1],
                                                         [1, 1, 1, 1, 1], "VALID"),
    "patches-padding": lambda tf: tf.extract_volume_patches(V5, [1, 1, 1, 1, 1],
                                                            [1, 1, 1, 1, 1], "FOO"),
    "patches-bool": lambda tf: tf.extract_volume_patches(V5 > 0, [1, 1, 1, 1, 1],
                                                         [1, 1, 1, 1, 1], "VALID"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
