"""Matrix decompositions and what is built on them: svd, qr, eigh, lu and their
solves, pinv, lstsq, expm, matrix_rank, banded and tridiagonal systems.

A decomposition with several outputs is one op whose forward packs them, each
flattened over its matrix axes, side by side on one last axis; the public function
slices them back out with recorded ops. So the op's rule receives all the outputs'
cotangents at once (zeros where an output is unused), as the textbook formulas want,
and since the rule is written in fasttape ops over the packed output, it is itself
differentiable: second derivatives of svd, eigh, qr and lu come from the same rules.

The gradients follow TF's conventions:

* svd (thin, full_matrices=False): the F-matrix formula, F_ij = 1 / (s_j^2 - s_i^2);
  repeated singular values give inf/NaN, as in TF. With full_matrices=True only the
  values and square matrices are differentiable.
* eigh reads the lower triangle only, so its gradient is lower triangular (TF's).
* qr: full_matrices=False, any shape (TF's algorithm for wide matrices).
* lu: square matrices; the permutation has no gradient.

float16 has no kernel for svd, eigh or lu (NotFoundError, as in TF); qr computes in
float32 and returns float16.
"""

import collections
import math

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import defop, export
from fasttape.ops.complex_ops import conj
from fasttape.ops.linalg import (
    _check_decomposition, _check_square, _constant, _lapack, _mm, _real_only, _transpose,
    band_part, cholesky, cholesky_solve, diag, diag_part, matmul, solve, triangular_solve,
)
from fasttape.ops.indexing import gather
from fasttape.ops.math_ops import norm
from fasttape.ops.reductions import reduce_max, reduce_sum
from fasttape.ops.shape import concat, expand_dims, reshape

Qr = collections.namedtuple("Qr", ["q", "r"])
Lu = collections.namedtuple("Lu", ["lu", "p"])
Eigh = collections.namedtuple("Eigh", ["e", "v"])


# --- packing several outputs into one ---------------------------------------------------

def _pack(batch, *arrays):
    """Arrays of shape batch + (...) flattened and concatenated on one last axis."""
    return np.concatenate([a.reshape(batch + (-1,)) for a in arrays], axis=-1)


def _unpack(t, batch, *shapes):
    """The Tensors `_pack` put side by side in `t`, as recorded slices."""
    out, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        out.append(reshape(t[..., start:start + size], batch + tuple(shape)))
        start += size
    return out


def _no_half_kernel(x, node):
    if x._value.dtype == np.float16:
        raise errors.NotFoundError(f"Could not find device for node: {{{{node {node}}}}} = "
                                   f"{node}[T=DT_HALF]")


def _eye(n, dtype):
    return _constant(np.eye(n, dtype=dtype))


def _matrix(x, op):
    x = convert_to_tensor(x)
    _check_decomposition(x, op)
    return x


def _sym_diff(values):
    """[..., i, j] = values_j - values_i, with ones on the diagonal (safe to divide)."""
    n = values.shape[-1]
    return (expand_dims(values, -2) - expand_dims(values, -1)) + _eye(n, values.dtype
                                                                       .as_numpy_dtype)


def _off_diagonal(n, dtype):
    return _constant(1.0 - np.eye(n, dtype=dtype))


# --- svd -------------------------------------------------------------------------------

@defop(public=False)
def _svd(a, m=0, n=0):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    v = np.conj(np.swapaxes(vh, -1, -2))
    return _pack(a.shape[:-2], s.astype(a.dtype), u, v)


