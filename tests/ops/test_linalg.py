"""Edge cases of the linear-algebra family (fasttape/ops/linalg.py): TF's shapes,
dtypes and errors, values at singular points, and gradient conventions. Expected
values were observed with TensorFlow 2.21; gradients in general are checked against
finite differences by tests/ops/test_gradcheck.py (cases in cases_linalg.py).
"""

import numpy as np
import pytest

import fasttape as tf
from fasttape import errors
from tests.helpers import hessian

IAE = errors.InvalidArgumentError


def grad(fn, *xs, **kwargs):
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = fn(*ts)
    out = tape.gradient(y, ts, **kwargs)
    return out[0] if len(out) == 1 else out


def close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a), b, rtol=tol, atol=tol)


A = np.array([[1.0, 2.0], [3.0, 4.0]])
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
SPD = np.array([[2.0, 1.0], [1.0, 3.0]])


# --- namespaces ----------------------------------------------------------------------------

def test_top_level_and_linalg_names():
    for name in ("matmul", "tensordot", "einsum"):
        assert getattr(tf, name) is getattr(tf.linalg, name)
    for name in ("matvec", "cross", "trace", "diag", "diag_part", "set_diag", "band_part",
                 "matrix_transpose", "adjoint", "inv", "det", "slogdet", "logdet", "solve",
                 "triangular_solve", "cholesky", "cholesky_solve"):
        assert callable(getattr(tf.linalg, name))
        assert not hasattr(tf, name) or name in ("norm",)


# --- matmul --------------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [((2,), (2, 2)), ((2, 2), (2,)), ((), (3, 2))])
def test_matmul_needs_rank_2(shapes):
    a, b = (tf.ones(s) for s in shapes)
    with pytest.raises(IAE, match=r"In\[[01]\] ndims must be >= 2"):
        tf.matmul(a, b)
    with pytest.raises(IAE, match="ndims must be >= 2"):
        a @ b


@pytest.mark.parametrize("sa, sb, out", [
    ((2, 2, 2), (2, 1), (2, 2, 1)),
    ((3, 4), (2, 4, 2), (2, 3, 2)),
    ((1, 2, 3), (4, 3, 5), (4, 2, 5)),
    ((0, 3), (3, 2), (0, 2)),
])
def test_matmul_batch_axes_broadcast(sa, sb, out):
    assert tf.matmul(tf.ones(sa), tf.ones(sb)).shape == out


def test_matmul_gradients_sum_over_broadcast_batch_axes():
    ga, gb = grad(tf.matmul, np.ones((3, 2, 2)), np.ones((2, 1)))
    assert ga.shape == (3, 2, 2) and gb.shape == (2, 1)
    close(gb, [[6.0], [6.0]])


def test_matmul_size_and_batch_mismatch():
    with pytest.raises(IAE, match="Matrix size-incompatible: In\\[0\\]: \\[2,3\\], In\\[1\\]: "
                                  "\\[2,3\\]"):
        tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))
    with pytest.raises(IAE, match="compatible batch dimensions"):
        tf.matmul(tf.ones((2, 2, 2)), tf.ones((3, 2, 1)))


def test_matmul_empty_inner_axis_gives_zeros():
    close(tf.matmul(tf.ones((2, 0)), tf.ones((0, 2))), np.zeros((2, 2)))


def test_matmul_dtypes():
    out = tf.matmul([[1, 2]], [[3], [4]])
    assert out.dtype == tf.int32 and out.numpy().tolist() == [[11]]
    assert tf.matmul(tf.ones((1, 2), tf.int64), tf.ones((2, 1), tf.int64)).dtype == tf.int64
    assert tf.matmul(tf.ones((1, 2), tf.float16), tf.ones((2, 1), tf.float16)).dtype == \
        tf.float16
    with pytest.raises(IAE, match="expected to be a float32 tensor but is a float64"):
        tf.matmul(tf.ones((2, 3)), tf.ones((3, 2), tf.float64))
    with pytest.raises(IAE):
        tf.matmul(tf.ones((2, 2), tf.bool), tf.ones((2, 2), tf.bool))
    with pytest.raises(IAE):
        tf.matmul(tf.ones((2, 2), tf.int8), tf.ones((2, 2), tf.int8))
    with pytest.raises(errors.NotFoundError):
        tf.matmul(tf.ones((2, 2), tf.uint8), tf.ones((2, 2), tf.uint8))
    out = tf.matmul(tf.ones((2, 3), tf.int8), tf.ones((3, 2), tf.int8), output_type=tf.int32)
    assert out.dtype == tf.int32 and out.numpy().tolist() == [[3, 3], [3, 3]]


