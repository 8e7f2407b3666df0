"""Linear algebra through numpy's BLAS and LAPACK: products, contractions, diagonals,
inverses, determinants, solves and Cholesky factors, batched over leading axes.

Shapes and errors follow TensorFlow rather than numpy:

* matmul/matvec need rank >= 2 matrices (rank >= 1 vectors); their batch axes
  broadcast. inv/det/slogdet/solve/cholesky need square matrices and never broadcast;
  solve also needs the same batch shape for both operands (TF's MatrixSolve), while
  triangular_solve broadcasts them.
* einsum broadcasts only the axes under `...`; a labelled axis must have one size.
* A singular matrix makes inv and solve raise InvalidArgumentError; a matrix that is
  not positive definite gives cholesky a NaN factor (no error), as TF does on CPU.

Derivative rules are written in the ops of this module (matmul, solves,
matrix_transpose, einsum) so that they can be differentiated again: Hessians of det,
inv, solve or cholesky come from the same rules. The einsum rule is itself one einsum
per operand, which covers tensordot too.
"""

import collections
import functools
import string

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops._registry import defop, export
from fasttape.ops.complex_ops import _conj as _conj_declared
from fasttape.ops.complex_ops import real as _real
from fasttape.ops.elementwise import cast, log
from fasttape.ops.reductions import reduce_sum
from fasttape.ops.shape import reshape

LogMatrixDeterminant = collections.namedtuple("LogMatrixDeterminant",
                                              ["sign", "log_abs_determinant"])

# Dtypes each kernel family accepts (TF's CPU kernels).
_MATMUL_TYPES = frozenset(np.dtype(t) for t in (
    np.float16, np.float32, np.float64, np.int32, np.int64, np.complex64, np.complex128))
_UNSIGNED = frozenset(np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
_DECOMPOSITION_TYPES = frozenset(np.dtype(t) for t in (
    np.float16, np.float32, np.float64, np.complex64, np.complex128))


# --- helpers ---------------------------------------------------------------------------

def _dims(shape):
    """A shape as TF prints it: [2,3]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def _shape(t):
    return t._value.shape


def _read(x):
    return _engine.read(x)


def _type_name(dtype):
    return dtypes.as_dtype(dtype).name


def _not_allowed(dtype, allowed, op):
    return errors.InvalidArgumentError(
        f"Value for attr 'T' of {_type_name(dtype)} is not in the list of allowed values: "
        f"{allowed} [Op:{op}]")


def _check_matmul_dtype(dtype, op="MatMul"):
    if dtype in _MATMUL_TYPES:
        return
    if dtype in _UNSIGNED:      # in the op's type list, but no CPU kernel
        raise errors.NotFoundError(f"No {op} kernel on CPU for {_type_name(dtype)} [Op:{op}]")
    raise _not_allowed(dtype, "bfloat16, half, float, double, int32, int64, uint8, uint16, "
                              "uint32, uint64, complex64, complex128", op)


def _check_decomposition(x, op):
    """A (batch of) matrices of a float or complex dtype, as TF's linalg kernels
    require (squareness is checked separately: solve words it differently)."""
    a = x._value
    if a.dtype not in _DECOMPOSITION_TYPES:
        raise _not_allowed(a.dtype, "double, float, half, complex64, complex128", op)
    if a.ndim < 2:
        raise errors.InvalidArgumentError(
            f"Input tensor 0 must have rank >= 2, got {a.ndim} [Op:{op}]")


def _check_square(x, op, what="Input matrix must be square."):
    shape = _shape(x)
    if shape[-1] != shape[-2]:
        raise errors.InvalidArgumentError(f"{what} [Op:{op}]")


def _lapack(a):
    """numpy's linalg has no half-precision routines: compute those in float32."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def _swap(a, conjugate=False):
    a = np.swapaxes(a, -1, -2)
    return np.conj(a) if conjugate and a.dtype.kind == "c" else a


def _constant(array):
    return _engine.wrap(array)


def _mm(a, b, ta=False, tb=False):
    """matmul of two Tensors inside rules: the plain op when nothing is transposed, and
    just numpy's matmul when no tape records (first order: nothing to record)."""
    if not _engine.any_recording():
        av, bv = a._value, b._value
        return _engine.wrap(np.matmul(np.swapaxes(av, -1, -2) if ta else av,
                                      np.swapaxes(bv, -1, -2) if tb else bv))
    if ta or tb:
        return _engine.apply(_matmul_t.op, (a, b), (ta, tb, False, False))
    return _engine.apply(_matmul.op, (a, b), ())


def _transpose(a):
    return _engine.apply(_matrix_transpose.op, (a,), (False,))


def _inv_transposed(a):
    """A^-T (TF's matrix_inverse(a, adjoint=True) for real a; no conjugate for complex)."""
    if a._value.dtype.kind == "c":
        return _transpose(_engine.apply(_inv.op, (a,), (False,)))
    return _engine.apply(_inv.op, (a,), (True,))


def _is_complex(t):
    return t._value.dtype.kind == "c"


def _conj(t):
    return _conj_declared(t)


def _real_only(g, what):
    if _is_complex(g):
        raise NotImplementedError(f"fasttape: the gradient of {what} is implemented for "
                                  f"real dtypes only, not {g.dtype.name}")


def _with_adjoints(rule, g, operands, adjoints):
    """TF's complex gradients of a product whose operands enter as written or, where
    an adjoint flag is set, conjugated (and transposed).

    `rule(g, *operands)` is the real rule, which takes an adjoint for a transpose; on
    the conjugated operands it gives the holomorphic derivative. An operand that
    enters as written gets its conjugate (as holomorphic ops do); one that enters
    conjugated gets it as is, the conj's own rule undoing the conjugation.
    """
    res = rule(_conj(g), *[_conj(x) if adj else x for x, adj in zip(operands, adjoints)])
    return tuple(r if r is None or adj else _conj(r) for r, adj in zip(res, adjoints))


def _with_matrix_axes(t):
    """t with two trailing axes of size 1, to scale a batch of matrices."""
    return reshape(t, _shape(t) + (1, 1))


def _band_mask(rows, cols, num_lower, num_upper):
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    mask = np.ones((rows, cols), dtype=bool)
    if num_lower >= 0:
        mask &= i - j <= num_lower
    if num_upper >= 0:
        mask &= j - i <= num_upper
    return mask


def _diag_len(rows, cols, k):
    return max(0, min(rows + min(k, 0), cols - max(k, 0)))


def _diag_index(length, k):
    i = np.arange(length)
    return i - min(k, 0), i + max(k, 0)


def _single_k(k):
    """TF's `k` as one int; a (lo, hi) band of several diagonals is not supported."""
    if isinstance(k, _TensorLike):
        k = np.asarray(k)
    arr = np.asarray(k)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"k must be an int or a pair of ints, got {k!r}")
    flat = [int(v) for v in arr.ravel()]
    if arr.ndim > 1 or not 1 <= len(flat) <= 2:
        raise errors.InvalidArgumentError(
            f"diag_index must be a scalar or vector with one or two elements, got {k!r}")
    if len(flat) == 2 and flat[0] != flat[1]:
        raise NotImplementedError(
            "fasttape supports one diagonal (k an int); a band of diagonals k=(lo, hi) "
            "is not implemented")
    return flat[0]


