"""Parity with TensorFlow for fasttape/ops/decompositions.py and tf.debugging.

Each program is a function of a module `m`, run with fasttape and with TensorFlow.
Singular vectors and eigenvectors are compared through sign-free quantities (LAPACK
and TF's Eigen kernels may pick opposite column signs).
"""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402

RNG = np.random.default_rng(1)
A = RNG.standard_normal((4, 3))
SYM = RNG.standard_normal((3, 3))
SYM = SYM + SYM.T
BATCH = RNG.standard_normal((2, 3, 3))
RHS = RNG.standard_normal((2, 3, 2))
TRI = RNG.standard_normal((3, 5)) + np.array([[0.0], [5.0], [0.0]])
BANDS = RNG.standard_normal((2, 4)) + np.array([[4.0], [0.0]])
CPLX = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3)) + 3 * np.eye(3)


def _sign_free(m, v):
    return v * v[..., :1, :]


VALUES = {
    "svd_s": (lambda m, a: m.linalg.svd(a, compute_uv=False), [A]),
    "svd_rebuilt": (lambda m, a: (lambda s, u, v: m.matmul(u * s[None, :], v,
                                                           transpose_b=True))(
        *m.linalg.svd(a)), [A]),
    "svd_u_sign_free": (lambda m, a: _sign_free(m, m.linalg.svd(a)[1]), [A]),
    "qr_q": (lambda m, a: m.linalg.qr(a).q, [A]),
    "qr_r": (lambda m, a: m.linalg.qr(a).r, [A]),
    "qr_wide_r": (lambda m, a: m.linalg.qr(a).r, [A.T.copy()]),
    "qr_complete_q": (lambda m, a: m.linalg.qr(a, full_matrices=True).q, [A]),
    "eigh_e": (lambda m, a: m.linalg.eigh(a)[0], [SYM]),
    "eigh_v_sign_free": (lambda m, a: _sign_free(m, m.linalg.eigh(a)[1]), [SYM]),
    "eigvalsh": (lambda m, a: m.linalg.eigvalsh(a), [SYM]),
    "lu": (lambda m, a: m.linalg.lu(a).lu, [BATCH]),
    "lu_p": (lambda m, a: m.linalg.lu(a).p, [BATCH]),
    "lu_reconstruct": (lambda m, a: m.linalg.lu_reconstruct(*m.linalg.lu(a)), [BATCH]),
    "lu_matrix_inverse": (lambda m, a: m.linalg.lu_matrix_inverse(*m.linalg.lu(a)), [BATCH]),
    "lu_solve": (lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu(a), b), [BATCH, RHS]),
    "pinv": (lambda m, a: m.linalg.pinv(a), [A]),
    "matrix_rank": (lambda m, a: m.linalg.matrix_rank(a), [A]),
    "lstsq": (lambda m, a, b: m.linalg.lstsq(a, b), [A, RHS[0, :, :1].repeat(4, 0)[:4]]),
    "lstsq_wide_l2": (lambda m, a, b: m.linalg.lstsq(a, b, l2_regularizer=0.1),
                      [A.T.copy(), RHS[0]]),
    "expm": (lambda m, a: m.linalg.expm(a), [3 * BATCH]),
    "global_norm": (lambda m, a, b: m.linalg.global_norm([a, None, b]), [A, SYM]),
    "normalize": (lambda m, a: m.linalg.normalize(a, axis=1)[0], [A]),
    "tensor_diag": (lambda m, a: m.linalg.tensor_diag(a), [A]),
    "tridiagonal_solve": (lambda m, d, b: m.linalg.tridiagonal_solve(d, b),
                          [TRI, RNG.standard_normal((5, 2))]),
    "tridiagonal_matmul": (lambda m, d, b: m.linalg.tridiagonal_matmul(d, b),
                           [TRI, RNG.standard_normal((5, 2))]),
    "banded_lower": (lambda m, d, b: m.linalg.banded_triangular_solve(d, b),
                     [BANDS, RNG.standard_normal((4, 2))]),
    "banded_upper": (lambda m, d, b: m.linalg.banded_triangular_solve(d, b, lower=False),
                     [BANDS[::-1].copy(), RNG.standard_normal((4, 2))]),
    "eigh_tridiagonal": (lambda m, a, b: m.linalg.eigh_tridiagonal(a, b),
                         [RNG.standard_normal(4), RNG.standard_normal(3)]),
    "logm": (lambda m, a: m.linalg.logm(a), [CPLX]),
    "sqrtm": (lambda m, a: m.linalg.sqrtm(a), [BATCH @ np.swapaxes(BATCH, -1, -2) + np.eye(3)]),
    "eigvals_triangular": (lambda m, a: m.linalg.eigvals(a), [np.triu(BATCH[0])]),
    "eigvals_rotation": (lambda m, a: m.linalg.eigvals(a), [np.array([[0.0, -1.0],
                                                                      [1.0, 0.0]])]),
}