def test_matmul_python_operands_adopt_the_tensor_dtype():
    assert tf.matmul(tf.ones((2, 3)), [[3], [4], [5]]).dtype == tf.float32
    assert (tf.ones((2, 3)) @ np.ones((3, 1))).dtype == tf.float32
    assert ([[1.0, 2.0, 3.0]] @ tf.ones((3, 1), tf.float64)).dtype == tf.float64


def test_matmul_transpose_and_adjoint_flags():
    a = tf.constant(A)
    close(tf.matmul(a, a, transpose_a=True), A.T @ A)
    close(tf.matmul(a, a, transpose_b=True), A @ A.T)
    close(tf.matmul(a, a, adjoint_a=True, transpose_b=True), A.T @ A.T)
    c = tf.constant([[1 + 2j, 3j]])
    close(tf.matmul(c, c, adjoint_b=True), [[14.0 + 0j]])
    with pytest.raises(ValueError, match="Only one of `transpose_a` and `adjoint_a`"):
        tf.matmul(a, a, transpose_a=True, adjoint_a=True)


def test_matmul_operator_records_and_differentiates():
    ga = grad(lambda a: a @ a, A)
    close(ga, [[7.0, 11.0], [9.0, 13.0]])


def test_integer_matmul_has_no_gradient():
    x = tf.constant([[1, 2]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.matmul(x, [[3], [4]])
    assert tape.gradient(y, x) is None


def test_matmul_second_derivative_of_a_bilinear_form_is_none_in_the_same_operand():
    a = tf.constant(A)
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            y = tf.matmul(a, tf.constant(SPD))
        g = inner.gradient(y, a)
    assert outer.gradient(g, a) is None


# --- matvec --------------------------------------------------------------------------------

def test_matvec_batches_and_broadcasts():
    assert tf.linalg.matvec(tf.ones((4, 3, 3)), tf.ones((4, 3))).shape == (4, 3)
    assert tf.linalg.matvec(tf.ones((3, 3)), tf.ones((4, 3))).shape == (4, 3)
    assert tf.linalg.matvec(tf.ones((4, 2, 3)), tf.ones(3)).shape == (4, 2)
    close(tf.linalg.matvec(tf.constant(A), [1.0, 0.0], transpose_a=True), [1.0, 2.0])


def test_matvec_errors():
    with pytest.raises(IAE, match=r"In\[0\] ndims must be >= 2"):
        tf.linalg.matvec(tf.ones(3), tf.ones(3))
    with pytest.raises(IAE, match=r"In\[1\] ndims must be >= 2"):
        tf.linalg.matvec(tf.ones((3, 3)), tf.constant(1.0))
    with pytest.raises(IAE, match="Matrix size-incompatible"):
        tf.linalg.matvec(tf.ones((4, 2, 3)), tf.ones(2))


# --- tensordot -----------------------------------------------------------------------------

def test_tensordot_axes_forms():
    v, w = tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0, 6.0])
    out = tf.tensordot(v, w, 1)
    assert out.shape == () and float(out) == 32.0
    assert tf.tensordot(v, w, 0).shape == (3, 3)
    a, b = tf.ones((2, 3, 4)), tf.ones((4, 3, 5))
    assert tf.tensordot(a, b, [[1, 2], [1, 0]]).shape == (2, 5)
    assert tf.tensordot(a, b, [2, 0]).shape == (2, 3, 3, 5)
    assert tf.tensordot(a, b, ([-1], [0])).shape == (2, 3, 3, 5)
    assert tf.tensordot(tf.ones((2, 3)), tf.ones((3, 5)), tf.constant(1)).shape == (2, 5)
    assert tf.tensordot([1, 2], [3, 4], 1).dtype == tf.int32