# --- matmul ----------------------------------------------------------------------------

def _matmul_error(a, b, op):
    """The InvalidArgumentError TF raises for operands numpy could not multiply."""
    if a.shape[-1] != b.shape[-2]:
        return errors.InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {_dims(a.shape)}, In[1]: {_dims(b.shape)} "
            f"[Op:{op}]")
    return errors.InvalidArgumentError(
        f"In[0] and In[1] must have compatible batch dimensions: {_dims(a.shape)} vs. "
        f"{_dims(b.shape)} [Op:BatchMatMulV2]")


def _check_matmul_operands(a, b, op="MatMul"):
    for i, x in enumerate((a, b)):
        if x.ndim < 2:
            raise errors.InvalidArgumentError(f"In[{i}] ndims must be >= 2: {x.ndim} [Op:{op}]")
    _check_matmul_dtype(a.dtype, op)


def _np_matmul(a, b):
    """np.matmul, except that a contraction over one term (outer products, as in the
    batched per-example gradients of vectorized_map) is the broadcast product: the same
    values, without numpy's slow path for many tiny strided matrices."""
    if a.shape[-1] == 1 and b.shape[-2] == 1:
        return np.multiply(a, b)
    return np.matmul(a, b)


@defop(broadcasts=True, batches=True, public=False, holomorphic=True)
def _matmul(a, b):
    # a @ b with no flags: the op behind the `@` operator, which passes no attributes
    _check_matmul_operands(a, b)
    try:
        return _np_matmul(a, b)
    except ValueError:
        raise _matmul_error(a, b, "MatMul") from None


@_matmul.defvjp
def _matmul_vjp(g, a, b, needs):
    # z = a b: da = g b^T, db = a^T g (summed over broadcast batch axes by the engine)
    return (_mm(g, b, tb=True) if needs[0] else None,
            _mm(a, g, ta=True) if needs[1] else None)


@defop(broadcasts=True, batches=True, public=False)
def _matmul_t(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False):
    _check_matmul_operands(a, b)
    a = _swap(a, adjoint_a) if transpose_a or adjoint_a else a
    b = _swap(b, adjoint_b) if transpose_b or adjoint_b else b
    try:
        return _np_matmul(a, b)
    except ValueError:
        raise _matmul_error(a, b, "MatMul") from None


@_matmul_t.defvjp
def _matmul_t_vjp(g, a, b, transpose_a, transpose_b, adjoint_a, adjoint_b, needs):
    # z = op(a) op(b): d op(a) = g op(b)^T and d op(b) = op(a)^T g, then undo op.
    # For real dtypes the adjoint is the transpose.
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    if _is_complex(g):
        return _with_adjoints(lambda g, a, b: _matmul_t_grads(g, a, b, ta, tb, needs), g,
                              (a, b), (adjoint_a, adjoint_b))
    return _matmul_t_grads(g, a, b, ta, tb, needs)


def _matmul_t_grads(g, a, b, ta, tb, needs):
    ga = gb = None
    if needs[0]:
        ga = _mm(b, g, ta=tb, tb=True) if ta else _mm(g, b, tb=not tb)
    if needs[1]:
        gb = _mm(g, a, ta=True, tb=ta) if tb else _mm(a, g, ta=not ta)
    return ga, gb


@export("", "linalg")
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, grad_a=False, grad_b=False,
           name=None):
    """Matrix product of the last two axes of `a` and `b`; other axes broadcast.

    Args:
        a: A Tensor of rank >= 2 (float16/32/64, int32, int64 or complex).
        b: A Tensor of rank >= 2 and the same dtype.
        transpose_a: Use the transpose of the last two axes of `a`.
        transpose_b: Use the transpose of the last two axes of `b`.
        adjoint_a: Use the conjugate transpose of `a` (the transpose for reals).
        adjoint_b: Use the conjugate transpose of `b`.
        a_is_sparse: A hint; ignored.
        b_is_sparse: A hint; ignored.
        output_type: None, or the input dtype; int32 for int8/uint8 inputs.
        grad_a: A hint; ignored.
        grad_b: A hint; ignored.
        name: Ignored (eager mode).

    Returns:
        A Tensor of shape broadcast(batch_a, batch_b) + [rows of op(a), cols of op(b)].

    Raises:
        InvalidArgumentError: rank < 2, mismatched inner or batch dimensions, or
            mismatched dtypes.
        ValueError: both transpose_x and adjoint_x are set.

    >>> matmul([[1., 2.]], [[3.], [4.]])
    <fasttape.Tensor: shape=(1, 1), dtype=float32, numpy=array([[11.]], dtype=float32)>
    """
    for which, t, adj in (("a", transpose_a, adjoint_a), ("b", transpose_b, adjoint_b)):
        if t and adj:
            raise ValueError(f"Only one of `transpose_{which}` and `adjoint_{which}` can be "
                             f"True. Received `transpose_{which}`={t}, "
                             f"`adjoint_{which}`={adj}.")
    a, b = convert_inputs((a, b))
    if output_type is not None:
        a, b = _matmul_output_type(a, b, dtypes.as_dtype(output_type))
    if transpose_a or transpose_b or adjoint_a or adjoint_b:
        return _engine.apply(_matmul_t.op, (a, b), (bool(transpose_a), bool(transpose_b),
                                                    bool(adjoint_a), bool(adjoint_b)))
    return _engine.apply(_matmul.op, (a, b), ())


def _matmul_output_type(a, b, out):
    """TF computes int8/uint8 products in int32 when asked; other types must match."""
    if a.dtype == out:
        return a, b
    if a.dtype in (dtypes.int8, dtypes.uint8) and out == dtypes.int32 and b.dtype == a.dtype:
        return cast(a, out), cast(b, out)
    raise errors.NotFoundError(
        f"No MatMul kernel on CPU from {a.dtype.name} to output_type {out.name} [Op:MatMul]")


# --- matvec ----------------------------------------------------------------------------

@defop(broadcasts=True, batches=True, public=False)
def _matvec(a, b, transpose_a=False, adjoint_a=False):
    if a.ndim < 2:
        raise errors.InvalidArgumentError(f"In[0] ndims must be >= 2: {a.ndim} [Op:MatMul]")
    if b.ndim < 1:
        raise errors.InvalidArgumentError("In[1] ndims must be >= 2: 1 [Op:MatMul]")
    _check_matmul_dtype(a.dtype)
    a = _swap(a, adjoint_a) if transpose_a or adjoint_a else a
    column = b[..., None]
    try:
        return np.matmul(a, column)[..., 0]
    except ValueError:
        raise _matmul_error(a, column, "MatMul") from None