@_svd.defvjp
def _svd_vjp(g, ans, m, n):
    _real_only(g, "svd")
    batch = tuple(ans.shape[:-1])
    k = min(m, n)
    dt = ans.dtype.as_numpy_dtype
    s, u, v = _unpack(ans, batch, (k,), (m, k), (n, k))
    gs, gu, gv = _unpack(g, batch, (k,), (m, k), (n, k))
    off = _off_diagonal(k, dt)
    f = off / _sym_diff(s * s)                      # F_ij = 1 / (s_j^2 - s_i^2)
    utgu = _mm(u, gu, ta=True)
    vtgv = _mm(v, gv, ta=True)
    j = f * (utgu - _transpose(utgu))
    kk = f * (vtgv - _transpose(vtgv))
    s_mat = diag(s)
    inner = _mm(j, s_mat) + diag(gs) + _mm(s_mat, kk)
    grad = _mm(_mm(u, inner), v, tb=True)
    s_inv = expand_dims(ew.reciprocal(s), -2)       # scales columns by 1/s
    if m > k:       # the part of gu outside span(U)
        outside = gu - _mm(u, utgu)
        grad = grad + _mm(outside * s_inv, v, tb=True)
    if n > k:       # the part of gv outside span(V)
        outside = gv - _mm(v, vtgv)
        grad = grad + _mm(u, outside * s_inv, tb=True)
    return grad


@defop(public=False, differentiable=False)
def _svd_full(a):
    u, s, vh = np.linalg.svd(a, full_matrices=True)
    return _pack(a.shape[:-2], s.astype(a.dtype), u, np.conj(np.swapaxes(vh, -1, -2)))


@export("linalg")
def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values s (descending) and, with compute_uv, singular vectors u and v
    such that tensor = u diag(s) v^H, for each matrix in the last two axes.

    Returns:
        s of shape batch + [k] (k = min(m, n)) when compute_uv is False; else the tuple
        (s, u, v) with u: [..., m, k] and v: [..., n, k] (full_matrices: [..., m, m]
        and [..., n, n]). Note the order (s first) and v, not v^H, as in TF.

    Raises:
        InvalidArgumentError: rank < 2 or an integer dtype.
        NotFoundError: float16 (TF has no kernel).
    """
    x = _matrix(tensor, "Svd")
    _no_half_kernel(x, "Svd")
    m, n = x.shape[-2], x.shape[-1]
    k = min(m, n)
    batch = tuple(x.shape[:-2])
    if full_matrices and compute_uv and m != n:
        packed = _engine.apply(_svd_full.op, (x,), ())
        s, u, v = _unpack(packed, batch, (k,), (m, m), (n, n))
    else:
        packed = _engine.apply(_svd.op, (x,), (m, n))
        s, u, v = _unpack(packed, batch, (k,), (m, k), (n, k))
    if x.dtype.is_complex:
        s = ew.cast(s, x.dtype.real_dtype)
    return (s, u, v) if compute_uv else s


# --- eigh ------------------------------------------------------------------------------

@defop(public=False)
def _eigh(a):
    e, v = np.linalg.eigh(a)        # reads the lower triangle, as TF's kernel
    return _pack(a.shape[:-2], e.astype(a.dtype), v)


@_eigh.defvjp
def _eigh_vjp(g, ans):
    _real_only(g, "eigh")
    batch = tuple(ans.shape[:-1])
    n = int(round((-1 + math.sqrt(1 + 4 * ans.shape[-1])) / 2))
    dt = ans.dtype.as_numpy_dtype
    e, v = _unpack(ans, batch, (n,), (n, n))
    ge, gv = _unpack(g, batch, (n,), (n, n))
    f = _off_diagonal(n, dt) / _sym_diff(e)         # 1 / (e_j - e_i)
    inner = diag(ge) + f * _mm(v, gv, ta=True)
    grad = _mm(_mm(v, inner), v, tb=True)
    # only the lower triangle is read: fold the upper part onto it, halve the diagonal
    lower = band_part(grad + _transpose(grad), -1, 0)
    return lower - 0.5 * diag(diag_part(lower))


@export("linalg")
def eigh(tensor, name=None):
    """Eigenvalues (ascending) and eigenvectors of self-adjoint matrices: e, v with
    tensor = v diag(e) v^H. Only the lower triangle of `tensor` is read.

    Raises:
        InvalidArgumentError: a non-square, rank < 2 or integer input.
        NotFoundError: float16.
    """
    x = _matrix(tensor, "SelfAdjointEigV2")
    _check_square(x, "SelfAdjointEigV2")
    _no_half_kernel(x, "SelfAdjointEigV2")
    n = x.shape[-1]
    e, v = _unpack(_engine.apply(_eigh.op, (x,), ()), tuple(x.shape[:-2]), (n,), (n, n))
    if x.dtype.is_complex:
        e = ew.cast(e, x.dtype.real_dtype)
    return Eigh(e, v)


@export("linalg")
def eigvalsh(tensor, name=None):
    """The eigenvalues (ascending) of self-adjoint matrices (see eigh)."""
    return eigh(tensor).e


@export("linalg")
def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None,
                     tol=None, name=None):
    """Eigenvalues (and, unless eigvals_only, eigenvectors) of the real symmetric
    tridiagonal matrix with diagonal `alpha` and off-diagonal `beta`.

    Only select="a" (all eigenvalues) is implemented.
    """
    if select != "a":
        raise NotImplementedError("fasttape: eigh_tridiagonal implements select='a' only")
    alpha = convert_to_tensor(alpha)
    beta = convert_to_tensor(beta, dtype=alpha.dtype)
    matrix = diag(alpha) + diag(beta, k=1) + diag(beta, k=-1)
    e, v = eigh(matrix)
    return e if eigvals_only else (e, v)


@defop(public=False, differentiable=False)
def _eig(a):
    e, v = np.linalg.eig(a)
    dtype = np.complex128 if a.dtype in (np.float64, np.complex128) else np.complex64
    return _pack(a.shape[:-2], e.astype(dtype), v.astype(dtype))


@export("", "linalg")
def eig(tensor, name=None):
    """Eigenvalues and eigenvectors of general square matrices, complex (complex64 for
    float32 input, complex128 for float64): e, v with tensor v = v diag(e).

    Not differentiable (a gradient raises LookupError): fasttape records no complex
    gradients. Eigenvectors are normalised to unit length; their phase may differ
    from TF's."""
    x = _matrix(tensor, "Eig")
    _check_square(x, "Eig")
    _no_half_kernel(x, "Eig")
    n = x.shape[-1]
    packed = _engine.apply(_eig.op, (x,), ())
    e, v = _unpack(packed, tuple(x.shape[:-2]), (n,), (n, n))
    return e, v