def test_tensordot_errors():
    v = tf.ones(3)
    with pytest.raises(ValueError, match="must be at least 0"):
        tf.tensordot(v, v, -1)
    with pytest.raises(ValueError, match="must not be larger than the number of dimensions"):
        tf.tensordot(v, v, 2)
    with pytest.raises(ValueError, match="must be an integer or have length 2"):
        tf.tensordot(tf.ones((2, 3)), tf.ones((3, 5)), [1])
    with pytest.raises(ValueError, match="Different number of contraction axes"):
        tf.tensordot(tf.ones((2, 3, 4)), tf.ones((4, 3, 5)), [[1, 2], [0]])
    with pytest.raises(ValueError):
        tf.tensordot(tf.ones((3, 3)), tf.ones((3, 3)), [[2], [0]])
    with pytest.raises(ValueError):
        tf.tensordot(tf.ones((3, 3)), tf.ones((3, 3)), [[0, 0], [0, 1]])
    with pytest.raises(IAE):
        tf.tensordot(tf.ones((2, 3, 4)), tf.ones((4, 3, 5)), [[1], [0]])
    with pytest.raises(IAE):
        tf.tensordot(tf.ones((2, 3)), tf.ones((3, 5), tf.float64), 1)


# --- einsum --------------------------------------------------------------------------------

def test_einsum_forms():
    m = tf.constant(A)
    close(tf.einsum("ii->i", m), [1.0, 4.0])
    close(tf.einsum("ii", m), 5.0)
    close(tf.einsum("ij,jk", m, m), A @ A)
    close(tf.einsum("ba", m), A.T)                  # implicit: sorted, so 'ab'
    close(tf.einsum("ij, jk -> ik", m, m), A @ A)   # spaces are ignored
    close(tf.einsum("iJ,Jk->ik", m, m), A @ A)
    close(tf.einsum(",ij->ij", tf.constant(2.0, tf.float64), m), 2 * A)
    close(tf.einsum("ii,ij->j", m, m), [13.0, 18.0])
    assert tf.einsum("Ba", tf.ones((2, 3))).shape == (2, 3)
    assert tf.einsum("...ij,...jk->...ik", tf.ones((5, 1, 2, 3)), tf.ones((4, 3, 4))).shape == \
        (5, 4, 2, 4)
    assert tf.einsum("i...j,j->i...", tf.ones((2, 4, 5, 3)), tf.ones(3)).shape == (2, 4, 5)
    assert tf.einsum("ij->...ij", tf.ones((2, 3))).shape == (2, 3)
    assert tf.einsum("...ij,jk", tf.ones((2, 3)), tf.ones((3, 4))).shape == (2, 4)
    close(tf.einsum("ij,jk->ik", tf.ones((2, 0)), tf.ones((0, 3))), np.zeros((2, 3)))


def test_einsum_dtypes():
    out = tf.einsum("ij,jk->ik", tf.ones((2, 2), tf.int32), tf.ones((2, 2), tf.int32))
    assert out.dtype == tf.int32 and out.numpy().tolist() == [[2, 2], [2, 2]]
    assert tf.einsum("ij->ji", tf.ones((2, 2), tf.complex64)).dtype == tf.complex64
    with pytest.raises(errors.NotFoundError):
        tf.einsum("ij->ji", tf.ones((2, 2), tf.bool))
    with pytest.raises(IAE):
        tf.einsum("ij,jk->ik", tf.ones((2, 2)), tf.ones((2, 2), tf.float64))