@_matvec.defvjp
def _matvec_vjp(g, a, b, transpose_a, adjoint_a, needs):
    # y = op(a) b: d op(a) = g b^T (an outer product), db = op(a)^T g
    ta = transpose_a or adjoint_a
    if _is_complex(g):
        return _with_adjoints(lambda g, a, b: _matvec_grads(g, a, b, ta, needs), g,
                              (a, b), (adjoint_a, False))
    return _matvec_grads(g, a, b, ta, needs)


def _matvec_grads(g, a, b, ta, needs):
    ga = gb = None
    if needs[0]:
        column, row = (b, g) if ta else (g, b)
        ga = _sum_to_matrix(
            reshape(column, _shape(column) + (1,)) * reshape(row, _shape(row)[:-1] + (1, -1)),
            _shape(a), len(_shape(g)) - max(len(_shape(a)) - 1, len(_shape(b))))
    if needs[1]:
        gb = _engine.apply(_matvec.op, (a, g), (not ta, False))
    return ga, gb


def _sum_to_matrix(outer, a_shape, lead):
    """The outer products g b^T summed over the batch axes `a` was broadcast along,
    keeping the `lead` stacked-cotangent axes in front. The engine cannot do it: when
    every batch of vectors has the vector's length, a, b and the result share one shape
    and nothing looks broadcast."""
    have = _shape(outer)
    extra = len(have) - lead - len(a_shape)
    axes = list(range(lead, lead + extra)) + [
        lead + extra + i for i, d in enumerate(a_shape[:-2])
        if d == 1 and have[lead + extra + i] != 1]
    if not axes:
        return outer
    return reshape(reduce_sum(outer, axis=axes), have[:lead] + tuple(a_shape))