@export("", "linalg")
def eigvals(tensor, name=None):
    """The eigenvalues of general square matrices (complex; see eig)."""
    return eig(tensor)[0]


# --- qr --------------------------------------------------------------------------------

@defop(public=False)
def _qr(a, m=0, n=0):
    q, r = np.linalg.qr(_lapack(a), mode="reduced")
    return _pack(a.shape[:-2], q.astype(a.dtype), r.astype(a.dtype))


def _solve_right_upper(x, r):
    """x R^-T for upper-triangular R (a triangular solve on the transposes)."""
    return _transpose(triangular_solve(r, _transpose(x), lower=False))


def _qr_grad_tall(q, r, gq, gr):
    """The gradient for m >= n (R square), TF's formula: with the antisymmetric parts
    of Q^T gQ and R gR^T, gA = Q (gR + tril(.) R^-T) + (gQ - Q Q^T gQ) R^-T."""
    qgq = _mm(q, gq, ta=True)
    rgr = _mm(r, gr, tb=True)
    tril = band_part(qgq - _transpose(qgq) + rgr - _transpose(rgr), -1, 0)
    return _mm(q, gr + _solve_right_upper(tril, r)) + _solve_right_upper(gq - _mm(q, qgq), r)


@_qr.defvjp
def _qr_vjp(g, ans, m, n):
    _real_only(g, "qr")
    batch = tuple(ans.shape[:-1])
    k = min(m, n)
    q, r = _unpack(ans, batch, (m, k), (k, n))
    gq, gr = _unpack(g, batch, (m, k), (k, n))
    if m >= n:
        return _qr_grad_tall(q, r, gq, gr)
    # wide: A = [X | Y], R = [U | V] with X = Q U square; Y = Q V adds to X's gradient
    # through Q (TF's algorithm)
    a = _mm(q, r)
    y = a[..., :, m:]
    u, v = r[..., :, :m], r[..., :, m:]
    gu, gv = gr[..., :, :m], gr[..., :, m:]
    gq = gq + _mm(y, gv, tb=True)
    gx = _qr_grad_tall(q, u, gq, gu)
    gy = _mm(q, gv)
    return concat([gx, gy], -1)