@pytest.mark.parametrize("equation, shapes, error, message", [
    ("ij,jk->ik", [(2, 2)], ValueError, 'Got 1 inputs for equation "ij,jk->ik", expecting 2'),
    ("ijk,jk->ik", [(2, 2), (2, 2)], IAE, "Expected input 0 to have rank 3 but got: 2"),
    ("...ijk->ijk", [(2, 3)], IAE, "to have rank at least 3"),
    ("ij,jk->ik", [(2, 2), (3, 4)], IAE, "Expected dimension 2 at axis 0 of the input "
                                         "shaped \\[3,4\\] but got dimension 3"),
    ("bij,bjk->bik", [(1, 2, 3), (4, 3, 4)], IAE, "Expected dimension 1"),
    ("ii->i", [(2, 3)], IAE, "Expected dimension 2 at axis 1"),
    ("ij,jk->iz", [(2, 2), (2, 2)], ValueError, "label z not present"),
    ("ij,jk->ii", [(2, 2), (2, 2)], ValueError, "appearing more than once"),
    ("i1->i", [(2, 3)], ValueError, "incorrect format"),
    ("ij->ji->ij", [(2, 3)], ValueError, "incorrect format"),
    ("...i...->i", [(2, 3)], ValueError, "incorrect format"),
    ("...ij,...jk", [(2, 2, 3), (3, 4)], IAE, "no ellipsis"),
    ("...ij->ij", [(4, 2, 3)], IAE, "no ellipsis"),
    ("...i,...i->...", [(2, 3), (4, 3)], IAE, "broadcasting"),
])
def test_einsum_errors(equation, shapes, error, message):
    with pytest.raises(error, match=message):
        tf.einsum(equation, *[tf.ones(s) for s in shapes])


def test_einsum_keyword_arguments():
    assert tf.einsum("ij->ji", tf.ones((2, 3)), optimize="greedy", name="x").shape == (3, 2)
    with pytest.raises(TypeError, match="Invalid keyword arguments for einsum: foo"):
        tf.einsum("ij->ji", tf.ones((2, 3)), foo=1)


def test_einsum_gradients_of_repeated_labels_land_on_the_diagonal():
    close(grad(lambda m: tf.einsum("ii->i", m), A), np.eye(2))
    close(grad(lambda m: tf.einsum("ii", m), A), np.eye(2))
    close(grad(lambda m: tf.einsum("ij->i", m), A), np.ones((2, 2)))
    g = grad(lambda m: tf.einsum("iij->j", m), np.ones((2, 2, 3)))
    close(g, np.eye(2)[:, :, None] * np.ones(3))


def test_einsum_gradient_of_a_broadcast_operand_keeps_its_shape():
    ga, gb = grad(lambda a, b: tf.einsum("...ij,...jk->...ik", a, b),
                  np.ones((2, 1, 2, 3)), np.ones((4, 3, 2)))
    assert ga.shape == (2, 1, 2, 3) and gb.shape == (4, 3, 2)
    close(ga, np.full((2, 1, 2, 3), 8.0))
    close(gb, np.full((4, 3, 2), 4.0))


def test_einsum_hessian_of_a_quadratic_form():
    m = np.array([[2.0, 1.0], [0.0, 3.0]])
    h = hessian(lambda x: tf.einsum("i,ij,j->", x, tf.constant(m), x), np.array([1.0, -1.0]))
    close(h, m + m.T)


# --- cross, trace, diagonals, bands, transposes --------------------------------------------