@export("linalg")
def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """Matrix-vector product over the last axes: result[..., i] = sum_j a[..., i, j] b[..., j].

    Batch axes of `a` (all but the last two) and of `b` (all but the last) broadcast,
    so a (k, d, d) stack times a (k, d) stack gives (k, d).

    Args:
        a: A Tensor of rank >= 2.
        b: A Tensor of rank >= 1 and the same dtype.
        transpose_a: Use the transpose of the last two axes of `a`.
        adjoint_a: Use the conjugate transpose of `a`.
        a_is_sparse: A hint; ignored.
        b_is_sparse: A hint; ignored.
        name: Ignored (eager mode).

    Returns:
        A Tensor of shape broadcast(batch_a, batch_b) + [rows of op(a)].

    Raises:
        InvalidArgumentError: bad ranks, sizes or dtypes.
        ValueError: both transpose_a and adjoint_a are set.
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of `transpose_a` and `adjoint_a` can be True. Received "
                         f"`transpose_a`={transpose_a}, `adjoint_a`={adjoint_a}.")
    a, b = convert_inputs((a, b))
    return _engine.apply(_matvec.op, (a, b), (bool(transpose_a), bool(adjoint_a)))


# --- einsum and tensordot --------------------------------------------------------------

_LABELS = string.ascii_letters
_LABEL_SET = frozenset(_LABELS)
_BLAS_MIN_COST = 20000      # below this many multiply-adds numpy's plain loop is faster


@functools.lru_cache(maxsize=1024)
def _split_equation(equation):
    """('ij', 'jk'), 'ik' for the canonical equation 'ij,jk->ik'."""
    inputs, output = equation.split("->")
    return tuple(inputs.split(",")), output


@defop(batches=True, public=False, holomorphic=True)
def _einsum(*operands, equation=""):
    optimize = False
    if len(operands) > 1:
        inputs, _ = _split_equation(equation)
        sizes = {}
        for term, a in zip(inputs, operands, strict=True):
            sizes.update(zip(term, a.shape, strict=True))
        # numpy's path search calls BLAS for big contractions, but costs ~10 us
        optimize = "greedy" if np.prod(list(sizes.values()), dtype=float) > _BLAS_MIN_COST \
            else False
    return np.einsum(equation, *operands, optimize=optimize)


@_einsum.defvjp
def _einsum_vjp(g, operands, equation, needs):
    # d out / d x_k is the einsum of g with the other operands, onto x_k's labels
    inputs, output = _split_equation(equation)
    lead = len(_shape(g)) - len(output)     # 1 when jacobian rows are stacked in front
    grads = []
    for k, x in enumerate(operands):
        if not needs[k]:
            grads.append(None)
            continue
        grad_equation, extras = _einsum_grad_plan(equation, k, lead)
        x_shape = _shape(x)
        dtype = g._value.dtype
        consts = [_constant(np.eye(x_shape[axis], dtype=dtype) if kind == "eye"
                            else np.ones(x_shape[axis], dtype=dtype)) for kind, axis in extras]
        others = operands[:k] + operands[k + 1:]
        gk = _engine.apply(_einsum.op, (g,) + tuple(others) + tuple(consts), (grad_equation,))
        # axes broadcast from size 1 (under `...`) sum back to size 1
        have = _shape(gk)
        axes = [lead + i for i, d in enumerate(x_shape) if d == 1 and have[lead + i] != 1]
        if axes:
            gk = reduce_sum(gk, axis=axes, keepdims=True)
        grads.append(gk)
    return grads


@functools.lru_cache(maxsize=1024)
def _einsum_grad_plan(equation, k, lead):
    """The einsum giving operand k's gradient, and the constants it needs.

    A label repeated in operand k (a diagonal, 'ii') becomes a fresh label tied to the
    first by an identity matrix; a label of operand k found in no other term (summed
    out, 'ij->i') comes from a vector of ones. With `lead`, g has an extra first axis
    (stacked cotangents) that is carried through to the result.
    """
    inputs, output = _split_equation(equation)
    fresh = iter(c for c in _LABELS if c not in equation)
    try:
        lead_label = next(fresh) if lead else ""
        term = inputs[k]
        target, extras, seen = [], [], set()
        for axis, c in enumerate(term):
            if c in seen:
                f = next(fresh)
                target.append(f)
                extras.append((c + f, "eye", axis))
            else:
                seen.add(c)
                target.append(c)
    except StopIteration:
        raise errors.UnimplementedError(
            f"einsum equation {equation!r} uses too many labels to differentiate") from None
    terms = [lead_label + output] + [t for j, t in enumerate(inputs) if j != k]
    available = set("".join(terms)) | {c for sub, _, _ in extras for c in sub}
    for axis, c in enumerate(term):
        if c not in available:
            extras.append((c, "ones", axis))
            available.add(c)
    terms += [sub for sub, _, _ in extras]
    grad_equation = ",".join(terms) + "->" + lead_label + "".join(target)
    return grad_equation, tuple((kind, axis) for _, kind, axis in extras)


def _parse_equation(equation):
    eq = equation.replace(" ", "")
    parts = eq.split("->")
    if len(parts) > 2:
        raise ValueError(f"Subscripts have incorrect format: {equation}")
    inputs = parts[0].split(",")
    for term in inputs + parts[1:]:
        if term.count("...") > 1 or not set(term.replace("...", "")) <= _LABEL_SET:
            raise ValueError(f"Subscripts have incorrect format: {equation}")
    return inputs, (parts[1] if len(parts) == 2 else None)


@functools.lru_cache(maxsize=1024)
def _canonical_einsum(equation, ranks):
    """TF's reading of `equation` for operands of `ranks`, as an explicit equation with
    `...` replaced by labels (operands with fewer broadcast axes get the last ones).

    Returns (equation, input terms, labels standing for `...`).
    """
    inputs, output = _parse_equation(equation)
    if len(inputs) != len(ranks):
        raise ValueError(f'Got {len(ranks)} inputs for equation "{equation}", expecting '
                         f"{len(inputs)}")
    if output is None:
        # implicit mode: labels used once, sorted; TF adds no `...` to the output
        counts = collections.Counter(c for term in inputs for c in term if c != ".")
        output = "".join(sorted(c for c, n in counts.items() if n == 1))
    used = {c for term in inputs for c in term if c != "."}
    out_labels = output.replace("...", "")
    for c in out_labels:
        if c not in used:
            raise ValueError(
                f"Output subscripts contain the label {c} not present in the input subscripts.")
    if len(set(out_labels)) != len(out_labels):
        raise ValueError(
            f"Output subscripts contain a label appearing more than once: {equation}")
    broadcast_ranks = []
    for k, (term, rank) in enumerate(zip(inputs, ranks, strict=True)):
        n = len(term.replace("...", ""))
        if "..." in term:
            if rank < n:
                raise errors.InvalidArgumentError(
                    f"Expected input {k} to have rank at least {n} but got: {rank} [Op:Einsum]")
            broadcast_ranks.append(rank - n)
        else:
            if rank != n:
                raise errors.InvalidArgumentError(
                    f"Expected input {k} to have rank {n} but got: {rank} [Op:Einsum]")
            broadcast_ranks.append(0)
    r = max(broadcast_ranks, default=0)
    if r and "..." not in output:
        raise errors.InvalidArgumentError(
            f"Output contains {r} broadcasting dimension(s) but no ellipsis (...) was found "
            "in the output subscripts. [Op:Einsum]")
    spare = [c for c in _LABELS if c not in used]
    if len(spare) < r:
        raise errors.UnimplementedError(f"einsum equation {equation!r} uses too many labels")
    ell = "".join(spare[:r])
    terms = tuple(t.replace("...", ell[r - br:])
                  for t, br in zip(inputs, broadcast_ranks, strict=True))
    output = output.replace("...", ell)
    return ",".join(terms) + "->" + output, terms, ell


def _check_einsum_sizes(terms, ell, operands):
    sizes = {}
    for term, x in zip(terms, operands, strict=True):
        shape = _shape(x)
        for axis, (c, d) in enumerate(zip(term, shape, strict=True)):
            if c in ell:
                continue
            want = sizes.setdefault(c, d)
            if want != d:
                raise errors.InvalidArgumentError(
                    f"Expected dimension {want} at axis {axis} of the input shaped "
                    f"{_dims(shape)} but got dimension {d} [Op:Einsum]")
    if ell:
        batch = [tuple(d for c, d in zip(term, _shape(x), strict=True) if c in ell)
                 for term, x in zip(terms, operands, strict=True)]
        try:
            np.broadcast_shapes(*batch)
        except ValueError:
            raise errors.InvalidArgumentError(
                "Incompatible broadcasting dimensions under '...': "
                + " vs. ".join(_dims(b) for b in batch) + " [Op:Einsum]") from None


@export("", "linalg")
def einsum(equation, *inputs, **kwargs):
    """Tensor contraction in Einstein notation, e.g. einsum('ij,jk->ik', a, b).

    Each operand's axes are named by letters; letters shared between operands are
    multiplied together and letters missing from the output are summed. Supports the
    explicit form ('ij,jk->ik') and the implicit one ('ij,jk', output = letters used
    once, sorted), repeated letters within one operand ('ii->i' takes the diagonal,
    'ii' the trace) and `...` for broadcast leading axes ('...ij,...jk->...ik').

    Args:
        equation: The subscripts, one term per operand, optionally '->' and the output.
        *inputs: The Tensors, all of one dtype (float, int32/int64 or complex).
        **kwargs: `name` and `optimize` (ignored: numpy chooses the contraction order).

    Returns:
        A Tensor whose axes follow the output term.

    Raises:
        ValueError: a malformed equation, or a number of operands that does not match.
        InvalidArgumentError: operand ranks or sizes that do not match the equation, or
            mismatched dtypes.
        TypeError: an unknown keyword argument.

    >>> einsum('ij,jk->ik', [[1., 2.]], [[3.], [4.]])
    <fasttape.Tensor: shape=(1, 1), dtype=float32, numpy=array([[11.]], dtype=float32)>
    """
    unknown = sorted(set(kwargs) - {"name", "optimize"})
    if unknown:
        raise TypeError(f"Invalid keyword arguments for einsum: {', '.join(unknown)}. Valid "
                        "arguments: name, optimize, greedy.")
    operands = tuple(_read(x) for x in convert_inputs(inputs))
    canonical, terms, ell = _canonical_einsum(
        equation, tuple(len(_shape(x)) for x in operands))
    for x in operands:
        dtype = x._value.dtype
        if dtype not in _MATMUL_TYPES:
            raise errors.NotFoundError(f"No Einsum kernel on CPU for {_type_name(dtype)} "
                                       "[Op:Einsum]")
    _check_einsum_sizes(terms, ell, operands)
    return _engine.apply(_einsum.op, operands, (canonical,))


def _tensordot_axes(axes, rank_a, rank_b, a, b):
    """Lists of contracted axes of `a` and `b` (non-negative) for TF's `axes`."""
    if isinstance(axes, _TensorLike):
        axes = np.asarray(axes).tolist()
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {n}.")
        for t, rank in ((a, rank_a), (b, rank_b)):
            if n > rank:
                raise ValueError(
                    f"`axes` must not be larger than the number of dimensions of tensor {t}. "
                    f" Received {n}, vs tensor dimensions {rank}.")
        return list(range(rank_a - n, rank_a)), list(range(n))
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
    pair = []
    for side, rank in zip(axes, (rank_a, rank_b), strict=True):
        side = np.asarray(side).tolist()
        side = [side] if isinstance(side, int) else side
        if not all(isinstance(i, int) for i in side):
            raise TypeError(f"`axes` must hold integers, got {axes}")
        for i in side:
            if not -rank <= i < max(rank, 1) or rank == 0:
                raise ValueError(f"Axis {i} of `axes` {axes} is out of range for a tensor "
                                 f"of rank {rank}.")
        side = [i % rank for i in side]
        if len(set(side)) != len(side):
            raise ValueError(f"`axes` {axes} repeats an axis.")
        pair.append(side)
    if len(pair[0]) != len(pair[1]):
        raise ValueError(f"Different number of contraction axes `a` and `b`, "
                         f"{len(pair[0])} != {len(pair[1])}.")
    return pair