@defop(public=False, differentiable=False)
def _qr_complete(a):
    q, r = np.linalg.qr(_lapack(a), mode="complete")
    return _pack(a.shape[:-2], q.astype(a.dtype), r.astype(a.dtype))


@export("linalg")
def qr(input, full_matrices=False, name=None):  # noqa: A002 - TF's name
    """QR decomposition: q with orthonormal columns and upper-triangular r,
    input = q r, for each matrix in the last two axes.

    Returns:
        Qr(q, r): q of shape [..., m, k], r [..., k, n], k = min(m, n)
        (full_matrices=True: q [..., m, m], r [..., m, n]; differentiable only when
        m <= n, where it is the same factorisation).
    """
    x = _matrix(input, "Qr")
    m, n = x.shape[-2], x.shape[-1]
    batch = tuple(x.shape[:-2])
    if full_matrices and m > n:
        q, r = _unpack(_engine.apply(_qr_complete.op, (x,), ()), batch, (m, m), (m, n))
    else:
        k = min(m, n)
        q, r = _unpack(_engine.apply(_qr.op, (x,), (m, n)), batch, (m, k), (k, n))
    return Qr(q, r)


# --- lu --------------------------------------------------------------------------------

def _lu_factor(a):
    """Doolittle LU with partial pivoting (largest magnitude, first on ties, as
    LAPACK's getrf), batched: packed L\\U and the permutation with (L U) = a[perm]."""
    lu = np.array(a, copy=True)
    n = lu.shape[-1]
    batch = lu.shape[:-2]
    flat = lu.reshape((-1, n, n))
    perm = np.tile(np.arange(n), (flat.shape[0], 1))
    rows = np.arange(flat.shape[0])
    for j in range(n):
        pivot = j + np.argmax(np.abs(flat[:, j:, j]), axis=1)
        swap_from = flat[rows, pivot].copy()
        flat[rows, pivot] = flat[:, j]
        flat[:, j] = swap_from
        pj = perm[rows, pivot].copy()
        perm[rows, pivot] = perm[:, j]
        perm[:, j] = pj
        head = flat[:, j, j][:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            flat[:, j + 1:, j] = flat[:, j + 1:, j] / head
        flat[:, j + 1:, j + 1:] -= flat[:, j + 1:, j, None] * flat[:, j, None, j + 1:]
    return flat.reshape(lu.shape), perm.reshape(batch + (n,))


@defop(public=False)
def _lu(a):
    lu, perm = _lu_factor(a)
    return _pack(a.shape[:-2], lu, perm.astype(a.dtype))


def _unit_lower(lu):
    n = lu.shape[-1]
    return band_part(lu, -1, 0) - diag(diag_part(lu)) + _eye(n, lu.dtype.as_numpy_dtype)


@_lu.defvjp
def _lu_vjp(g, ans):
    _real_only(g, "lu")
    batch = tuple(ans.shape[:-1])
    n = int(round((-1 + math.sqrt(1 + 4 * ans.shape[-1])) / 2))
    lu, perm = _unpack(ans, batch, (n, n), (n,))
    glu, _ = _unpack(g, batch, (n, n), (n,))
    lower, upper = _unit_lower(lu), band_part(lu, 0, -1)
    g_lower = band_part(glu, -1, 0) - diag(diag_part(glu))
    g_upper = band_part(glu, 0, -1)
    phi = (band_part(_mm(lower, g_lower, ta=True), -1, 0) - diag(diag_part(
        _mm(lower, g_lower, ta=True))) + band_part(_mm(g_upper, upper, tb=True), 0, -1))
    # L^-T phi U^-T, then the rows back to the input's order
    left = triangular_solve(lower, phi, lower=True, adjoint=True)
    permuted = _transpose(triangular_solve(upper, _transpose(left), lower=False, adjoint=False))
    return _mm(_perm_matrix(perm), permuted, ta=True)


def _perm_matrix(perm, dtype=None):
    """P with P[..., i, perm[i]] = 1, so that P a = a[perm]: identity rows gathered by an
    op rather than built from perm's value, so that a traced function reads perm anew."""
    perm = convert_to_tensor(perm)
    eye = np.eye(perm.shape[-1], dtype=(dtype or perm.dtype).as_numpy_dtype)
    return gather(_constant(eye), ew.cast(perm, dtypes.int64))


@export("linalg")
def lu(input, output_idx_type=dtypes.int32, name=None):  # noqa: A002 - TF's name
    """LU decomposition with partial pivoting of square matrices.

    Returns:
        Lu(lu, p): lu holds the unit lower factor L below the diagonal and U on and
        above it; p is the permutation (output_idx_type) with L U = input[p] (rows).

    Raises:
        InvalidArgumentError: non-square, rank < 2 or an integer input.
        NotFoundError: float16.
    """
    x = _matrix(input, "Lu")
    _check_square(x, "Lu")
    _no_half_kernel(x, "Lu")
    n = x.shape[-1]
    packed, perm = _unpack(_engine.apply(_lu.op, (x,), ()), tuple(x.shape[:-2]), (n, n), (n,))
    return Lu(packed, ew.cast(perm, output_idx_type))


def _lu_parts(lower_upper, perm):
    lu_t = convert_to_tensor(lower_upper)
    return lu_t, _perm_matrix(perm, lu_t.dtype)     # P a = a[perm]


@export("linalg")
def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """Solve input x = rhs given lu(input): forward and back substitution."""
    lu_t, rows = _lu_parts(lower_upper, perm)
    b = matmul(rows, convert_to_tensor(rhs, dtype=lu_t.dtype))
    y = triangular_solve(_unit_lower(lu_t), b, lower=True)
    return triangular_solve(band_part(lu_t, 0, -1), y, lower=False)


@export("linalg")
def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of the matrix lu(...) factorised."""
    lu_t = convert_to_tensor(lower_upper)
    n = lu_t.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=lu_t.dtype.as_numpy_dtype), tuple(lu_t.shape))
    return lu_solve(lu_t, perm, _constant(np.ascontiguousarray(eye)))


@export("linalg")
def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix lu(...) factorised: P^T L U."""
    lu_t, rows = _lu_parts(lower_upper, perm)
    return matmul(rows, matmul(_unit_lower(lu_t), band_part(lu_t, 0, -1)), transpose_a=True)


# --- built on the decompositions --------------------------------------------------------

def _eps(dtype):
    return float(np.finfo(dtype.as_numpy_dtype).eps)


@export("linalg")
def pinv(a, rcond=None, validate_args=False, name=None):
    """Moore-Penrose pseudo-inverse through the SVD; singular values at most
    rcond * max(s) count as zero (rcond defaults to 10 * max(m, n) * eps)."""
    x = _matrix(a, "Svd")
    m, n = x.shape[-2], x.shape[-1]
    if rcond is None:
        rcond = 10.0 * max(m, n) * _eps(x.dtype)
    s, u, v = svd(x)
    keep = ew.greater(s, _above(s, rcond))
    safe = ew.where(keep, s, ew.ones_like(s))
    s_inv = ew.where(keep, ew.reciprocal(safe), ew.zeros_like(s))
    return matmul(v * expand_dims(s_inv, -2), u, adjoint_b=True)


@export("linalg")
def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above tol (default max(s) * max(m, n) * eps),
    an int32 Tensor of the batch shape."""
    x = _matrix(a, "Svd")
    s = svd(x, compute_uv=False)
    if tol is None:
        tol = _above(s, max(x.shape[-2:]) * _eps(x.dtype))
    above = ew.greater(s, convert_to_tensor(tol, dtype=s.dtype))
    return reduce_sum(ew.cast(above, dtypes.int32), axis=-1)


def _above(s, rcond):
    """rcond * max(s) over the last axis (kept), as ops: 0 for no singular values."""
    if s.shape[-1] == 0:
        return ew.zeros_like(s[..., :1])
    return convert_to_tensor(rcond, dtype=s.dtype) * reduce_max(s, axis=-1, keepdims=True)


@export("linalg")
def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Least-squares solutions of matrix x = rhs (with Tikhonov regularisation).

    fast=True solves the normal equations by Cholesky, as TF: (A^T A + l2 I) x = A^T b
    for tall A, x = A^T (A A^T + l2 I)^-1 b for wide A. fast=False uses the
    pseudo-inverse (SVD), which also handles rank-deficient A when l2_regularizer is 0.
    """
    a = _matrix(matrix, "MatrixSolveLs")
    b = convert_to_tensor(rhs, dtype=a.dtype)
    m, n = a.shape[-2], a.shape[-1]
    if b.shape.rank < 2 or b.shape[-2] != m:
        raise errors.InvalidArgumentError(
            f"Incompatible shapes: matrix {tuple(a.shape)} vs rhs {tuple(b.shape)} "
            f"[Op:MatrixSolveLs]")
    # read through the value hook: a traced function guards on the regularizer
    l2 = float(np.asarray(_engine.read(l2_regularizer))
               if not isinstance(l2_regularizer, (int, float)) else l2_regularizer)
    if not fast:
        if l2 == 0.0:
            return matmul(pinv(a), b)
        fast = True
    dt = a.dtype.as_numpy_dtype
    if m >= n:
        gram = matmul(a, a, adjoint_a=True) + _constant(l2 * np.eye(n, dtype=dt))
        return cholesky_solve(cholesky(gram), matmul(a, b, adjoint_a=True))
    gram = matmul(a, a, adjoint_b=True) + _constant(l2 * np.eye(m, dtype=dt))
    return matmul(a, cholesky_solve(cholesky(gram), b), adjoint_a=True)


# Pade coefficients of degree 13 and the 1-norm bound below which no scaling is
# needed (Higham 2005, "The scaling and squaring method for the matrix exponential")
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


@export("linalg")
def expm(input, name=None):  # noqa: A002 - TF's name
    """The matrix exponential by scaling and squaring with a degree-13 Pade
    approximant, written in recorded ops (so it is differentiable to any order)."""
    x = _matrix(input, "MatrixExponential")
    _check_square(x, "MatrixExponential")
    n = x.shape[-1]
    dt = x.dtype.as_numpy_dtype
    _engine.untraceable()       # the number of squarings comes from the input's value
    norm1 = float(np.max(np.sum(np.abs(x._value), axis=-2), initial=0.0))
    # no squaring up to theta (a subnormal norm1 / theta would underflow to 0 in log2)
    squarings = int(math.ceil(math.log2(norm1 / _THETA13))) if norm1 > _THETA13 else 0
    a = x * _constant(np.asarray(2.0 ** -squarings, dt)) if squarings else x
    eye = _constant(np.broadcast_to(np.eye(n, dtype=dt), tuple(x.shape)).copy())
    b = [_constant(np.asarray(c, dt)) for c in _PADE13]
    a2 = matmul(a, a)
    a4 = matmul(a2, a2)
    a6 = matmul(a4, a2)
    u = matmul(a, matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2)
               + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = (matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4
         + b[2] * a2 + b[0] * eye)
    out = solve(v - u, v + u)
    for _ in range(squarings):
        out = matmul(out, out)
    return out


def _scipy_linalg(what):
    try:
        import scipy.linalg
    except ImportError as exc:
        raise ImportError(f"fasttape.linalg.{what} needs scipy (pip install scipy)") from exc
    return scipy.linalg


@defop(public=False)
def _sqrtm(a):
    flat = a.reshape((-1,) + a.shape[-2:])
    sqrtm_each = _scipy_linalg("sqrtm").sqrtm
    out = np.empty(flat.shape, dtype=a.dtype)
    for i, m in enumerate(flat):
        root = sqrtm_each(m.astype(np.float64) if a.dtype == np.float32 else m)
        if a.dtype.kind != "c" and np.iscomplexobj(root):
            # no real square root (a negative eigenvalue): NaN, as TF's real kernel
            root = np.full(m.shape, np.nan) if np.abs(root.imag).max() > 1e-8 * max(
                1.0, np.abs(root.real).max()) else root.real
        out[i] = root
    return out.reshape(a.shape)


@_sqrtm.defvjp
def _sqrtm_vjp(g, ans):
    _real_only(g, "sqrtm")
    # dA = S dS + dS S, so gA solves S^T gA + gA S^T = g: one n^2 x n^2 linear system,
    # (S^T (x) I + I (x) S) vec(gA) = vec(g) (row-major vec), written in recorded ops
    n = ans.shape[-1]
    batch = tuple(ans.shape[:-2])
    eye = _eye(n, ans.dtype.as_numpy_dtype)
    st = _transpose(ans)
    left = reshape(expand_dims(expand_dims(st, -1), -3) * expand_dims(expand_dims(eye, -2), -4),
                   batch + (n * n, n * n))
    right = reshape(expand_dims(expand_dims(eye, -1), -3) * expand_dims(expand_dims(ans, -2), -4),
                    batch + (n * n, n * n))
    flat = solve(left + right, reshape(g, batch + (n * n, 1)))
    return reshape(flat, batch + (n, n))


@export("", name="matrix_square_root")
@export("linalg")
def sqrtm(input, name=None):  # noqa: A002 - TF's name
    """The principal square root of square matrices (TF's matrix_square_root), through
    scipy; differentiable (a Sylvester equation, solved in recorded ops). A real matrix
    without a real square root gives NaN, as TF.

    Raises:
        ImportError: scipy is not installed.
    """
    x = _matrix(input, "MatrixSquareRoot")
    _check_square(x, "MatrixSquareRoot")
    return _engine.apply(_sqrtm.op, (x,), ())


@export("linalg")
def logm(input, name=None):  # noqa: A002 - TF's name
    """The principal matrix logarithm of complex matrices (TF accepts complex64 and
    complex128 only), through scipy; not differentiable, as in TF.

    Raises:
        ImportError: scipy is not installed.
    """
    x = convert_to_tensor(input)
    if not x.dtype.is_complex:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
            f"complex64, complex128 [Op:MatrixLogarithm]")
    _check_decomposition(x, "MatrixLogarithm")
    _check_square(x, "MatrixLogarithm")
    logm_each = _scipy_linalg("logm").logm
    _engine.untraceable()       # computed by scipy from the value, not by an op
    a = x._value
    flat = a.reshape((-1,) + a.shape[-2:])
    out = np.stack([logm_each(m) for m in flat]) if flat.size else flat
    return _constant(np.asarray(out, dtype=a.dtype).reshape(a.shape))