def test_cross():
    close(tf.linalg.cross([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), [-3.0, 6.0, -3.0])
    assert tf.linalg.cross([1, 0, 0], [0, 1, 0]).numpy().tolist() == [0, 0, 1]
    assert tf.linalg.cross(tf.ones((0, 3)), tf.ones((0, 3))).shape == (0, 3)
    with pytest.raises(IAE, match="Both inputs must be of same shape"):
        tf.linalg.cross(tf.ones((4, 3)), tf.ones(3))
    with pytest.raises(errors.FailedPreconditionError, match="3-element vectors"):
        tf.linalg.cross(tf.ones(2), tf.ones(2))
    with pytest.raises(IAE, match="at least 1D"):
        tf.linalg.cross(tf.constant(1.0), tf.constant(1.0))
    with pytest.raises(IAE):
        tf.linalg.cross(tf.ones(3, tf.bool), tf.ones(3, tf.bool))


def test_cross_gradient():
    ga, gb = grad(tf.linalg.cross, np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    close(ga, [-1.0, 2.0, -1.0])      # b x 1
    close(gb, [1.0, -2.0, 1.0])       # 1 x a


def test_trace():
    close(tf.linalg.trace(tf.constant(A)), 5.0)
    close(tf.linalg.trace(tf.ones((4, 2, 3))), [2.0] * 4)
    assert tf.linalg.trace([[1, 2], [3, 4]]).numpy() == 5
    assert float(tf.linalg.trace(tf.zeros((0, 3)))) == 0.0
    with pytest.raises(IAE, match="at least 2-dim"):
        tf.linalg.trace(tf.ones(3))
    close(grad(tf.linalg.trace, np.ones((2, 3))), np.eye(2, 3))


def test_diag():
    close(tf.linalg.diag([1.0, 2.0]), np.diag([1.0, 2.0]))
    assert tf.linalg.diag(tf.ones((2, 3))).shape == (2, 3, 3)
    close(tf.linalg.diag([1.0, 2.0], k=1), np.diag([1.0, 2.0], 1))
    close(tf.linalg.diag([1.0, 2.0], k=-1), np.diag([1.0, 2.0], -1))
    close(tf.linalg.diag([1.0, 2.0], num_rows=3), [[1, 0], [0, 2], [0, 0]])
    close(tf.linalg.diag([1.0, 2.0], num_cols=4), [[1, 0, 0, 0], [0, 2, 0, 0]])
    close(tf.linalg.diag([1.0, 2.0], padding_value=9), [[1, 9], [9, 2]])
    close(tf.linalg.diag([1.0, 2.0], k=tf.constant(1)), np.diag([1.0, 2.0], 1))
    assert tf.linalg.diag([1, 2]).dtype == tf.int32
    assert tf.linalg.diag(tf.ones(0)).shape == (0, 0)
    assert tf.linalg.diag([1.0, 2.0], "a_name").shape == (2, 2)   # name is second, as in TF
    with pytest.raises(IAE, match="at least 1-dim"):
        tf.linalg.diag(tf.constant(1.0))
    with pytest.raises(IAE, match="rows is too small"):
        tf.linalg.diag([1.0, 2.0], num_rows=1)
    with pytest.raises(IAE, match="not consistent"):
        tf.linalg.diag([1.0, 2.0], num_rows=3, num_cols=4)
    with pytest.raises(NotImplementedError):
        tf.linalg.diag(tf.ones((2, 2)), k=(0, 1))


def test_diag_part():
    m = tf.reshape(tf.range(1.0, 13.0), (3, 4))
    close(tf.linalg.diag_part(m), [1.0, 6.0, 11.0])
    close(tf.linalg.diag_part(m, k=1), [2.0, 7.0, 12.0])
    close(tf.linalg.diag_part(m, k=-2), [9.0])
    close(tf.linalg.diag_part(m, k=3), [4.0])
    assert tf.linalg.diag_part(tf.ones((4, 2, 3))).shape == (4, 2)
    assert tf.linalg.diag_part(tf.zeros((0, 3))).shape == (0,)
    with pytest.raises(IAE, match="out of bound"):
        tf.linalg.diag_part(m, k=4)
    with pytest.raises(IAE, match="at least 2-dim"):
        tf.linalg.diag_part(tf.ones(3))
    close(grad(lambda x: tf.linalg.diag_part(x, k=1), np.ones((2, 3))), np.eye(2, 3, 1))


def test_set_diag():
    close(tf.linalg.set_diag(tf.constant(A), [9.0, 8.0]), [[9.0, 2.0], [3.0, 8.0]])
    close(tf.linalg.set_diag(tf.zeros((2, 3)), [9.0, 8.0]), [[9, 0, 0], [0, 8, 0]])
    close(tf.linalg.set_diag(tf.zeros((3, 4)), [1.0, 2.0, 3.0], k=1), np.eye(3, 4, 1) *
          np.array([[1.0], [2.0], [3.0]]))
    close(tf.linalg.set_diag(tf.zeros((2, 2)), [1, 1]), np.eye(2))     # the list adopts float32
    for diagonal in ([9.0, 8.0, 7.0], 1.0):
        with pytest.raises(IAE):
            tf.linalg.set_diag(tf.zeros((2, 3)), diagonal)
    with pytest.raises(IAE):
        tf.linalg.set_diag(tf.zeros((4, 2, 2)), [9.0, 8.0])
    gx, gd = grad(tf.linalg.set_diag, np.ones((2, 2)), np.ones(2))
    close(gx, 1 - np.eye(2))
    close(gd, [1.0, 1.0])


def test_band_part():
    m = tf.reshape(tf.range(1.0, 10.0), (3, 3))
    close(tf.linalg.band_part(m, 1, 0), [[1, 0, 0], [4, 5, 0], [0, 8, 9]])
    close(tf.linalg.band_part(m, -1, 0), np.tril(np.arange(1.0, 10.0).reshape(3, 3)))
    close(tf.linalg.band_part(tf.ones((2, 4)), 0, 1), [[1, 1, 0, 0], [0, 1, 1, 0]])
    assert tf.linalg.band_part(tf.ones((2, 2), tf.bool), 0, 0).numpy().tolist() == \
        [[True, False], [False, True]]
    with pytest.raises(IAE, match="num_lower must be negative or less or equal"):
        tf.linalg.band_part(tf.ones((2, 2)), 5, 5)
    with pytest.raises(IAE, match="at least 2-dim"):
        tf.linalg.band_part(tf.ones(3), 0, 1)
    close(grad(lambda x: tf.linalg.band_part(x, 0, 0), np.ones((2, 2))), np.eye(2))


def test_matrix_transpose_and_adjoint():
    assert tf.linalg.matrix_transpose(tf.ones((4, 2, 3))).shape == (4, 3, 2)
    close(tf.linalg.adjoint(tf.constant([[1 + 1j, 2]])), [[1 - 1j], [2]])
    close(tf.linalg.matrix_transpose(tf.constant([[1 + 1j]]), conjugate=True), [[1 - 1j]])
    close(tf.linalg.adjoint(tf.constant(A)), A.T)
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.linalg.matrix_transpose(tf.ones(3))


# --- inverse and determinants --------------------------------------------------------------

def test_inv():
    close(tf.linalg.inv(tf.constant(A)), np.linalg.inv(A))
    close(tf.linalg.inv(tf.constant(A), adjoint=True), np.linalg.inv(A.T))
    assert tf.linalg.inv(tf.ones((0, 0))).shape == (0, 0)
    assert tf.linalg.inv(tf.ones((0, 2, 2))).shape == (0, 2, 2)
    assert tf.linalg.inv(tf.constant(SPD, tf.float16)).dtype == tf.float16
    assert tf.linalg.inv([[1.0, 2.0], [3.0, 4.0]]).dtype == tf.float32


@pytest.mark.parametrize("matrix", [SINGULAR, np.zeros((2, 2)), np.stack([A, SINGULAR])])
def test_inv_of_a_singular_matrix_raises(matrix):
    with pytest.raises(IAE, match="Input is not invertible"):
        tf.linalg.inv(matrix)


def test_inv_errors():
    with pytest.raises(IAE, match="must be square"):
        tf.linalg.inv(tf.ones((2, 3)))
    with pytest.raises(IAE, match="rank >= 2"):
        tf.linalg.inv(tf.ones(2))
    with pytest.raises(IAE, match="Value for attr 'T' of int32"):
        tf.linalg.inv([[1, 2], [3, 4]])


def test_inv_gradient_is_minus_a_inv_t_g_a_inv_t():
    inv_t = np.linalg.inv(A).T
    close(grad(tf.linalg.inv, A), -inv_t @ np.ones((2, 2)) @ inv_t)


def test_det():
    close(tf.linalg.det(tf.constant(A)), -2.0)
    assert float(tf.linalg.det(tf.ones((0, 0)))) == 1.0
    assert tf.linalg.det(tf.ones((0, 2, 2))).shape == (0,)
    assert abs(float(tf.linalg.det(tf.constant(SINGULAR)))) == 0.0
    close(grad(tf.linalg.det, SPD), [[3.0, -1.0], [-1.0, 2.0]])
    with pytest.raises(IAE, match="Input is not invertible"):     # TF's gradient needs A^-1
        grad(tf.linalg.det, SINGULAR)
    with pytest.raises(IAE):
        tf.linalg.det(tf.ones((2, 2), tf.int32))


def test_det_hessian_of_a_2x2_matrix():
    # det = a d - b c: its Hessian pairs (a, d) and (b, c)
    h = hessian(tf.linalg.det, A).numpy().reshape(4, 4)
    close(h, [[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]])


def test_slogdet():
    sign, logabs = tf.linalg.slogdet(tf.constant(A))
    assert float(sign) == -1.0
    close(logabs, np.log(2.0))
    out = tf.linalg.slogdet(tf.zeros((2, 2)))
    assert float(out.sign) == 0.0 and float(out.log_abs_determinant) == -np.inf
    assert type(out).__name__ == "LogMatrixDeterminant"
    close(grad(lambda x: tf.linalg.slogdet(x)[1], SPD), [[0.6, -0.2], [-0.2, 0.4]])


def test_slogdet_sign_has_a_zero_gradient_not_none():
    g = grad(lambda x: tf.linalg.slogdet(x).sign, SPD)
    assert g is not None
    close(g, np.zeros((2, 2)))


def test_logdet():
    close(tf.linalg.logdet(tf.constant([[4.0, 2.0], [2.0, 3.0]])), np.log(8.0))
    assert np.isnan(float(tf.linalg.logdet(tf.constant([[1.0, 2.0], [2.0, 1.0]]))))
    g = grad(tf.linalg.logdet, SPD)
    close(g, np.linalg.inv(SPD))


# --- solves and Cholesky -------------------------------------------------------------------

def test_solve():
    b = np.array([[1.0], [2.0]])
    close(tf.linalg.solve(tf.constant(A), b), [[0.0], [0.5]])
    close(tf.linalg.solve(tf.constant(A), b, adjoint=True), [[1.0], [0.0]])
    assert tf.linalg.solve(tf.ones((3, 2, 2)) + tf.eye(2), tf.ones((3, 2, 4))).shape == \
        (3, 2, 4)
    assert tf.linalg.solve(tf.eye(2), tf.ones((2, 0))).shape == (2, 0)
    assert tf.linalg.solve(tf.constant(A, tf.float32), [[1], [2]]).dtype == tf.float32


@pytest.mark.parametrize("matrix, rhs, message", [
    ((2,), (2,), "rank >= 2"),
    ((2, 2), (2,), "same rank"),
    ((3, 2, 2), (2, 1), "same rank"),
    ((3, 2, 2), (1, 2, 1), "same outer dimensions"),
    ((2, 2), (3, 1), "incompatible"),
    ((2, 3), (2, 1), "square"),
])
def test_solve_shape_errors(matrix, rhs, message):
    with pytest.raises(IAE, match=message):
        tf.linalg.solve(tf.ones(matrix), tf.ones(rhs))


def test_solve_singular_raises():
    with pytest.raises(IAE, match="Input matrix is not invertible"):
        tf.linalg.solve(SINGULAR, np.ones((2, 1)))


def test_solve_gradients():
    b = np.array([[1.0], [2.0]])
    ga, gb = grad(tf.linalg.solve, SPD, b)
    gb_want = np.linalg.solve(SPD.T, np.ones((2, 1)))
    close(gb, gb_want)
    close(ga, -gb_want @ np.linalg.solve(SPD, b).T)


def test_triangular_solve():
    lower = tf.constant([[2.0, 0.0], [1.0, 3.0]])
    b = tf.constant([[1.0], [2.0]])
    close(tf.linalg.triangular_solve(lower, b), [[0.5], [0.5]])
    full = tf.constant([[2.0, 5.0], [7.0, 3.0]])
    close(tf.linalg.triangular_solve(full, b), np.linalg.solve(np.tril(full.numpy()), b))
    close(tf.linalg.triangular_solve(full, b, lower=False),
          np.linalg.solve(np.triu(full.numpy()), b))
    close(tf.linalg.triangular_solve(full, b, adjoint=True),
          np.linalg.solve(np.tril(full.numpy()).T, b))
    out = tf.linalg.triangular_solve(tf.constant([[0.0, 0.0], [1.0, 3.0]]), b)
    assert out.numpy().ravel().tolist() == [np.inf, -np.inf]
    assert tf.linalg.triangular_solve(tf.ones((4, 1, 2, 2)) + tf.eye(2), tf.ones((3, 2, 4))) \
        .shape == (4, 3, 2, 4)
    with pytest.raises(IAE, match=r"In\[1\] ndims must be >= 2"):
        tf.linalg.triangular_solve(lower, tf.ones(2))
    with pytest.raises(IAE, match="must be square"):
        tf.linalg.triangular_solve(tf.ones((2, 3)), tf.ones((2, 1)))


def test_triangular_solve_gradient_stays_in_the_triangle():
    ga, _ = grad(tf.linalg.triangular_solve, [[2.0, 5.0], [1.0, 3.0]], [[1.0], [2.0]])
    assert ga.numpy()[0, 1] == 0.0


def test_cholesky():
    close(tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 3.0]])),
          [[2.0, 0.0], [1.0, np.sqrt(2.0)]])
    # only the lower triangle is read
    close(tf.linalg.cholesky(tf.constant([[4.0, 100.0], [2.0, 3.0]])),
          [[2.0, 0.0], [1.0, np.sqrt(2.0)]])
    assert tf.linalg.cholesky(tf.ones((0, 0))).shape == (0, 0)
    with pytest.raises(errors.NotFoundError):
        tf.linalg.cholesky(tf.eye(2, dtype=tf.float16))
    with pytest.raises(IAE, match="must be square"):
        tf.linalg.cholesky(tf.ones((2, 3)))