@export("", "linalg")
def tensordot(a, b, axes, name=None):
    """Sum of products of `a` and `b` over the given axes.

    Args:
        a: A Tensor.
        b: A Tensor of the same dtype.
        axes: An int N (contract the last N axes of `a` with the first N of `b`), or a
            pair of lists [axes_a, axes_b] of equal length (ints also accepted).
        name: Ignored (eager mode).

    Returns:
        A Tensor with the free axes of `a`, then the free axes of `b`, in order.
        `tensordot(u, v, 1)` of two vectors is their dot product, a scalar.

    Raises:
        ValueError: malformed `axes`.
        InvalidArgumentError: contracted axes of different sizes, or mismatched dtypes.
    """
    a, b = (_read(x) for x in convert_inputs((a, b)))
    shape_a, shape_b = _shape(a), _shape(b)
    axes_a, axes_b = _tensordot_axes(axes, len(shape_a), len(shape_b), a, b)
    _check_matmul_dtype(a._value.dtype)
    for i, j in zip(axes_a, axes_b, strict=True):
        if shape_a[i] != shape_b[j]:
            raise errors.InvalidArgumentError(
                f"Matrix size-incompatible: tensordot contracts axis {i} of a "
                f"{_dims(shape_a)} with axis {j} of b {_dims(shape_b)} [Op:MatMul]")
    labels = iter(_LABELS)
    term_a = [next(labels) for _ in shape_a]
    term_b = [next(labels) for _ in shape_b]
    for i, j in zip(axes_a, axes_b, strict=True):
        term_b[j] = term_a[i]
    out = [c for i, c in enumerate(term_a) if i not in axes_a] + \
        [c for j, c in enumerate(term_b) if j not in axes_b]
    equation = "".join(term_a) + "," + "".join(term_b) + "->" + "".join(out)
    return _engine.apply(_einsum.op, (a, b), (equation,))


# --- cross -----------------------------------------------------------------------------

@defop(batches=True, public=False)
def _cross(a, b):
    # written out: faster than np.cross for the small vectors it is used on
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


@_cross.defvjp
def _cross_vjp(g, a, b, needs):
    # <g, da x b> = <da, b x g> and <g, a x db> = <db, g x a>
    return (_engine.apply(_cross.op, (b, g), ()) if needs[0] else None,
            _engine.apply(_cross.op, (g, a), ()) if needs[1] else None)


@export("linalg")
def cross(a, b, name=None):
    """Cross product of 3-vectors along the last axis; `a` and `b` have one shape.

    Raises:
        InvalidArgumentError: different shapes, rank 0, or a bool/complex dtype.
        FailedPreconditionError: the last axis does not have size 3.
    """
    a, b = (_read(x) for x in convert_inputs((a, b)))
    x = a._value
    if x.dtype.kind not in "iuf":
        raise _not_allowed(x.dtype, "float, double, int32, uint8, int16, int8, int64, "
                                    "bfloat16, uint16, half, uint32, uint64", "Cross")
    if x.ndim == 0:
        raise errors.InvalidArgumentError(f"Input must be at least 1D{_dims(x.shape)} "
                                          "[Op:Cross]")
    if x.shape != _shape(b):
        raise errors.InvalidArgumentError(
            f"Both inputs must be of same shape: {_dims(x.shape)} vs. {_dims(_shape(b))} "
            "[Op:Cross]")
    if x.shape[-1] != 3:
        raise errors.FailedPreconditionError(
            "Cross-products are only defined for 3-element vectors. [Op:Cross]")
    return _engine.apply(_cross.op, (a, b), ())


# --- diagonals, bands, transposes ------------------------------------------------------

def _require_matrix(x, op):
    shape = _shape(x)
    if len(shape) < 2:
        raise errors.InvalidArgumentError(
            f"input must be at least 2-dim, received shape: {_dims(shape)} [Op:{op}]")
    return shape


@defop(batches=True, public=False)
def _diag_part(input, k=0, rows=0, cols=0):  # noqa: A002 - TF's name
    return np.diagonal(input, k, -2, -1)


@_diag_part.defvjp
def _diag_part_vjp(g, k, rows, cols):
    zero = np.zeros((), dtype=g._value.dtype)
    return _engine.apply(_matrix_diag.op, (g,), (k, rows, cols, zero))