@export("linalg")
def global_norm(t_list, name=None):
    """sqrt(sum of every element squared) over a list of tensors (None entries are
    skipped), as used to clip gradients."""
    if isinstance(t_list, (str, bytes)) or not hasattr(t_list, "__iter__") or hasattr(
            t_list, "shape"):
        raise TypeError("t_list should be a sequence")
    ts = [convert_to_tensor(t) for t in t_list if t is not None]
    if not ts:
        return _constant(np.zeros((), np.float32))
    return ew.sqrt(_sum_all([reduce_sum(ew.cast(t, ts[0].dtype) ** 2) for t in ts]))


def _sum_all(ts):
    total = ts[0]
    for t in ts[1:]:
        total = total + t
    return total


@export("linalg")
def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002 - TF's name
    """(tensor / norm, norm), the norm (tf.norm's `ord` and `axis`) kept as axes of
    size one so that it broadcasts."""
    t = convert_to_tensor(tensor)
    n = norm(t, ord=ord, axis=axis, keepdims=True)
    return t / n, n


@export("linalg")
def tensor_diag(diagonal, name=None):
    """A tensor of rank 2k with `diagonal` (rank k) on its diagonal:
    out[i1..ik, i1..ik] = diagonal[i1..ik], zero elsewhere."""
    d = convert_to_tensor(diagonal)
    shape = tuple(d.shape)
    size = math.prod(shape)
    return reshape(diag(reshape(d, (size,))), shape + shape)


