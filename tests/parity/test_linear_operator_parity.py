"""Parity with TensorFlow for tf.linalg.LinearOperator* (fasttape/linear_operator.py):
every method of every operator class, on the same inputs."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402

RNG = np.random.default_rng(0)
M = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
SPD = M @ M.T
D = RNG.uniform(1, 2, 3)
U = RNG.standard_normal((3, 2))


def _operators(m):
    L = m.linalg
    return {
        "full": L.LinearOperatorFullMatrix(M),
        "spd": L.LinearOperatorFullMatrix(SPD, is_self_adjoint=True, is_positive_definite=True),
        "diag": L.LinearOperatorDiag(D),
        "identity": L.LinearOperatorIdentity(3, dtype=m.float64),
        "scaled_identity": L.LinearOperatorScaledIdentity(3, np.float64(2.5)),
        "lower_triangular": L.LinearOperatorLowerTriangular(M),
        "composition": L.LinearOperatorComposition([L.LinearOperatorFullMatrix(M),
                                                    L.LinearOperatorDiag(D)]),
        "adjoint": L.LinearOperatorAdjoint(L.LinearOperatorFullMatrix(M)),
        "inversion": L.LinearOperatorInversion(L.LinearOperatorFullMatrix(M)),
        "block_diag": L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(M[:2, :2]),
                                                 L.LinearOperatorDiag(D[:1])]),
        "kronecker": L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(M[:2, :2]),
                                                L.LinearOperatorDiag(D)]),
        "low_rank_update": L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(D), U),
        "toeplitz": L.LinearOperatorToeplitz(D, D[::-1].copy()),
        "householder": L.LinearOperatorHouseholder(D),
        "permutation": L.LinearOperatorPermutation([2, 0, 1], dtype=m.float64),
        "tridiag": L.LinearOperatorTridiag(np.stack([D, D + 3, D])),
    }


METHODS = {
    "to_dense": lambda o, x: o.to_dense(),
    "matmul": lambda o, x: o.matmul(x),
    "matmul_adjoint": lambda o, x: o.matmul(x, adjoint=True),
    "matmul_operator": lambda o, x: (o @ o).to_dense(),
    "solve": lambda o, x: o.solve(x),
    "solve_adjoint": lambda o, x: o.solve(x, adjoint=True),
    "matvec": lambda o, x: o.matvec(x[:, 0]),
    "solvevec": lambda o, x: o.solvevec(x[:, 0]),
    "determinant": lambda o, x: o.determinant(),
    "log_abs_determinant": lambda o, x: o.log_abs_determinant(),
    "diag_part": lambda o, x: o.diag_part(),
    "trace": lambda o, x: o.trace(),
    "inverse": lambda o, x: o.inverse().to_dense(),
    "adjoint_op": lambda o, x: o.adjoint().to_dense(),
    "add_to_tensor": lambda o, x: o.add_to_tensor(np.ones(tuple(o.shape))),
}

NAMES = sorted(_operators(fasttape))


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("name", NAMES)
def test_methods_match_tensorflow(name, method):
    want_op, got_op = _operators(tensorflow)[name], _operators(fasttape)[name]
    n = int(want_op.shape[-1])
    x = np.random.default_rng(1).standard_normal((n, 2))
    want = np.asarray(METHODS[method](want_op, x))
    got = np.asarray(METHODS[method](got_op, x))
    assert want.shape == got.shape and want.dtype == got.dtype
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_hints_match_tensorflow(name):
    a, b = _operators(tensorflow)[name], _operators(fasttape)[name]
    assert list(a.shape) == list(b.shape) and list(a.batch_shape) == list(b.batch_shape)
    assert int(a.domain_dimension) == b.domain_dimension
    assert int(a.range_dimension) == b.range_dimension
    assert (a.is_self_adjoint, a.is_square, a.is_non_singular, a.is_positive_definite) == (
        b.is_self_adjoint, b.is_square, b.is_non_singular, b.is_positive_definite)
    assert a.dtype.name == b.dtype.name


def test_cholesky_and_eigvals_match_tensorflow():
    for m_ in (tensorflow, fasttape):
        op = m_.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True,
                                               is_positive_definite=True)
        if m_ is tensorflow:
            want = (np.asarray(op.cholesky().to_dense()), np.asarray(op.eigvals()))
        else:
            got = (np.asarray(op.cholesky().to_dense()), np.asarray(op.eigvals()))
    for w, g in zip(want, got):
        np.testing.assert_allclose(g, w, rtol=1e-10)