@export("linalg")
def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The k-th diagonal of the last two axes (k > 0 above the main diagonal).

    Args:
        input: A Tensor of rank >= 2.
        name: Ignored (eager mode).
        k: The diagonal offset, an int (a band of several diagonals is not supported).
        padding_value: Unused for a single diagonal.
        align: Unused for a single diagonal.

    Returns:
        A Tensor of shape batch + [length of the diagonal].
    """
    x = convert_to_tensor(input)
    rows, cols = _require_matrix(x, "MatrixDiagPartV3")[-2:]
    k = _single_k(k)
    if k != 0 and not -rows < k < cols:
        raise errors.InvalidArgumentError(
            f"lower_diag_index is out of bound: {k}. It must be between {-rows} and {cols} "
            "[Op:MatrixDiagPartV3]")
    return _engine.apply(_diag_part.op, (x,), (k, rows, cols))


@defop(batches=True, public=False)
def _matrix_diag(diagonal, k=0, rows=0, cols=0, padding=0):
    out = np.full(diagonal.shape[:-1] + (rows, cols), padding, dtype=diagonal.dtype)
    r, c = _diag_index(diagonal.shape[-1], k)
    out[..., r, c] = diagonal
    return out


@_matrix_diag.defvjp
def _matrix_diag_vjp(g, k, rows, cols):
    return _engine.apply(_diag_part.op, (g,), (k, rows, cols))


@export("linalg")
def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT"):
    """Matrices with `diagonal` (the last axis) on their k-th diagonal, `padding_value`
    elsewhere: a (3,) vector gives a (3, 3) matrix, a (b, 3) batch gives (b, 3, 3).

    Args:
        diagonal: A Tensor of rank >= 1.
        name: Ignored (eager mode).
        k: The diagonal offset, an int (k > 0 above the main diagonal).
        num_rows: Rows of the result; -1 infers the smallest that fits.
        num_cols: Columns of the result; -1 infers the smallest that fits.
        padding_value: The value off the diagonal (no gradient flows to it).
        align: Unused for a single diagonal.

    Raises:
        InvalidArgumentError: rank 0 input, or num_rows/num_cols that do not fit.
    """
    d = convert_to_tensor(diagonal)
    shape = _shape(d)
    if not shape:
        raise errors.InvalidArgumentError(
            "diagonal must be at least 1-dim, received shape: [] [Op:MatrixDiagV3]")
    k = _single_k(k)
    n = shape[-1]
    min_rows, min_cols = n - min(k, 0), n + max(k, 0)
    rows, cols = int(num_rows), int(num_cols)
    if rows == -1 and cols == -1:
        rows = cols = max(min_rows, min_cols)
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if rows < min_rows:
        raise errors.InvalidArgumentError("The number of rows is too small. [Op:MatrixDiagV3]")
    if cols < min_cols:
        raise errors.InvalidArgumentError(
            "The number of columns is too small. [Op:MatrixDiagV3]")
    if rows != min_rows and cols != min_cols:
        raise errors.InvalidArgumentError(
            "The number of rows or columns is not consistent with the specified d_lower, "
            "d_upper, and diagonal. [Op:MatrixDiagV3]")
    pad = np.asarray(convert_to_tensor(padding_value, dtype=d.dtype))
    return _engine.apply(_matrix_diag.op, (d,), (k, rows, cols, pad))


@defop(batches=True, public=False)
def _set_diag(input, diagonal, k=0):  # noqa: A002 - TF's name
    out = np.array(input)
    r, c = _diag_index(_diag_len(*input.shape[-2:], k), k)
    out[..., r, c] = diagonal
    return out


@_set_diag.defvjp
def _set_diag_vjp(g, input, k, needs):
    rows, cols = _shape(input)[-2:]
    zero = _constant(np.zeros((), dtype=g._value.dtype))
    return (_engine.apply(_set_diag.op, (g, zero), (k,)) if needs[0] else None,
            _engine.apply(_diag_part.op, (g,), (k, rows, cols)) if needs[1] else None)


@export("linalg")
def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`input` with its k-th diagonal (last two axes) replaced by `diagonal`.

    Args:
        input: A Tensor of rank >= 2, shape batch + [M, N].
        diagonal: A Tensor of shape batch + [length of the k-th diagonal].
        name: Ignored (eager mode).
        k: The diagonal offset, an int.
        align: Unused for a single diagonal.

    Raises:
        InvalidArgumentError: shapes that do not match, or mismatched dtypes.
    """
    x, d = (_read(t) for t in convert_inputs((input, diagonal)))
    rows, cols = _require_matrix(x, "MatrixSetDiagV3")[-2:]
    if not _shape(d):
        raise errors.InvalidArgumentError(
            "diagonal must be at least 1-dim, received shape: [] [Op:MatrixSetDiagV3]")
    k = _single_k(k)
    if k != 0 and not -rows < k < cols:
        raise errors.InvalidArgumentError(
            f"diag_index is out of bound: {k}. It must be between {-rows} and {cols} "
            "[Op:MatrixSetDiagV3]")
    want = _shape(x)[:-2] + (_diag_len(rows, cols, k),)
    if _shape(d) != want:
        raise errors.InvalidArgumentError(
            "Either first dimensions of diagonal don't match input.shape[:-2], or "
            "diagonal.shape[:-1] is not equal to the longests diagonal in range "
            f"[lower_diag_index:upper_diag_index].\nInput shape: {_dims(_shape(x))}\n"
            f"Diagonal shape: {_dims(_shape(d))} [Op:MatrixSetDiagV3]")
    return _engine.apply(_set_diag.op, (x, d), (k,))


@export("linalg")
def trace(x, name=None):
    """Sum of the main diagonal of the last two axes (rectangular matrices too)."""
    return reduce_sum(diag_part(x), axis=-1)


@defop(batches=True, public=False)
def _band_part(input, num_lower=-1, num_upper=-1):  # noqa: A002 - TF's name
    mask = _band_mask(input.shape[-2], input.shape[-1], num_lower, num_upper)
    return np.where(mask, input, np.zeros((), dtype=input.dtype))


@_band_part.defvjp
def _band_part_vjp(g, num_lower, num_upper):
    return _engine.apply(_band_part.op, (g,), (num_lower, num_upper))


@export("linalg")
def band_part(input, num_lower, num_upper, name=None):  # noqa: A002 - TF's name
    """Keep num_lower diagonals below and num_upper above the main one (a negative
    count keeps the whole triangle); zero the rest. band_part(x, -1, 0) is the lower
    triangle.

    Raises:
        InvalidArgumentError: rank < 2, or a count larger than the matrix.
    """
    x = convert_to_tensor(input)
    rows, cols = _require_matrix(x, "MatrixBandPart")[-2:]
    lower, upper = int(np.asarray(num_lower)), int(np.asarray(num_upper))
    if lower > rows:
        raise errors.InvalidArgumentError(
            f"num_lower must be negative or less or equal to number of rows ({rows}) got: "
            f"{lower} [Op:MatrixBandPart]")
    if upper > cols:
        raise errors.InvalidArgumentError(
            f"num_upper must be negative or less or equal to number of columns ({cols}) got: "
            f"{upper} [Op:MatrixBandPart]")
    return _engine.apply(_band_part.op, (x,), (lower, upper))


@defop(batches=True, public=False)
def _matrix_transpose(a, conjugate=False):
    return _swap(a, conjugate)


@_matrix_transpose.defvjp
def _matrix_transpose_vjp(g, conjugate):
    return _engine.apply(_matrix_transpose.op, (g,), (conjugate,))