@export("linalg")
def tensor_diag_part(input, name=None):  # noqa: A002 - TF's name
    """The diagonal of a rank-2k tensor with shape s + s: out[i..] = input[i.., i..]."""
    t = convert_to_tensor(input)
    shape = tuple(t.shape)
    k = len(shape) // 2
    if len(shape) % 2 or shape[:k] != shape[k:]:
        raise errors.InvalidArgumentError(
            f"Input must have even rank and shape s + s, got {shape} [Op:DiagPart]")
    size = math.prod(shape[:k])
    return reshape(diag_part(reshape(t, (size, size))), shape[:k])


# --- banded and tridiagonal systems, as dense matrices ---------------------------------

def _tridiagonal_matrix(diagonals, diagonals_format):
    if diagonals_format == "matrix":
        return convert_to_tensor(diagonals)
    if diagonals_format == "sequence":
        sup, main, sub = (convert_to_tensor(d) for d in diagonals)
    elif diagonals_format == "compact":
        d = convert_to_tensor(diagonals)
        if d.shape.rank < 2 or d.shape[-2] != 3:
            raise ValueError(f"Expected diagonals to have shape [..., 3, M], got "
                             f"{tuple(d.shape)}")
        sup, main, sub = d[..., 0, :], d[..., 1, :], d[..., 2, :]
    else:
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    # the superdiagonal's last and the subdiagonal's first element are ignored
    return diag(main) + diag(sup[..., :-1], k=1) + diag(sub[..., 1:], k=-1)


