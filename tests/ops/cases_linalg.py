"""Gradcheck cases for fasttape/ops/linalg.py.

Matrices that get inverted, solved or factorised are made well conditioned inside the
case: entries are drawn from [-2, 2] and a multiple of the identity larger than any
row's off-diagonal sum is added (strict diagonal dominance); Cholesky inputs are
A A^T + n I, symmetric positive definite.
"""

import numpy as np

import fasttape as tf
from tests.ops.gradcheck import Case


def _dominant(x):
    """x plus a multiple of the identity that makes it strictly diagonally dominant."""
    n = x.shape[-1]
    return x + tf.constant(2.0 * n * np.eye(n))


def _spd(x):
    """x x^T + n I: symmetric positive definite."""
    n = x.shape[-1]
    return tf.matmul(x, x, transpose_b=True) + tf.constant(n * np.eye(n))


CASES = [
    # matmul and the @ operator (rank >= 2, batch axes broadcast)
    Case("_matmul", lambda a, b: a @ b, shapes=[(2, 3), (3, 4)], name="matmul"),
    Case("_matmul", tf.matmul, shapes=[(2, 2, 3), (3, 4)], name="matmul_batch_rank2"),
    Case("_matmul", tf.matmul, shapes=[(3, 4), (2, 4, 2)], name="matmul_rank2_batch"),
    Case("_matmul", tf.matmul, shapes=[(2, 2, 2), (2, 1)], name="matmul_222_21"),
    Case("_matmul", tf.matmul, shapes=[(1, 2, 3), (4, 3, 2)], name="matmul_batch_broadcast"),
    Case("_matmul_t", lambda a, b: tf.matmul(a, b, transpose_a=True), shapes=[(3, 2), (3, 4)],
         name="matmul_transpose_a"),
    Case("_matmul_t", lambda a, b: tf.matmul(a, b, transpose_b=True), shapes=[(2, 3), (4, 3)],
         name="matmul_transpose_b"),
    Case("_matmul_t", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
         shapes=[(2, 3, 2), (4, 3)], name="matmul_transpose_both"),
    Case("_matmul_t", lambda a, b: tf.matmul(a, b, adjoint_a=True, adjoint_b=True),
         shapes=[(3, 2), (2, 4, 3)], name="matmul_adjoint_both"),
    # matvec
    Case("_matvec", tf.linalg.matvec, shapes=[(4, 3, 3), (4, 3)], name="matvec_batched"),
    Case("_matvec", tf.linalg.matvec, shapes=[(3, 2), (4, 2)], name="matvec_broadcast"),
    Case("_matvec", lambda a, b: tf.linalg.matvec(a, b, transpose_a=True),
         shapes=[(2, 3, 4), (3,)], name="matvec_transpose_a"),
    Case("_matvec", lambda a, b: tf.linalg.matvec(a, b, adjoint_a=True),
         shapes=[(3, 4), (2, 3)], name="matvec_adjoint_a"),
    # einsum: the equations users write, repeated and summed labels, `...`
    Case("_einsum", lambda a, b: tf.einsum("bij,vj->bvi", a, b), shapes=[(2, 3, 4), (5, 4)],
         name="einsum_bij_vj"),
    Case("_einsum", lambda a, b: tf.einsum("vb,bvi->vi", a, b), shapes=[(4, 2), (2, 4, 3)],
         name="einsum_vb_bvi"),
    Case("_einsum", lambda a, b: tf.einsum("ij,jk->ik", a, b), shapes=[(2, 3), (3, 4)],
         name="einsum_matmul"),
    Case("_einsum", lambda a, b: tf.einsum("bi,bi->b", a, b), shapes=[(3, 4), (3, 4)],
         name="einsum_rowwise_dot"),
    Case("_einsum", lambda a: tf.einsum("ii->i", a), shapes=[(3, 3)], name="einsum_diag"),
    Case("_einsum", lambda a: tf.einsum("ii", a), shapes=[(3, 3)], name="einsum_trace"),
    Case("_einsum", lambda a: tf.einsum("iij->j", a), shapes=[(3, 3, 2)],
         name="einsum_diag_sum"),
    Case("_einsum", lambda a: tf.einsum("iii->i", a), shapes=[(3, 3, 3)],
         name="einsum_triple_diag"),
    Case("_einsum", lambda a: tf.einsum("ij->i", a), shapes=[(3, 4)], name="einsum_sum_out"),
    Case("_einsum", lambda a: tf.einsum("ij->ji", a), shapes=[(3, 4)],
         name="einsum_transpose"),
    Case("_einsum", lambda a, b: tf.einsum("ii,ij->j", a, b), shapes=[(3, 3), (3, 2)],
         name="einsum_diag_times"),
    Case("_einsum", lambda a, b: tf.einsum("ij,jk", a, b), shapes=[(2, 3), (3, 2)],
         name="einsum_implicit"),
    Case("_einsum", lambda a, b: tf.einsum("...ij,...jk->...ik", a, b),
         shapes=[(2, 1, 2, 3), (4, 3, 2)], name="einsum_ellipsis_broadcast"),
    Case("_einsum", lambda a, b: tf.einsum("i...j,j->i...", a, b), shapes=[(2, 3, 1, 4), (4,)],
         name="einsum_ellipsis_middle"),
    Case("_einsum", lambda a, b, c: tf.einsum("i,ij,j->", a, b, c), shapes=[(3,), (3, 4), (4,)],
         name="einsum_three_operands"),
    Case("_einsum", lambda a, b: tf.einsum("i,j->ij", a, b), shapes=[(3,), (2,)],
         name="einsum_outer"),
    Case("_einsum", lambda a, b: tf.tensordot(a, b, 1), shapes=[(3,), (3,)],
         name="tensordot_vectors"),
    Case("_einsum", lambda a, b: tf.tensordot(a, b, [[1, 2], [1, 0]]),
         shapes=[(2, 3, 4), (4, 3, 2)], name="tensordot_axes_pair"),
    Case("_einsum", lambda a, b: tf.tensordot(a, b, 0), shapes=[(2,), (3,)],
         name="tensordot_outer"),
    # cross products, diagonals, bands, transposes
    Case("_cross", tf.linalg.cross, shapes=[(4, 3), (4, 3)], name="cross"),
    Case("_diag_part", tf.linalg.trace, shapes=[(2, 3, 4)], name="trace"),
    Case("_diag_part", lambda x: tf.linalg.diag_part(x, k=1), shapes=[(3, 4)],
         name="diag_part_k"),
    Case("_diag_part", tf.linalg.diag_part, shapes=[(2, 4, 3)], name="diag_part"),
    Case("_matrix_diag", tf.linalg.diag, shapes=[(2, 3)], name="diag"),
    Case("_matrix_diag", lambda d: tf.linalg.diag(d, k=-1, num_rows=4), shapes=[(3,)],
         name="diag_k_rows"),
    Case("_set_diag", tf.linalg.set_diag, shapes=[(2, 3, 4), (2, 3)], name="set_diag"),
    Case("_set_diag", lambda x, d: tf.linalg.set_diag(x, d, k=1), shapes=[(3, 4), (3,)],
         name="set_diag_k"),
    Case("_band_part", lambda x: tf.linalg.band_part(x, 1, 0), shapes=[(2, 3, 3)],
         name="band_part"),
    Case("_matrix_transpose", tf.linalg.matrix_transpose, shapes=[(2, 3, 4)],
         name="matrix_transpose"),
    Case("_matrix_transpose", tf.linalg.adjoint, shapes=[(3, 2)], name="adjoint"),
    # inverses, determinants, solves, Cholesky
    Case("_inv", lambda x: tf.linalg.inv(_dominant(x)), shapes=[(3, 3)], name="inv"),
    Case("_inv", lambda x: tf.linalg.inv(_dominant(x), adjoint=True), shapes=[(2, 3, 3)],
         name="inv_adjoint_batched"),
    Case("_det", lambda x: tf.linalg.det(_dominant(x)), shapes=[(3, 3)], name="det"),
    Case("_det", lambda x: tf.linalg.det(_dominant(x)), shapes=[(2, 2, 2)],
         name="det_batched"),
    Case("_slogdet", lambda x: tf.linalg.slogdet(_dominant(x))[1], shapes=[(2, 3, 3)],
         name="slogdet"),
    Case("_slogdet", lambda x: tf.linalg.slogdet(x + tf.constant(np.diag([-6.0, 6.0, 6.0])))
         .sign * tf.reduce_sum(x), shapes=[(3, 3)], name="slogdet_sign_is_constant"),
    Case("_solve", lambda a, b: tf.linalg.solve(_dominant(a), b), shapes=[(3, 3), (3, 2)],
         name="solve"),
    Case("_solve", lambda a, b: tf.linalg.solve(_dominant(a), b, adjoint=True),
         shapes=[(2, 3, 3), (2, 3, 1)], name="solve_adjoint_batched"),
    Case("_triangular_solve", lambda a, b: tf.linalg.triangular_solve(_dominant(a), b),
         shapes=[(3, 3), (3, 2)], name="triangular_solve"),
    Case("_triangular_solve",
         lambda a, b: tf.linalg.triangular_solve(_dominant(a), b, lower=False, adjoint=True),
         shapes=[(2, 3, 3), (3, 2)], name="triangular_solve_upper_adjoint_broadcast"),
    Case("_cholesky", lambda x: tf.linalg.cholesky(_spd(x)), shapes=[(3, 3)], name="cholesky"),
    Case("_cholesky", lambda x: tf.linalg.cholesky(_spd(x)), shapes=[(2, 4, 4)],
         name="cholesky_batched"),
    Case("_cholesky", lambda x: tf.linalg.logdet(_spd(x)), shapes=[(3, 3)], name="logdet"),
    Case("_cholesky", lambda x, b: tf.linalg.cholesky_solve(tf.linalg.cholesky(_spd(x)), b),
         shapes=[(3, 3), (3, 2)], name="cholesky_solve"),
]