@export("linalg")
def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two axes (and conjugate complex values when `conjugate`).

    Raises:
        ValueError: rank < 2.
    """
    x = convert_to_tensor(a)
    shape = _shape(x)
    if len(shape) < 2:
        raise ValueError("Argument `a` should be a (batch) matrix with rank >= 2.  Received "
                         f"`a` = {x} with shape: {shape}")
    return _engine.apply(_matrix_transpose.op, (x,), (bool(conjugate),))


@export("linalg")
def adjoint(matrix, name=None):
    """The conjugate transpose of the last two axes (the transpose for real dtypes)."""
    return matrix_transpose(matrix, conjugate=True)


# --- inverse and determinants ----------------------------------------------------------

@defop(batches=True, public=False)
def _inv(input, adjoint=False):  # noqa: A002 - TF's name
    a = _lapack(input)
    try:
        out = np.linalg.inv(_swap(a, True) if adjoint else a)
    except np.linalg.LinAlgError:
        raise errors.InvalidArgumentError("Input is not invertible. [Op:MatrixInverse]") \
            from None
    return out.astype(input.dtype, copy=False)


@_inv.defvjp
def _inv_vjp(g, ans, adjoint):
    # d(A^-1) = -A^-1 dA A^-1, so dA = -A^-T g A^-T; for inv(A^T), dA = -Y g^T Y
    if _is_complex(g):
        # holomorphic in A, or in conj(A) for the adjoint (see _with_adjoints)
        grad = _inv_grad(_conj(g), ans, adjoint)
        return grad if adjoint else _conj(grad)
    return _inv_grad(g, ans, adjoint)


def _inv_grad(g, ans, adjoint):
    if adjoint:
        return -_mm(_mm(ans, g, tb=True), ans)
    return -_mm(_mm(ans, g, ta=True), ans, tb=True)


@export("linalg")
def inv(input, adjoint=False, name=None):  # noqa: A002 - TF's name
    """Inverse of each square matrix in the last two axes.

    Args:
        input: A float or complex Tensor of shape batch + [n, n].
        adjoint: Invert the conjugate transpose instead.
        name: Ignored (eager mode).

    Raises:
        InvalidArgumentError: a singular matrix ("Input is not invertible."), a
            non-square or rank < 2 input, or an integer dtype.
    """
    x = convert_to_tensor(input)
    _check_decomposition(x, "MatrixInverse")
    _check_square(x, "MatrixInverse")
    return _engine.apply(_inv.op, (x,), (bool(adjoint),))


@defop(batches=True, public=False)
def _det(input):  # noqa: A002 - TF's name
    return np.asarray(np.linalg.det(_lapack(input))).astype(input.dtype, copy=False)


@_det.defvjp
def _det_vjp(g, input, ans):
    # d det(A) = det(A) tr(A^-1 dA), so dA = g det(A) A^-T (raises for singular A, as TF).
    # Complex: TF's g det(A) A^-H, which leaves det(A) unconjugated (not the conjugate
    # of the derivative that TF's other rules give)
    if _is_complex(g):
        return _with_matrix_axes(g * ans) * _conj(_inv_transposed(input))
    return _with_matrix_axes(g * ans) * _inv_transposed(input)


@export("linalg")
def det(input, name=None):  # noqa: A002 - TF's name
    """Determinant of each square matrix in the last two axes (1 for 0x0 matrices).

    The gradient, g det(A) A^-T, needs A^-1: at a singular matrix it raises
    InvalidArgumentError, as TF does.
    """
    x = convert_to_tensor(input)
    _check_decomposition(x, "MatrixDeterminant")
    _check_square(x, "MatrixDeterminant")
    return _engine.apply(_det.op, (x,), ())


@defop(batches=True, public=False)
def _slogdet(input):  # noqa: A002 - TF's name
    # sign and log|det| side by side on a last axis of 2: one LU for both outputs
    sign, logabs = np.linalg.slogdet(_lapack(input))
    return np.stack([sign, logabs.astype(sign.dtype, copy=False)], axis=-1).astype(
        input.dtype, copy=False)


@_slogdet.defvjp
def _slogdet_vjp(g, input):
    _real_only(g, "slogdet")
    # d log|det A| = tr(A^-1 dA); the sign is locally constant (its slot of g adds 0)
    return _with_matrix_axes(g[..., 1]) * _inv_transposed(input)


@export("linalg")
def slogdet(input, name=None):  # noqa: A002 - TF's name
    """Sign and log of the absolute value of the determinant, without overflow.

    Returns:
        A named tuple LogMatrixDeterminant(sign, log_abs_determinant) of Tensors of
        shape batch. A singular matrix gives sign 0 and log_abs_determinant -inf. The
        gradient of log_abs_determinant is A^-T; the sign's gradient is zero.
    """
    x = convert_to_tensor(input)
    _check_decomposition(x, "LogMatrixDeterminant")
    _check_square(x, "LogMatrixDeterminant")
    both = _engine.apply(_slogdet.op, (x,), ())
    return LogMatrixDeterminant(both[..., 0], both[..., 1])


@export("linalg")
def logdet(matrix, name=None):
    """log det of Hermitian positive definite matrices, as 2 sum(log(diag(cholesky))):
    NaN where the matrix is not positive definite."""
    chol = cholesky(matrix)
    diagonal = diag_part(chol)
    if diagonal.dtype.is_complex:
        return 2 * reduce_sum(log(_real(diagonal)), axis=-1)      # real-valued, like TF's
    return 2 * reduce_sum(log(diagonal), axis=-1)


# --- solves and Cholesky ---------------------------------------------------------------

@defop(batches=True, public=False)
def _solve(matrix, rhs, adjoint=False):
    a = _lapack(matrix)
    try:
        out = np.linalg.solve(_swap(a, True) if adjoint else a, _lapack(rhs))
    except np.linalg.LinAlgError:
        raise errors.InvalidArgumentError("Input matrix is not invertible. [Op:MatrixSolve]") \
            from None
    return out.astype(matrix.dtype, copy=False)


@_solve.defvjp
def _solve_vjp(g, matrix, ans, adjoint, needs):
    # x = A^-1 b: db = A^-T g and dA = -db x^T (for A^T x = b: dA = -x db^T)
    grad_rhs = _engine.apply(_solve.op, (matrix, g), (not adjoint,))
    grad_matrix = None
    if needs[0]:
        grad_matrix = _solve_matrix_grad(ans, grad_rhs, adjoint)
    return grad_matrix, grad_rhs


def _solve_matrix_grad(ans, grad_rhs, adjoint):
    """-x db^H (adjoint) or -db x^H: the matrix's gradient of a solve (TF's, for
    complex too)."""
    if _is_complex(ans):
        if adjoint:
            return -_mm(ans, _conj(grad_rhs), tb=True)
        return -_mm(grad_rhs, _conj(ans), tb=True)
    return -(_mm(ans, grad_rhs, tb=True) if adjoint else _mm(grad_rhs, ans, tb=True))


@export("linalg")
def solve(matrix, rhs, adjoint=False, name=None):
    """Solve matrix @ x = rhs for x, one square system per batch entry.

    Args:
        matrix: A float or complex Tensor of shape batch + [n, n].
        rhs: A Tensor of shape batch + [n, k] (the same batch shape: no broadcasting).
        adjoint: Solve with the conjugate transpose of `matrix`.
        name: Ignored (eager mode).

    Returns:
        x, of rhs's shape.

    Raises:
        InvalidArgumentError: a singular matrix ("Input matrix is not invertible."),
            shapes that do not match, or an integer dtype.
    """
    a, b = (_read(t) for t in convert_inputs((matrix, rhs)))
    _check_decomposition(a, "MatrixSolve")
    shape_a, shape_b = _shape(a), _shape(b)
    if len(shape_a) != len(shape_b):
        raise errors.InvalidArgumentError(
            "All input tensors must have the same rank. [Op:MatrixSolve]")
    if shape_a[:-2] != shape_b[:-2]:
        raise errors.InvalidArgumentError(
            "All input tensors must have the same outer dimensions. [Op:MatrixSolve]")
    _check_square(a, "MatrixSolve", "First input (lhs) must be a square matrix.")
    if shape_a[-1] != shape_b[-2]:
        raise errors.InvalidArgumentError(
            "Input matrix and rhs are incompatible. [Op:MatrixSolve]")
    return _engine.apply(_solve.op, (a, b), (bool(adjoint),))


def _substitute(t, rhs, lower):
    """Forward or back substitution, which (unlike LU) goes on past a zero pivot and
    gives inf/nan there, as TF's triangular solve does."""
    batch = np.broadcast_shapes(t.shape[:-2], rhs.shape[:-2])
    t = np.broadcast_to(t, batch + t.shape[-2:])
    rhs = np.broadcast_to(rhs, batch + rhs.shape[-2:])
    x = np.zeros(rhs.shape, dtype=np.result_type(t, rhs))
    n = t.shape[-1]
    with np.errstate(all="ignore"):
        for i in (range(n) if lower else range(n - 1, -1, -1)):
            # entries of x not solved yet are 0 and meet zeros of the triangle
            acc = rhs[..., i, :] - np.einsum("...j,...jk->...k", t[..., i, :], x)
            x[..., i, :] = acc / t[..., i, i][..., None]
    return x


