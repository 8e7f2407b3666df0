"""LinearOperator: gradients through structured methods (finite differences, first and
second order), a user subclass using the dense fallbacks, and argument errors."""

import numpy as np
import pytest

import fasttape as tf
from tests.ops.gradcheck import POSITIVE, Case, check_case

L = tf.linalg


def _low_rank_logdet(d, u):
    return L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(d), u).log_abs_determinant()


def _low_rank_solve(d, u, b):
    return L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(d), u).solve(b)


def _kron_logdet(a, d):
    n = a.shape[-1]
    full = L.LinearOperatorFullMatrix(a + tf.constant(3.0 * n * np.eye(n)))
    return L.LinearOperatorKronecker([full, L.LinearOperatorDiag(d)]).log_abs_determinant()


def _block_solve(a, d, b):
    full = L.LinearOperatorFullMatrix(a + tf.constant(6.0 * np.eye(2)))
    return L.LinearOperatorBlockDiag([full, L.LinearOperatorDiag(d)]).solve(b)


def _householder(v, x):
    return L.LinearOperatorHouseholder(v).matmul(x)


CASES = [
    Case("op", _low_rank_logdet, shapes=[(3,), (3, 2)], domain=[POSITIVE, (-1.0, 1.0)],
         name="low_rank_log_abs_determinant"),
    Case("op", _low_rank_solve, shapes=[(3,), (3, 2), (3, 2)],
         domain=[POSITIVE, (-1.0, 1.0), (-1.0, 1.0)], name="low_rank_solve"),
    Case("op", _kron_logdet, shapes=[(2, 2), (3,)], domain=[(-1.0, 1.0), POSITIVE],
         name="kronecker_log_abs_determinant"),
    Case("op", _block_solve, shapes=[(2, 2), (1,), (3, 2)],
         domain=[(-1.0, 1.0), POSITIVE, (-1.0, 1.0)], name="block_diag_solve"),
    Case("op", _householder, shapes=[(3,), (3, 2)], domain=[POSITIVE, (-1.0, 1.0)],
         name="householder_matmul"),
    Case("op", lambda d, x: L.LinearOperatorDiag(d).inverse().matmul(x),
         shapes=[(3,), (3, 2)], domain=[POSITIVE, (-1.0, 1.0)], name="diag_inverse"),
    Case("op", lambda c, r: L.LinearOperatorToeplitz(c, r).to_dense(), shapes=[(3,), (3,)],
         name="toeplitz_dense"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradients_match_finite_differences(case):
    check_case(case, np.random.default_rng(0), case.shapes)


class _Reversal(L.LinearOperator):
    """A user operator: only its shape and dense form."""

    def __init__(self, n):
        self._n = n
        super().__init__(tf.float64, is_self_adjoint=True, is_non_singular=True)

    def _shape(self):
        return (self._n, self._n)

    def _to_dense(self):
        return tf.constant(np.eye(self._n)[::-1].copy())


def test_a_subclass_gets_every_method_from_its_dense_form():
    op = _Reversal(3)
    x = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(op.matmul(x), x[::-1])
    np.testing.assert_allclose(op.solve(x), x[::-1])
    assert float(op.determinant()) == pytest.approx(-1.0)
    assert float(op.trace()) == 1.0
    assert op.adjoint() is op
    np.testing.assert_allclose((op @ op).to_dense(), np.eye(3))
    assert op.shape == (3, 3) and op.batch_shape == () and op.domain_dimension == 3
    assert "Reversal" in repr(op)


def test_hint_errors():
    with pytest.raises(ValueError):
        L.LinearOperatorFullMatrix(np.eye(2), is_positive_definite=True, is_non_singular=False)
    with pytest.raises(ValueError):
        L.LinearOperatorFullMatrix(np.eye(2)).cholesky()
    with pytest.raises(NotImplementedError):
        L.LinearOperatorFullMatrix(np.ones((2, 3))).determinant()
    with pytest.raises(ValueError):
        L.LinearOperatorComposition([L.LinearOperatorFullMatrix(np.ones((2, 3))),
                                     L.LinearOperatorFullMatrix(np.ones((2, 3)))])
    with pytest.raises(ValueError):
        L.LinearOperatorZeros(2, is_non_singular=True)
    zeros = L.LinearOperatorZeros(2, 3, dtype=tf.float64)
    assert zeros.matmul(np.ones((3, 4))).shape == (2, 4)
    with pytest.raises(ValueError):
        zeros.inverse()