def test_cholesky_of_a_matrix_that_is_not_positive_definite_is_nan():
    out = tf.linalg.cholesky(tf.constant([[[4.0, 2.0], [2.0, 2.0]],
                                          [[1.0, 2.0], [2.0, 1.0]]])).numpy()
    close(out[0], [[2.0, 0.0], [1.0, 1.0]])
    assert np.isnan(out[1][np.tril_indices(2)]).all() and out[1][0, 1] == 0.0


def test_cholesky_gradient_is_symmetric_and_matches_tf():
    g = grad(tf.linalg.cholesky, SPD)
    close(g, [[0.2558336, 0.1954395], [0.1954395, 0.31622776]])
    g = grad(tf.linalg.cholesky, SPD,
             output_gradients=[tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64)])
    close(g, [[0.13945107, 0.42820477], [0.42820477, 1.264911]])


def test_cholesky_solve():
    chol = tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 3.0]]))
    close(tf.linalg.cholesky_solve(chol, tf.constant([[1.0], [2.0]])), [[-0.125], [0.75]])


# --- gradients in float32, jacobians -------------------------------------------------------

@pytest.mark.parametrize("fn", [tf.linalg.inv, tf.linalg.det, tf.linalg.cholesky,
                                lambda x: tf.linalg.slogdet(x)[1], tf.linalg.trace,
                                lambda x: tf.einsum("ij,jk->ik", x, x),
                                lambda x: tf.linalg.solve(x, x)])
def test_float32_gradients_are_float32(fn):
    g = grad(fn, SPD.astype(np.float32))
    assert g.dtype == tf.float32 and g.shape == (2, 2)


def test_batch_jacobian_through_matvec():
    a = tf.constant(np.arange(8.0).reshape(2, 2, 2))
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.linalg.matvec(a, x)
    close(tape.batch_jacobian(y, x), a.numpy())