@defop(broadcasts=True, batches=True, public=False)
def _triangular_solve(matrix, rhs, lower=True, adjoint=False):
    t = np.tril(matrix) if lower else np.triu(matrix)
    if adjoint:
        t = _swap(t, True)
    t, b = _lapack(t), _lapack(rhs)
    try:
        out = np.linalg.solve(t, b)
    except np.linalg.LinAlgError:
        out = _substitute(t, b, lower != adjoint)
    return out.astype(matrix.dtype, copy=False)


@_triangular_solve.defvjp
def _triangular_solve_vjp(g, matrix, ans, lower, adjoint, needs):
    # as for solve, with the matrix gradient kept to the triangle that was read
    grad_rhs = _engine.apply(_triangular_solve.op, (matrix, g), (lower, not adjoint))
    grad_matrix = None
    if needs[0]:
        grad_matrix = _solve_matrix_grad(ans, grad_rhs, adjoint)
        grad_matrix = _engine.apply(_band_part.op, (grad_matrix,),
                                    (-1, 0) if lower else (0, -1))
    return grad_matrix, grad_rhs


@export("linalg")
def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solve matrix @ x = rhs where `matrix` is triangular: only its lower (or upper)
    triangle is read. Batch axes broadcast. A zero on the diagonal gives inf/nan, not
    an error.

    Args:
        matrix: A float or complex Tensor of shape batch + [n, n].
        rhs: A Tensor of shape batch + [n, k].
        lower: Read the lower triangle (else the upper one).
        adjoint: Solve with the conjugate transpose of that triangle.
        name: Ignored (eager mode).
    """
    a, b = (_read(t) for t in convert_inputs((matrix, rhs)))
    x = a._value
    if x.dtype not in _DECOMPOSITION_TYPES:
        raise _not_allowed(x.dtype, "bfloat16, double, float, half, complex64, complex128",
                           "MatrixTriangularSolve")
    shape_a, shape_b = _shape(a), _shape(b)
    for i, shape in enumerate((shape_a, shape_b)):
        if len(shape) < 2:
            raise errors.InvalidArgumentError(
                f"In[{i}] ndims must be >= 2: {len(shape)} [Op:MatrixTriangularSolve]")
    if shape_a[-1] != shape_a[-2]:
        raise errors.InvalidArgumentError(
            "In[0] matrices in the last dimensions must be square "
            f"({shape_a[-1]} =/= {shape_a[-2]}) [Op:MatrixTriangularSolve]")
    if shape_a[-1] != shape_b[-2]:
        raise errors.InvalidArgumentError(
            f"In[0] mismatch In[1] shape: {shape_a[-1]} vs. {shape_b[-2]}: {_dims(shape_a)} "
            f"{_dims(shape_b)} [Op:MatrixTriangularSolve]")
    try:
        np.broadcast_shapes(shape_a[:-2], shape_b[:-2])
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Incompatible batch shapes: {_dims(shape_a)} vs. {_dims(shape_b)} "
            "[Op:MatrixTriangularSolve]") from None
    return _engine.apply(_triangular_solve.op, (a, b), (bool(lower), bool(adjoint)))


def _cholesky_each(a):
    """np.linalg.cholesky per matrix; a matrix that is not positive definite gets NaN
    in its lower triangle (TF's CPU result) instead of failing the whole batch."""
    flat = a.reshape((-1,) + a.shape[-2:])
    out = np.zeros(flat.shape, dtype=a.dtype)
    failed = np.tril(np.full(a.shape[-2:], np.nan, dtype=a.dtype))
    for i, m in enumerate(flat):
        try:
            out[i] = np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            out[i] = failed
    return out.reshape(a.shape)


@defop(batches=True, public=False)
def _cholesky(input):  # noqa: A002 - TF's name
    a = _lapack(input)
    try:
        out = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        out = _cholesky_each(a)
    return out.astype(input.dtype, copy=False)


@_cholesky.defvjp
def _cholesky_vjp(g, ans):
    _real_only(g, "cholesky")
    # Murray (2016): with P = Phi(L^T g) (lower triangle, half diagonal),
    # dA = sym(L^-T P L^-1), computed with two triangular solves
    n, dtype = _shape(ans)[-1], g._value.dtype
    half_lower = np.tril(np.ones((n, n), dtype=dtype)) - 0.5 * np.eye(n, dtype=dtype)
    phi = _mm(ans, g, ta=True) * _constant(half_lower)
    left = _engine.apply(_triangular_solve.op, (ans, phi), (True, True))
    s_t = _engine.apply(_triangular_solve.op, (ans, _transpose(left)), (True, True))
    return 0.5 * (s_t + _transpose(s_t))


@export("linalg")
def cholesky(input, name=None):  # noqa: A002 - TF's name
    """Lower-triangular L with L L^H = input, for each Hermitian positive definite
    matrix in the last two axes; only the lower triangle of `input` is read.

    A matrix that is not positive definite gives NaN in the lower triangle of its
    factor (no error), as TF does on CPU. The gradient is symmetric.

    Raises:
        InvalidArgumentError: a non-square, rank < 2 or integer input.
        NotFoundError: float16 (TF has no such kernel).
    """
    x = convert_to_tensor(input)
    if x._value.dtype == np.float16:
        raise errors.NotFoundError("No Cholesky kernel on CPU for half [Op:Cholesky]")
    _check_decomposition(x, "Cholesky")
    _check_square(x, "Cholesky")
    return _engine.apply(_cholesky.op, (x,), ())


@export("linalg")
def cholesky_solve(chol, rhs, name=None):
    """Solve A x = rhs given chol = cholesky(A): two triangular solves."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)