@export("linalg")
def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False,
                      conjugate_rhs=False, name=None, partial_pivoting=True,
                      perturb_singular=False):
    """Solve tridiagonal systems A x = rhs. `diagonals` is [..., 3, M] (compact:
    superdiagonal, diagonal, subdiagonal), a 3-sequence of [..., M], or the [..., M, M]
    matrix. Solved densely with pivoting, and differentiable."""
    a = _tridiagonal_matrix(diagonals, diagonals_format)
    b = convert_to_tensor(rhs, dtype=a.dtype)
    if transpose_rhs:
        b = _transpose(b)
    if conjugate_rhs and b.dtype.is_complex:
        b = conj(b)
    vector = b.shape.rank == a.shape.rank - 1
    if vector:
        b = expand_dims(b, -1)
    x = solve(a, b)
    return x[..., 0] if vector else x


@export("linalg")
def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """A rhs for the tridiagonal A given as in tridiagonal_solve."""
    a = _tridiagonal_matrix(diagonals, diagonals_format)
    return matmul(a, convert_to_tensor(rhs, dtype=a.dtype))


@export("linalg")
def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """Solve a banded triangular system. bands is [..., K, N]: for lower, row 0 is the
    diagonal and row k the k-th subdiagonal, its first k entries unused; for upper,
    row K-1 is the diagonal and row K-1-k the k-th superdiagonal, its last k unused."""
    bd = convert_to_tensor(bands)
    k_rows = bd.shape[-2]
    a = None
    for k in range(k_rows):
        if lower:
            band = diag(bd[..., k, k:], k=-k) if k else diag(bd[..., 0, :])
        else:
            row = bd[..., k_rows - 1 - k, :]
            band = diag(row[..., :row.shape[-1] - k], k=k) if k else diag(row)
        a = band if a is None else a + band
    return triangular_solve(a, convert_to_tensor(rhs, dtype=bd.dtype), lower=lower,
                            adjoint=adjoint)
