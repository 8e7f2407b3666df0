"""Gradcheck cases for fasttape/ops/decompositions.py.

Singular vectors and eigenvectors are defined up to sign, so the cases take functions
of them that do not depend on it (u scaled by its own first row, products u v^T).
eigh reads the lower triangle: its cases symmetrise the input first. lu and the solves
built on it get diagonally dominant inputs, so that the pivots stay put under the
finite-difference steps.
"""

import numpy as np

import fasttape as tf
from tests.ops.gradcheck import Case


def _sign_free(m):
    """m with each column multiplied by its first entry: unchanged by column signs."""
    return m * m[..., :1, :]


def _svd_all(a):
    s, u, v = tf.linalg.svd(a)
    return tf.concat([tf.reshape(s, (-1,)), tf.reshape(_sign_free(u), (-1,)),
                      tf.reshape(_sign_free(v), (-1,))], 0)


def _sym(a):
    return a + tf.linalg.matrix_transpose(a)


def _eigh_all(a):
    e, v = tf.linalg.eigh(_sym(a))
    return tf.concat([tf.reshape(e, (-1,)), tf.reshape(_sign_free(v), (-1,))], 0)


def _qr_all(a):
    q, r = tf.linalg.qr(a)
    return tf.concat([tf.reshape(q, (-1,)), tf.reshape(r, (-1,))], 0)


def _spd(a):
    return tf.matmul(a, a, transpose_b=True) + tf.constant(a.shape[-1] * np.eye(a.shape[-1]))


def _dominant(a):
    n = a.shape[-1]
    return a + tf.constant(3.0 * n * np.eye(n))


CASES = [
    Case("_svd", lambda a: tf.linalg.svd(a, compute_uv=False), shapes=[(3, 3)],
         name="svd_values"),
    Case("_svd", _svd_all, shapes=[(4, 3)], name="svd_tall"),
    Case("_svd", _svd_all, shapes=[(2, 4)], name="svd_wide"),
    Case("_svd", _svd_all, shapes=[(2, 3, 3)], name="svd_batched"),
    Case("_svd", tf.linalg.pinv, shapes=[(3, 2)], name="pinv"),
    Case("_eigh", _eigh_all, shapes=[(3, 3)], name="eigh"),
    Case("_eigh", lambda a: tf.linalg.eigvalsh(_sym(a)), shapes=[(2, 3, 3)], name="eigvalsh"),
    Case("_eigh", lambda a: tf.linalg.eigh(a).e, shapes=[(3, 3)], name="eigh_lower_triangle"),
    Case("_qr", _qr_all, shapes=[(4, 3)], name="qr_tall"),
    Case("_qr", _qr_all, shapes=[(3, 3)], name="qr_square"),
    Case("_qr", _qr_all, shapes=[(2, 4)], name="qr_wide"),
    Case("_qr", _qr_all, shapes=[(2, 3, 2)], name="qr_batched"),
    Case("_lu", lambda a: tf.linalg.lu(_dominant(a)).lu, shapes=[(3, 3)], name="lu"),
    Case("_lu", lambda a, b: tf.linalg.lu_solve(*tf.linalg.lu(_dominant(a)), b),
         shapes=[(3, 3), (3, 2)], name="lu_solve"),
    Case("_lu", lambda a: tf.linalg.lu_matrix_inverse(*tf.linalg.lu(_dominant(a))),
         shapes=[(2, 3, 3)], name="lu_matrix_inverse"),
    Case("_lu", lambda a: tf.linalg.lu_reconstruct(*tf.linalg.lu(a)), shapes=[(3, 3)],
         name="lu_reconstruct"),
    Case("_sqrtm", lambda a: tf.linalg.sqrtm(_spd(a)), shapes=[(3, 3)], name="sqrtm"),
    Case("_sqrtm", lambda a: tf.linalg.sqrtm(_dominant(a)), shapes=[(2, 2, 2)],
         name="sqrtm_batched_nonsymmetric"),
]