def _run(m, f, xs):
    return np.asarray(f(m, *[m.constant(x) for x in xs]))


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_tensorflow(name):
    f, xs = VALUES[name]
    want, got = _run(tensorflow, f, xs), _run(fasttape, f, xs)
    assert want.dtype == got.dtype and want.shape == got.shape
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)


GRADIENTS = {
    "svd_s": (lambda m, a: m.reduce_sum(m.linalg.svd(a)[0] ** 2), A),
    "svd_uv": (lambda m, a: m.reduce_sum((lambda s, u, v: m.matmul(u, v, transpose_b=True)
                                          ** 2 * np.arange(12.0).reshape(4, 3))(
        *m.linalg.svd(a))), A),
    "eigh_e": (lambda m, a: m.reduce_sum(m.linalg.eigh(a)[0] ** 3), SYM),
    "eigh_v": (lambda m, a: m.reduce_sum(m.linalg.eigh(a)[1] ** 4), SYM),
    "qr_tall": (lambda m, a: m.reduce_sum(m.linalg.qr(a)[0] * np.arange(12.0).reshape(4, 3))
                + m.reduce_sum(m.linalg.qr(a)[1] ** 2), A),
    "qr_wide": (lambda m, a: m.reduce_sum(m.linalg.qr(a)[0] * 2.0)
                + m.reduce_sum(m.linalg.qr(a)[1] ** 2), A.T.copy()),
    "pinv": (lambda m, a: m.reduce_sum(m.linalg.pinv(a) ** 2), A),
    "expm": (lambda m, a: m.reduce_sum(m.linalg.expm(a)), BATCH),
    "lstsq": (lambda m, a: m.reduce_sum(m.linalg.lstsq(a, np.ones((4, 1)))), A),
    "sqrtm": (lambda m, a: m.reduce_sum(m.linalg.sqrtm(a) * np.arange(9.0).reshape(3, 3)),
              SYM + 6 * np.eye(3)),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients_match_tensorflow(name):
    f, x = GRADIENTS[name]
    out = []
    for m in (tensorflow, fasttape):
        xt = m.constant(x)
        with m.GradientTape() as tape:
            tape.watch(xt)
            y = f(m, xt)
        out.append(np.asarray(tape.gradient(y, xt)))
    np.testing.assert_allclose(out[1], out[0], rtol=1e-6, atol=1e-8)


ERRORS = {
    "svd_half": lambda m: m.linalg.svd(m.constant([[1.0, 2.0], [3.0, 4.0]], m.float16)),
    "eigh_half": lambda m: m.linalg.eigh(m.constant([[1.0, 2.0], [2.0, 4.0]], m.float16)),
    "lu_half": lambda m: m.linalg.lu(m.constant([[1.0, 2.0], [3.0, 4.0]], m.float16)),
    "svd_int": lambda m: m.linalg.svd(m.constant([[1, 2], [3, 4]])),
    "eigh_vector": lambda m: m.linalg.eigh(m.constant([1.0, 2.0])),
    "lu_nonsquare": lambda m: m.linalg.lu(m.constant(A)),
    "logm_real": lambda m: m.linalg.logm(m.constant(SYM)),
    "assert_equal": lambda m: m.debugging.assert_equal(m.constant([1, 2]), m.constant([1, 3])),
    "assert_rank": lambda m: m.debugging.assert_rank(m.constant([1, 2]), 2),
    "assert_type": lambda m: m.debugging.assert_type(m.constant([1, 2]), m.float32),
    "check_numerics": lambda m: m.debugging.check_numerics(m.constant([np.nan]), "x"),
    "Assert": lambda m: m.debugging.Assert(False, ["x"]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflows_class(name):
    classes = []
    for m in (tensorflow, fasttape):
        with pytest.raises(Exception) as info:
            ERRORS[name](m)
        classes.append(type(info.value).__name__)
    assert classes[0] == classes[1]


MESSAGES = {
    "assert_equal": lambda m: m.debugging.assert_equal(m.constant([[1, 2], [3, 4]]),
                                                       m.constant([[1, 0], [0, 4]])),
    "assert_less_message": lambda m: m.debugging.assert_less(m.constant([1.0, 2.0]),
                                                             m.constant([1.0, 3.0]),
                                                             message="hi", summarize=1),
    "assert_positive": lambda m: m.debugging.assert_positive(m.constant([1.0, -2, 3, 4])),
    "assert_rank_in": lambda m: m.debugging.assert_rank_in(m.constant([1.0]), [0, 2]),
    "assert_shapes": lambda m: m.debugging.assert_shapes(
        [(m.zeros([2, 3]), ("N", "Q")), (m.zeros([3, 3]), ("N", "Q"))], message="m"),
    "assert_integer": lambda m: m.debugging.assert_integer(m.constant(1.0)),
    "Assert": lambda m: m.debugging.Assert(False, [[1.5, 2.0], 3, "s"]),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_debugging_messages_match_tensorflow(name):
    texts = []
    for m in (tensorflow, fasttape):
        with pytest.raises(Exception) as info:
            MESSAGES[name](m)
        texts.append(str(info.value))
    assert texts[0] == texts[1]
