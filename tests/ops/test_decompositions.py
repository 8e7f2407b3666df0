"""Decompositions and what is built on them: shapes, dtypes, reconstruction
properties (hypothesis), TF's errors, and the gradients' conventions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fasttape as tf

matrices = st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**31)).map(
    lambda t: np.random.default_rng(t[2]).standard_normal((t[0], t[1])))
squares = st.tuples(st.integers(1, 4), st.integers(0, 2**31)).map(
    lambda t: np.random.default_rng(t[1]).standard_normal((2, t[0], t[0])))


@settings(max_examples=30, deadline=None)
@given(matrices)
def test_svd_rebuilds_the_matrix(a):
    s, u, v = tf.linalg.svd(tf.constant(a))
    k = min(a.shape)
    assert s.shape == (k,) and u.shape == (a.shape[0], k) and v.shape == (a.shape[1], k)
    np.testing.assert_allclose(np.asarray(u) * np.asarray(s) @ np.asarray(v).T, a, atol=1e-10)
    assert np.all(np.diff(np.asarray(s)) <= 1e-12)        # descending


@settings(max_examples=30, deadline=None)
@given(matrices)
def test_qr_rebuilds_the_matrix(a):
    q, r = tf.linalg.qr(tf.constant(a))
    np.testing.assert_allclose(np.asarray(q) @ np.asarray(r), a, atol=1e-10)
    np.testing.assert_array_equal(np.tril(np.asarray(r), -1), 0)
    np.testing.assert_allclose(np.asarray(q).T @ np.asarray(q), np.eye(min(a.shape)),
                               atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(squares)
def test_lu_rebuilds_the_matrix_and_solves(a):
    lu, p = tf.linalg.lu(tf.constant(a))
    assert p.dtype == tf.int32
    np.testing.assert_allclose(tf.linalg.lu_reconstruct(lu, p), a, atol=1e-10)
    lower = np.tril(np.asarray(lu), -1) + np.eye(a.shape[-1])
    assert np.all(np.abs(lower) <= 1 + 1e-12)               # partial pivoting
    if np.min(np.abs(np.linalg.det(a))) > 1e-3:
        np.testing.assert_allclose(tf.linalg.lu_matrix_inverse(lu, p), np.linalg.inv(a),
                                   rtol=1e-6, atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(squares)
def test_eigh_diagonalises_the_lower_triangle(a):
    lower = np.tril(a)
    sym = lower + np.swapaxes(np.tril(a, -1), -1, -2)
    e, v = tf.linalg.eigh(tf.constant(a))       # the upper triangle is ignored
    v = np.asarray(v)
    np.testing.assert_allclose(v @ (np.asarray(e)[..., None] * np.swapaxes(v, -1, -2)), sym,
                               atol=1e-10)


def test_shapes_of_full_matrices():
    a = tf.constant(np.arange(12.0).reshape(4, 3))
    s, u, v = tf.linalg.svd(a, full_matrices=True)
    assert (s.shape, u.shape, v.shape) == ((3,), (4, 4), (3, 3))
    q, r = tf.linalg.qr(a, full_matrices=True)
    assert (q.shape, r.shape) == ((4, 4), (4, 3))
    assert tf.linalg.svd(a, compute_uv=False).shape == (3,)


def test_float32_stays_float32_and_qr_takes_float16():
    a = np.random.default_rng(0).standard_normal((3, 3))
    for fn in (lambda x: tf.linalg.svd(x)[0], lambda x: tf.linalg.eigh(x)[0],
               lambda x: tf.linalg.lu(x).lu, tf.linalg.pinv, tf.linalg.expm):
        assert fn(tf.constant(a, tf.float32)).dtype == tf.float32
    q = tf.linalg.qr(tf.constant(a, tf.float16)).q
    assert q.dtype == tf.float16


@pytest.mark.parametrize("fn", [tf.linalg.svd, tf.linalg.eigh, tf.linalg.lu])
def test_float16_has_no_kernel(fn):
    with pytest.raises(tf.errors.NotFoundError):
        fn(tf.constant(np.eye(2), tf.float16))


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank >= 2"):
        tf.linalg.svd(tf.constant([1.0, 2.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list"):
        tf.linalg.qr(tf.constant([[1, 2], [3, 4]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.eigh(tf.zeros([2, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="complex64, complex128"):
        tf.linalg.logm(tf.eye(2))


def test_eigh_gradient_is_lower_triangular():
    a = tf.constant(np.array([[2.0, 1.0], [1.0, 3.0]]))
    with tf.GradientTape() as tape:
        tape.watch(a)
        e = tf.linalg.eigvalsh(a)
        y = tf.reduce_sum(e * e)
    g = np.asarray(tape.gradient(y, a))
    assert g[0, 1] == 0.0 and g[1, 0] != 0.0


def test_svd_values_gradient_is_u_v_transposed():
    a = np.random.default_rng(3).standard_normal((4, 3))
    x = tf.constant(a)
    with tf.GradientTape() as tape:
        tape.watch(x)
        top = tf.linalg.svd(x, compute_uv=False)[0]
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(tape.gradient(top, x), np.outer(u[:, 0], vh[0]), atol=1e-12)


def test_matrix_rank_and_pinv_of_a_rank_deficient_matrix():
    a = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])
    assert int(tf.linalg.matrix_rank(tf.constant(a))) == 1
    np.testing.assert_allclose(tf.linalg.pinv(tf.constant(a)), np.linalg.pinv(a), atol=1e-12)
    rhs = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_allclose(tf.linalg.lstsq(tf.constant(a), tf.constant(rhs), fast=False),
                               np.linalg.pinv(a) @ rhs, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(arrays(np.float64, (3, 3), elements=st.floats(-3, 3)))
def test_expm_agrees_with_scipy(a):
    scipy_linalg = pytest.importorskip("scipy.linalg")
    np.testing.assert_allclose(tf.linalg.expm(tf.constant(a)), scipy_linalg.expm(a),
                               rtol=1e-9, atol=1e-9)


def test_global_norm_and_normalize():
    a, b = tf.constant([3.0]), tf.constant([[4.0]])
    assert float(tf.linalg.global_norm([a, None, b])) == 5.0
    with pytest.raises(TypeError):
        tf.linalg.global_norm(a)
    unit, n = tf.linalg.normalize(tf.constant([3.0, 4.0]))
    np.testing.assert_allclose(unit, [0.6, 0.8])
    assert n.shape == (1,) and float(n[0]) == 5.0


def test_tensor_diag_round_trip():
    d = tf.constant(np.arange(6.0).reshape(2, 3))
    full = tf.linalg.tensor_diag(d)
    assert full.shape == (2, 3, 2, 3) and float(full[1, 2, 1, 2]) == 5.0
    np.testing.assert_array_equal(tf.linalg.tensor_diag_part(full), d)


def test_tridiagonal_formats_agree():
    rng = np.random.default_rng(0)
    sup, main, sub = rng.standard_normal(4), rng.standard_normal(4) + 5, rng.standard_normal(4)
    dense = np.diag(main) + np.diag(sup[:-1], 1) + np.diag(sub[1:], -1)
    rhs = rng.standard_normal((4, 2))
    want = np.linalg.solve(dense, rhs)
    for diagonals, fmt in (((sup, main, sub), "sequence"),
                           (np.stack([sup, main, sub]), "compact"), (dense, "matrix")):
        np.testing.assert_allclose(tf.linalg.tridiagonal_solve(diagonals, rhs,
                                                               diagonals_format=fmt), want)
    np.testing.assert_allclose(tf.linalg.tridiagonal_matmul(np.stack([sup, main, sub]), rhs),
                               dense @ rhs)
