"""Shared helpers for the tnp tests: compare a tnp result with NumPy's."""

import numpy as np

import fasttape as tf


def as_numpy(value):
    """A tnp result (tensor, nest of tensors, TensorShape, number) as numpy values."""
    if isinstance(value, (list, tuple)):
        return [as_numpy(v) for v in value]
    if isinstance(value, tf.TensorShape):
        return tuple(value.as_list())
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy()
    return value


def assert_same(got, want, check_dtype=True, rtol=1e-7, atol=0.0):
    """`got` (tnp) equals `want` (numpy) in shape, value and, optionally, dtype."""
    if isinstance(got, tf.TensorShape):          # shape queries: compare as tuples
        assert tuple(got.as_list()) == tuple(want), (got, want)
        return
    got = as_numpy(got)
    if isinstance(want, (list, tuple)):
        assert isinstance(got, list) and len(got) == len(want), (got, want)
        for g, w in zip(got, want, strict=True):
            assert_same(g, w, check_dtype, rtol, atol)
        return
    if not isinstance(want, (np.ndarray, np.generic)):
        assert got == want, (got, want)
        return
    got_arr, want_arr = np.asarray(got), np.asarray(want)
    assert got_arr.shape == want_arr.shape, (got_arr.shape, want_arr.shape)
    if check_dtype:
        assert got_arr.dtype == want_arr.dtype, (got_arr.dtype, want_arr.dtype)
    if want_arr.dtype.kind in "fc":
        np.testing.assert_allclose(got_arr, want_arr, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got_arr, want_arr)
