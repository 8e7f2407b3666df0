"""Convolutions and pooling (fasttape/ops/conv.py, pooling.py): shapes and values
against a direct loop for drawn geometries, and the argument errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fasttape as tf
from fasttape.errors import InvalidArgumentError, UnimplementedError


def _direct_conv2d(x, w, strides, dilations, pads):
    """The textbook sum, one output element at a time."""
    x = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    oh = (h - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (wd - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    out = np.zeros((n, max(oh, 0), max(ow, 0), o))
    for i in range(max(oh, 0)):
        for j in range(max(ow, 0)):
            for a in range(kh):
                for b in range(kw):
                    row, col = i * strides[0] + a * dilations[0], j * strides[1] + b * dilations[1]
                    patch = x[:, row, col]
                    out[:, i, j] += patch @ w[a, b]
    return out


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), kh=st.integers(1, 3), kw=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), dilated=st.booleans(),
       padding=st.sampled_from(["SAME", "VALID"]), seed=st.integers(0, 2**31))
def test_conv2d_matches_the_direct_sum(h, w, kh, kw, sh, sw, dilated, padding, seed):
    rng = np.random.default_rng(seed)
    x, f = rng.normal(size=(2, h, w, 3)), rng.normal(size=(kh, kw, 3, 2))
    strides, dilations = ((1, 1), (2, 1)) if dilated else ((sh, sw), (1, 1))
    y = tf.nn.conv2d(x, f, strides, padding, dilations=dilations).numpy()
    if padding == "SAME":
        assert y.shape[1:3] == (math.ceil(h / strides[0]), math.ceil(w / strides[1]))
        pads = []
        for n, k, s, d in zip((h, w), (kh, kw), strides, dilations):
            total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
    else:
        pads = [(0, 0), (0, 0)]
    np.testing.assert_allclose(y, _direct_conv2d(x, f, strides, dilations, pads), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 6), k=st.integers(1, 3), s=st.integers(1, 3),
       padding=st.sampled_from(["SAME", "VALID"]), seed=st.integers(0, 2**31))
def test_pools_match_the_direct_window_reduction(h, k, s, padding, seed):
    x = np.random.default_rng(seed).normal(size=(1, h, h, 2))
    top = tf.nn.max_pool2d(x, k, s, padding).numpy()
    mean = tf.nn.avg_pool2d(x, k, s, padding).numpy()
    if padding == "SAME":
        out = math.ceil(h / s)
        lo = max((out - 1) * s + k - h, 0) // 2
    else:
        out, lo = max((h - k) // s + 1, 0), 0
    assert top.shape == mean.shape == (1, out, out, 2)
    for i in range(out):
        for j in range(out):
            r0, c0 = max(i * s - lo, 0), max(j * s - lo, 0)
            window = x[0, r0:i * s - lo + k, c0:j * s - lo + k]
            np.testing.assert_allclose(top[0, i, j], window.max(axis=(0, 1)))
            np.testing.assert_allclose(mean[0, i, j], window.mean(axis=(0, 1)))


def test_transposed_convolution_is_the_input_gradient():
    rng = np.random.default_rng(0)
    x, w = tf.Variable(rng.normal(size=(1, 5, 4, 2))), rng.normal(size=(3, 3, 2, 3))
    dy = rng.normal(size=(1, 3, 2, 3))
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(x, w, 2, "SAME")
    grad = tape.gradient(y, x, output_gradients=tf.constant(dy))
    np.testing.assert_allclose(tf.nn.conv2d_transpose(dy, w, [1, 5, 4, 2], 2).numpy(),
                               grad.numpy(), atol=1e-12)


def test_convolution_second_derivatives_flow_through_the_backprop_ops():
    rng = np.random.default_rng(1)
    x = tf.Variable(rng.normal(size=(1, 4, 4, 1)))
    w = tf.Variable(rng.normal(size=(2, 2, 1, 1)))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.nn.conv2d(x, w, 1, "VALID") ** 2)
        total = tf.reduce_sum(inner.gradient(y, x))
    gw = outer.gradient(total, w)
    assert gw.shape == (2, 2, 1, 1) and np.isfinite(gw.numpy()).all()


def test_argument_errors_name_the_argument():
    x, w = np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 1))
    with pytest.raises(InvalidArgumentError, match="strides"):
        tf.nn.conv2d(x, w, -1, "SAME")
    with pytest.raises(ValueError, match="strides"):
        tf.nn.conv2d(x, w, [1, 1, 1], "SAME")
    with pytest.raises(UnimplementedError, match="strides"):
        tf.nn.conv2d(x, w, [1, 1, 1, 2], "SAME")
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.conv2d(x, w, 1, "SAME", data_format="HWCN")
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(x, w, 1, [[0, 0], [1, 1], [1, 1]])
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(x, w, 1, [[1, 0], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(InvalidArgumentError, match="'T' of bool"):
        tf.nn.conv2d(np.ones((1, 4, 4, 2), bool), w, 1, "SAME")
    with pytest.raises(InvalidArgumentError, match="dilation"):
        tf.nn.conv2d(x, w, 2, "SAME", dilations=2)
    with pytest.raises(InvalidArgumentError, match="out_backprop"):
        tf.nn.conv2d_transpose(np.ones((1, 3, 3, 1)), w, [1, 4, 4, 2], 2, "SAME")
    with pytest.raises(ValueError, match="output_shape"):
        tf.nn.conv2d_transpose(np.ones((1, 2, 2, 1)), w, [1, 4, 4], 2)
    with pytest.raises(InvalidArgumentError, match="window"):
        tf.nn.max_pool2d(x, 2, 1, [[0, 0], [2, 0], [0, 0], [0, 0]])
    with pytest.raises(ValueError, match="pooling type"):
        tf.nn.pool(x, [2, 2], "MIN")
    with pytest.raises(ValueError, match="rate"):
        tf.nn.atrous_conv2d(x, w, 0, "SAME")


def test_max_pool_gradient_goes_to_the_first_maximum():
    x = tf.Variable(np.array([[[[1.0], [3.0]], [[3.0], [2.0]]]]))
    with tf.GradientTape() as tape:
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy().ravel(), [0, 1, 0, 0])
