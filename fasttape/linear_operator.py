"""`tf.linalg.LinearOperator` and its structured subclasses.

An operator stands for a (batch of) M x N matrices without necessarily forming them.
The base class gives every method a dense fallback (through `to_dense()`); each
subclass overrides what its structure makes cheap (a diagonal solves by division, a
Kronecker product's determinant is a product of powers, ...). Everything is written in
fasttape ops, so operators differentiate w.r.t. the tensors they were built from.
"""

import numpy as np

from fasttape import dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape.ops import elementwise as ew
from fasttape.ops import linalg as la
from fasttape.ops._registry import export
from fasttape.ops.complex_ops import conj
from fasttape.ops.decompositions import _tridiagonal_matrix, eigvalsh, svd
from fasttape.ops.indexing import gather
from fasttape.ops.reductions import reduce_prod, reduce_sum
from fasttape.ops.shape import concat, expand_dims, reshape
from fasttape.tensor_shape import TensorShape

__all__ = []


def _const(a, dtype):
    return convert_to_tensor(np.asarray(a, dtype=dtypes.as_dtype(dtype).as_numpy_dtype))


def _adj(x):
    return la.adjoint(x)


def _conj(x):
    """The complex conjugate (complex tensors carry no gradients in fasttape)."""
    return conj(x)


@export("linalg")
class LinearOperator:
    """Base class: a subclass provides `_shape()` (a tuple batch + (M, N)) and
    `_to_dense()`, and may override `_matmul`, `_solve`, `_determinant`,
    `_log_abs_determinant`, `_diag_part`, `_trace`, `_adjoint`, `_inverse`, `_cholesky`
    and `_eigvals`."""

    def __init__(self, dtype, graph_parents=None, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name=None, parameters=None):
        if is_positive_definite and is_non_singular is False:
            raise ValueError("A positive definite matrix is always non-singular.")
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        self._is_non_singular = True if is_positive_definite else is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._is_square_set = is_square
        self._name = name or type(self).__name__
        self._parameters = dict(parameters or {})

    # --- properties ---------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    @property
    def parameters(self):
        return dict(self._parameters)

    @property
    def shape(self):
        """batch_shape + [range_dimension, domain_dimension], a TensorShape."""
        return TensorShape(list(self._shape()))

    @property
    def batch_shape(self):
        return TensorShape(list(self._shape()[:-2]))

    @property
    def range_dimension(self):
        return self.shape[-2]

    @property
    def domain_dimension(self):
        return self.shape[-1]

    @property
    def tensor_rank(self):
        return len(self._shape())

    def shape_tensor(self, name="shape_tensor"):
        return _const(self._shape(), dtypes.int32)

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        return _const(self._shape()[:-2], dtypes.int32)

    def range_dimension_tensor(self, name="range_dimension_tensor"):
        return _const(self._shape()[-2], dtypes.int32)

    def domain_dimension_tensor(self, name="domain_dimension_tensor"):
        return _const(self._shape()[-1], dtypes.int32)

    def tensor_rank_tensor(self, name="tensor_rank_tensor"):
        return _const(len(self._shape()), dtypes.int32)

    @property
    def is_non_singular(self):
        return self._is_non_singular

    @property
    def is_self_adjoint(self):
        return self._is_self_adjoint

    @property
    def is_positive_definite(self):
        return self._is_positive_definite

    @property
    def is_square(self):
        shape = self._shape()
        square = shape[-1] == shape[-2]
        if self._is_square_set is not None and self._is_square_set != square:
            raise ValueError("User set is_square hint to False, but the operator was square.")
        return square

    def __repr__(self):
        return (f'<{type(self).__module__.split(".")[0]}.linalg.{type(self).__name__} '
                f'"{self.name}" batch_shape={self.batch_shape} dtype={self.dtype.name}>')

    # --- the interface ------------------------------------------------------------------
    def to_dense(self, name="to_dense"):
        return self._to_dense()

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        """self @ x (adjoint: self^H @ x; adjoint_arg: with x^H). x may be an operator."""
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        return self._matmul(convert_to_tensor(x, dtype=self.dtype), adjoint, adjoint_arg)

    def __matmul__(self, other):
        return self.matmul(other)

    def matvec(self, x, adjoint=False, name="matvec"):
        x = convert_to_tensor(x, dtype=self.dtype)
        return self._matmul(expand_dims(x, -1), adjoint, False)[..., 0]

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        """X with self @ X = rhs (adjoint: self^H @ X = rhs)."""
        if self.is_non_singular is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is "
                                      "expected to be singular.")
        if self.is_square is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is "
                                      "expected to not be square.")
        if isinstance(rhs, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = rhs.adjoint() if adjoint_arg else rhs
            return LinearOperatorComposition([left.inverse(), right])
        rhs = convert_to_tensor(rhs, dtype=self.dtype)
        return self._solve(_adj(rhs) if adjoint_arg else rhs, adjoint)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        rhs = convert_to_tensor(rhs, dtype=self.dtype)
        return self.solve(expand_dims(rhs, -1), adjoint=adjoint)[..., 0]

    def determinant(self, name="det"):
        self._require_square("determinant")
        return self._determinant()

    def log_abs_determinant(self, name="log_abs_det"):
        self._require_square("log_abs_determinant")
        return self._log_abs_determinant()

    def diag_part(self, name="diag_part"):
        return self._diag_part()

    def trace(self, name="trace"):
        return self._trace()

    def adjoint(self, name="adjoint"):
        if self.is_self_adjoint:
            return self
        return self._adjoint()

    H = property(adjoint)

    def inverse(self, name="inverse"):
        if self.is_non_singular is False:
            raise ValueError("Cannot take the Inverse: This operator represents a singular "
                             "matrix.")
        self._require_square("inverse")
        return self._inverse()

    def cholesky(self, name="cholesky"):
        if not (self.is_self_adjoint and self.is_positive_definite):
            raise ValueError("Cholesky decomposition is only defined for positive definite "
                             "self-adjoint operators (set is_self_adjoint and "
                             "is_positive_definite).")
        return self._cholesky()

    def eigvals(self, name="eigvals"):
        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        return self._eigvals()

    def cond(self, name="cond"):
        s = la_svd_values(self.to_dense())
        return s[..., 0] / s[..., -1]

    def add_to_tensor(self, x, name="add_to_tensor"):
        return self.to_dense() + convert_to_tensor(x, dtype=self.dtype)

    def assert_non_singular(self, name="assert_non_singular"):
        det = np.asarray(self.log_abs_determinant())
        if not np.all(np.isfinite(det)):
            raise errors.InvalidArgumentError("Singular operator: a zero determinant")

    def assert_positive_definite(self, name="assert_positive_definite"):
        e = np.asarray(eigvalsh(0.5 * (self.to_dense() + _adj(self.to_dense()))))
        if not np.all(e > 0):
            raise errors.InvalidArgumentError("Operator is not positive definite")

    def assert_self_adjoint(self, name="assert_self_adjoint"):
        dense = np.asarray(self.to_dense())
        if not np.allclose(dense, np.conj(np.swapaxes(dense, -1, -2))):
            raise errors.InvalidArgumentError("Operator is not self-adjoint")

    def _require_square(self, what):
        if not self.is_square:
            raise NotImplementedError(f"{what} not implemented for a non-square operator")

    # --- dense fallbacks ----------------------------------------------------------------
    def _matmul(self, x, adjoint, adjoint_arg):
        return la.matmul(self.to_dense(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def _solve(self, rhs, adjoint):
        return la.solve(self.to_dense(), rhs, adjoint=adjoint)

    def _determinant(self):
        return la.det(self.to_dense())

    def _log_abs_determinant(self):
        return la.slogdet(self.to_dense())[1]

    def _diag_part(self):
        return la.diag_part(self.to_dense())

    def _trace(self):
        return reduce_sum(self.diag_part(), axis=-1)

    def _adjoint(self):
        return LinearOperatorAdjoint(self)

    def _inverse(self):
        return LinearOperatorInversion(self)

    def _cholesky(self):
        return LinearOperatorLowerTriangular(la.cholesky(self.to_dense()),
                                             is_non_singular=True)

    def _eigvals(self):
        return eigvalsh(self.to_dense())


def la_svd_values(x):
    return svd(x, compute_uv=False)


@export("linalg")
class LinearOperatorFullMatrix(LinearOperator):
    """An operator holding its matrix [..., M, N]."""

    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorFullMatrix"):
        self._matrix = convert_to_tensor(matrix)
        if self._matrix.shape.rank < 2:
            raise ValueError(f"matrix must have rank >= 2, got {self._matrix.shape}")
        super().__init__(self._matrix.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name, {"matrix": matrix})

    def _shape(self):
        return tuple(self._matrix.shape)

    def _to_dense(self):
        return self._matrix

    def _cholesky(self):
        return LinearOperatorLowerTriangular(la.cholesky(self._matrix), is_non_singular=True)


@export("linalg")
class LinearOperatorDiag(LinearOperator):
    """diag(d) for d of shape [..., N]."""

    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorDiag"):
        self._diag = convert_to_tensor(diag)
        if self._diag.shape.rank < 1:
            raise ValueError(f"diag must have rank >= 1, got {self._diag.shape}")
        if is_square is False:
            raise ValueError("Only square diagonal operators are currently supported.")
        if is_self_adjoint is None and not self._diag.dtype.is_complex:
            is_self_adjoint = True
        super().__init__(self._diag.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, {"diag": diag})

    @property
    def diag(self):
        return self._diag

    def _shape(self):
        n = self._diag.shape[-1]
        return tuple(self._diag.shape) + (n,)

    def _to_dense(self):
        return la.diag(self._diag)

    def _scale(self, adjoint):
        d = self._diag
        return _conj(d) if adjoint else d

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adj(x) if adjoint_arg else x
        return expand_dims(self._scale(adjoint), -1) * x

    def _solve(self, rhs, adjoint):
        return rhs / expand_dims(self._scale(adjoint), -1)

    def _determinant(self):
        return reduce_prod(self._diag, axis=-1)

    def _log_abs_determinant(self):
        return reduce_sum(ew.log(ew.abs(self._diag)), axis=-1)

    def _diag_part(self):
        return self._diag

    def _inverse(self):
        return LinearOperatorDiag(1.0 / self._diag, is_non_singular=self.is_non_singular,
                                  is_self_adjoint=self.is_self_adjoint,
                                  is_positive_definite=self.is_positive_definite)

    def _adjoint(self):
        return LinearOperatorDiag(self._scale(True))

    def _cholesky(self):
        return LinearOperatorDiag(ew.sqrt(self._diag), is_non_singular=True,
                                  is_self_adjoint=True, is_positive_definite=True)

    def _eigvals(self):
        return self._diag


@export("linalg")
class LinearOperatorScaledIdentity(LinearOperator):
    """multiplier * I_N (a batch of multipliers gives a batch of operators)."""

    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorScaledIdentity"):
        self._num_rows = int(np.asarray(num_rows))
        self._multiplier = convert_to_tensor(multiplier)
        if is_self_adjoint is None and not self._multiplier.dtype.is_complex:
            is_self_adjoint = True
        super().__init__(self._multiplier.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name,
                         {"num_rows": num_rows, "multiplier": multiplier})

    @property
    def multiplier(self):
        return self._multiplier

    def _shape(self):
        return tuple(self._multiplier.shape) + (self._num_rows, self._num_rows)

    def _diag_vector(self):
        ones = _const(np.ones(self._num_rows), self.dtype)
        return expand_dims(self._multiplier, -1) * ones

    def _to_dense(self):
        return la.diag(self._diag_vector())

    def _m(self, adjoint):
        m = self._multiplier
        m = _conj(m) if adjoint else m
        return expand_dims(expand_dims(m, -1), -1)

    def _matmul(self, x, adjoint, adjoint_arg):
        return self._m(adjoint) * (_adj(x) if adjoint_arg else x)

    def _solve(self, rhs, adjoint):
        return rhs / self._m(adjoint)

    def _determinant(self):
        return self._multiplier ** float(self._num_rows)

    def _log_abs_determinant(self):
        return float(self._num_rows) * ew.log(ew.abs(self._multiplier))

    def _diag_part(self):
        return self._diag_vector()

    def _trace(self):
        return float(self._num_rows) * self._multiplier

    def _inverse(self):
        return LinearOperatorScaledIdentity(self._num_rows, 1.0 / self._multiplier)

    def _eigvals(self):
        return self._diag_vector()


@export("linalg")
class LinearOperatorIdentity(LinearOperatorScaledIdentity):
    """I_N, optionally with a batch shape."""

    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True,
                 is_self_adjoint=True, is_positive_definite=True, is_square=True,
                 assert_proper_shapes=False, name="LinearOperatorIdentity"):
        dtype = dtypes.as_dtype(dtype or dtypes.float32)
        batch = () if batch_shape is None else tuple(int(d) for d in np.asarray(batch_shape))
        super().__init__(num_rows, _const(np.ones(batch), dtype), is_non_singular,
                         is_self_adjoint, is_positive_definite, is_square, name=name)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adj(x) if adjoint_arg else x
        return x if not self.batch_shape.rank else self._m(False) * x

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint, False)

    def _inverse(self):
        return self

    def _cholesky(self):
        return self


@export("linalg")
class LinearOperatorZeros(LinearOperator):
    """The zero operator [..., M, N]."""

    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None,
                 is_non_singular=False, is_self_adjoint=True, is_positive_definite=False,
                 is_square=True, assert_proper_shapes=False, name="LinearOperatorZeros"):
        self._rows = int(np.asarray(num_rows))
        self._cols = self._rows if num_columns is None else int(np.asarray(num_columns))
        self._batch = () if batch_shape is None else tuple(
            int(d) for d in np.asarray(batch_shape))
        if is_non_singular:
            raise ValueError("A zero operator is always singular.")
        super().__init__(dtype or dtypes.float32, None, False, is_self_adjoint,
                         False, self._rows == self._cols, name)

    def _shape(self):
        return self._batch + (self._rows, self._cols)

    def _to_dense(self):
        return _const(np.zeros(self._shape()), self.dtype)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adj(x) if adjoint_arg else x
        rows = self._cols if adjoint else self._rows
        return _const(np.zeros(self._batch + (rows, x.shape[-1])), self.dtype) + 0.0 * reduce_sum(
            x, axis=(-2, -1), keepdims=True)

    def _determinant(self):
        return _const(np.zeros(self._batch), self.dtype)

    def _log_abs_determinant(self):
        return _const(np.full(self._batch, -np.inf), self.dtype)

    def _diag_part(self):
        return _const(np.zeros(self._batch + (min(self._rows, self._cols),)), self.dtype)

    def _adjoint(self):
        return LinearOperatorZeros(self._cols, self._rows, self._batch or None, self.dtype)


@export("linalg")
class LinearOperatorLowerTriangular(LinearOperator):
    """The lower triangle of `tril` [..., N, N] (the rest is ignored)."""

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowerTriangular"):
        self._tril = la.band_part(convert_to_tensor(tril), -1, 0)
        super().__init__(self._tril.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, {"tril": tril})

    def _shape(self):
        return tuple(self._tril.shape)

    def _to_dense(self):
        return self._tril

    def _solve(self, rhs, adjoint):
        return la.triangular_solve(self._tril, rhs, lower=True, adjoint=adjoint)

    def _determinant(self):
        return reduce_prod(la.diag_part(self._tril), axis=-1)

    def _log_abs_determinant(self):
        return reduce_sum(ew.log(ew.abs(la.diag_part(self._tril))), axis=-1)


@export("linalg")
class LinearOperatorAdjoint(LinearOperator):
    """The adjoint (conjugate transpose) of another operator."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self._operator = operator
        super().__init__(operator.dtype, None,
                         operator.is_non_singular if is_non_singular is None else is_non_singular,
                         operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
                         operator.is_positive_definite if is_positive_definite is None
                         else is_positive_definite, is_square,
                         name or operator.name + "_adjoint")

    @property
    def operator(self):
        return self._operator

    def _shape(self):
        shape = self._operator._shape()
        return shape[:-2] + (shape[-1], shape[-2])

    def _to_dense(self):
        return _adj(self._operator.to_dense())

    def _matmul(self, x, adjoint, adjoint_arg):
        return self._operator.matmul(x, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _solve(self, rhs, adjoint):
        return self._operator.solve(rhs, adjoint=not adjoint)

    def _determinant(self):
        d = self._operator.determinant()
        return _conj(d)

    def _log_abs_determinant(self):
        return self._operator.log_abs_determinant()

    def _adjoint(self):
        return self._operator


@export("linalg")
class LinearOperatorInversion(LinearOperator):
    """The inverse of a non-singular operator (solves where it multiplies)."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        if operator.is_non_singular is False:
            raise ValueError("operator must be non-singular")
        self._operator = operator
        super().__init__(operator.dtype, None,
                         operator.is_non_singular if is_non_singular is None else is_non_singular,
                         operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
                         operator.is_positive_definite if is_positive_definite is None
                         else is_positive_definite, is_square,
                         name or operator.name + "_inv")

    @property
    def operator(self):
        return self._operator

    def _shape(self):
        return self._operator._shape()

    def _to_dense(self):
        return la.inv(self._operator.to_dense())

    def _matmul(self, x, adjoint, adjoint_arg):
        return self._operator.solve(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _solve(self, rhs, adjoint):
        return self._operator.matmul(rhs, adjoint=adjoint)

    def _determinant(self):
        return 1.0 / self._operator.determinant()

    def _log_abs_determinant(self):
        return -self._operator.log_abs_determinant()

    def _inverse(self):
        return self._operator


@export("linalg")
class LinearOperatorComposition(LinearOperator):
    """The product op_1 @ op_2 @ ... @ op_k of operators."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        operators = list(operators)
        if not operators:
            raise ValueError(f"Expected a non-empty list of operators. Found: {operators}")
        for a, b in zip(operators, operators[1:]):
            if a.domain_dimension != b.range_dimension:
                raise ValueError(f"Operators are incompatible: {a.shape} @ {b.shape}")
        self._operators = operators
        if is_non_singular is None and all(o.is_non_singular for o in operators):
            is_non_singular = True
        super().__init__(operators[0].dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_o_".join(o.name for o in operators))

    @property
    def operators(self):
        return list(self._operators)

    def _shape(self):
        batch = np.broadcast_shapes(*[o._shape()[:-2] for o in self._operators])
        return tuple(batch) + (self._operators[0]._shape()[-2],
                               self._operators[-1]._shape()[-1])

    def _to_dense(self):
        out = self._operators[-1].to_dense()
        for op in reversed(self._operators[:-1]):
            out = op.matmul(out)
        return out

    def _matmul(self, x, adjoint, adjoint_arg):
        ops = self._operators
        if adjoint:
            out = ops[0].matmul(x, adjoint=True, adjoint_arg=adjoint_arg)
            for op in ops[1:]:
                out = op.matmul(out, adjoint=True)
            return out
        out = ops[-1].matmul(x, adjoint_arg=adjoint_arg)
        for op in reversed(ops[:-1]):
            out = op.matmul(out)
        return out

    def _solve(self, rhs, adjoint):
        ops = self._operators
        if adjoint:
            out = ops[-1].solve(rhs, adjoint=True)
            for op in reversed(ops[:-1]):
                out = op.solve(out, adjoint=True)
            return out
        out = ops[0].solve(rhs)
        for op in ops[1:]:
            out = op.solve(out)
        return out

    def _determinant(self):
        if all(o.is_square for o in self._operators):
            out = self._operators[0].determinant()
            for op in self._operators[1:]:
                out = out * op.determinant()
            return out
        return la.det(self.to_dense())

    def _log_abs_determinant(self):
        if all(o.is_square for o in self._operators):
            out = self._operators[0].log_abs_determinant()
            for op in self._operators[1:]:
                out = out + op.log_abs_determinant()
            return out
        return la.slogdet(self.to_dense())[1]


@export("linalg")
class LinearOperatorBlockDiag(LinearOperator):
    """A block-diagonal operator with square blocks."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name=None):
        self._operators = list(operators)
        if not self._operators:
            raise ValueError("Expected a non-empty list of operators.")
        if not all(o.is_square for o in self._operators):
            raise ValueError("All operators passed to LinearOperatorBlockDiag must be square.")
        super().__init__(self._operators[0].dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True,
                         name or "_ds_".join(o.name for o in self._operators))

    @property
    def operators(self):
        return list(self._operators)

    def _sizes(self):
        return [o._shape()[-1] for o in self._operators]

    def _shape(self):
        batch = np.broadcast_shapes(*[o._shape()[:-2] for o in self._operators])
        n = sum(self._sizes())
        return tuple(batch) + (n, n)

    def _to_dense(self):
        sizes, batch = self._sizes(), self._shape()[:-2]
        rows, start = [], 0
        for op, size in zip(self._operators, sizes):
            block = op.to_dense() + _const(np.zeros(batch + (size, size)), self.dtype)
            left = _const(np.zeros(batch + (size, start)), self.dtype)
            right = _const(np.zeros(batch + (size, sum(sizes) - start - size)), self.dtype)
            rows.append(concat([left, block, right], -1))
            start += size
        return concat(rows, -2)

    def _split(self, x):
        out, start = [], 0
        for size in self._sizes():
            out.append(x[..., start:start + size, :])
            start += size
        return out

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adj(x) if adjoint_arg else x
        return concat([op.matmul(part, adjoint=adjoint)
                       for op, part in zip(self._operators, self._split(x))], -2)

    def _solve(self, rhs, adjoint):
        return concat([op.solve(part, adjoint=adjoint)
                       for op, part in zip(self._operators, self._split(rhs))], -2)

    def _determinant(self):
        out = self._operators[0].determinant()
        for op in self._operators[1:]:
            out = out * op.determinant()
        return out

    def _log_abs_determinant(self):
        out = self._operators[0].log_abs_determinant()
        for op in self._operators[1:]:
            out = out + op.log_abs_determinant()
        return out

    def _diag_part(self):
        return concat([op.diag_part() for op in self._operators], -1)


@export("linalg")
class LinearOperatorKronecker(LinearOperator):
    """The Kronecker product op_1 (x) op_2 (x) ... of operators."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self._operators = list(operators)
        if not self._operators:
            raise ValueError("Expected a non-empty list of operators.")
        super().__init__(self._operators[0].dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_x_".join(o.name for o in self._operators))

    @property
    def operators(self):
        return list(self._operators)

    def _shape(self):
        batch = np.broadcast_shapes(*[o._shape()[:-2] for o in self._operators])
        rows = int(np.prod([o._shape()[-2] for o in self._operators]))
        cols = int(np.prod([o._shape()[-1] for o in self._operators]))
        return tuple(batch) + (rows, cols)

    def _to_dense(self):
        out = self._operators[0].to_dense()
        for op in self._operators[1:]:
            b = op.to_dense()
            (m, n), (p, q) = tuple(out.shape[-2:]), tuple(b.shape[-2:])
            # out[i p + k, j q + l] = a[i, j] b[k, l]
            prod = expand_dims(expand_dims(out, -1), -3) * expand_dims(expand_dims(b, -2), -4)
            batch = tuple(prod.shape[:-4])
            out = reshape(prod, batch + (m * p, n * q))
        return out

    def _determinant(self):
        if not all(o.is_square for o in self._operators):
            return la.det(self.to_dense())
        total = self._shape()[-1]
        out = None
        for op in self._operators:
            n = op._shape()[-1]
            term = op.determinant() ** float(total // n)
            out = term if out is None else out * term
        return out

    def _log_abs_determinant(self):
        if not all(o.is_square for o in self._operators):
            return la.slogdet(self.to_dense())[1]
        total = self._shape()[-1]
        out = None
        for op in self._operators:
            n = op._shape()[-1]
            term = float(total // n) * op.log_abs_determinant()
            out = term if out is None else out + term
        return out

    def _trace(self):
        out = self._operators[0].trace()
        for op in self._operators[1:]:
            out = out * op.trace()
        return out


@export("linalg")
class LinearOperatorLowRankUpdate(LinearOperator):
    """base + U diag(d) V^H (V = U when not given), with solves and determinants by the
    Woodbury identity and the matrix determinant lemma."""

    def __init__(self, base_operator, u, diag_update=None, v=None, is_diag_update_positive=None,
                 is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorLowRankUpdate"):
        self._base = base_operator
        self._u = convert_to_tensor(u, dtype=base_operator.dtype)
        self._v = self._u if v is None else convert_to_tensor(v, dtype=base_operator.dtype)
        k = self._u.shape[-1]
        self._d = (convert_to_tensor(diag_update, dtype=base_operator.dtype)
                   if diag_update is not None else _const(np.ones(k), base_operator.dtype))
        if is_self_adjoint is None and v is None and base_operator.is_self_adjoint:
            is_self_adjoint = True
        super().__init__(base_operator.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    @property
    def base_operator(self):
        return self._base

    @property
    def u(self):
        return self._u

    @property
    def v(self):
        return self._v

    @property
    def diag_update(self):
        return self._d

    def _shape(self):
        return self._base._shape()

    def _to_dense(self):
        return self._base.to_dense() + la.matmul(self._u * expand_dims(self._d, -2), self._v,
                                                 adjoint_b=True)

    def _capacitance(self):
        # C = D^-1 + V^H base^-1 U
        return la.diag(1.0 / self._d) + la.matmul(self._v, self._base.solve(self._u),
                                                  adjoint_a=True)

    def _solve(self, rhs, adjoint):
        if adjoint:
            return la.solve(_adj(self.to_dense()), rhs)
        base_rhs = self._base.solve(rhs)
        correction = la.solve(self._capacitance(),
                              la.matmul(self._v, base_rhs, adjoint_a=True))
        return base_rhs - self._base.solve(la.matmul(self._u, correction))

    def _log_abs_determinant(self):
        return (self._base.log_abs_determinant() + la.slogdet(self._capacitance())[1]
                + reduce_sum(ew.log(ew.abs(self._d)), axis=-1))

    def _determinant(self):
        return (self._base.determinant() * la.det(self._capacitance())
                * reduce_prod(self._d, axis=-1))


@export("linalg")
class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column `col` and first row `row` (row[0] is
    ignored: col[0] is the diagonal)."""

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorToeplitz"):
        self._col = convert_to_tensor(col)
        self._row = convert_to_tensor(row, dtype=self._col.dtype)
        super().__init__(self._col.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, {"col": col, "row": row})

    @property
    def col(self):
        return self._col

    @property
    def row(self):
        return self._row

    def _shape(self):
        n = self._col.shape[-1]
        batch = np.broadcast_shapes(tuple(self._col.shape[:-1]), tuple(self._row.shape[:-1]))
        return tuple(batch) + (n, n)

    def _to_dense(self):
        n = self._col.shape[-1]
        # entries of [reversed row[1:], col] picked at i - j + (n - 1)
        line = concat([self._row[..., 1:][..., ::-1], self._col], -1)
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        picked = gather(line, _const((i - j + n - 1).reshape(-1), dtypes.int64), axis=-1)
        return reshape(picked, tuple(line.shape[:-1]) + (n, n))


@export("linalg")
class LinearOperatorCirculant(LinearOperator):
    """The circulant matrix whose eigenvalues are `spectrum` (its DFT): entry (i, j) is
    c[(i - j) mod n], c = ifft(spectrum). Real spectra of real (Hermitian) symbols give
    a complex operator, as TF (input_output_dtype defaults to complex64)."""

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant"):
        self._spectrum = convert_to_tensor(spectrum)
        super().__init__(input_output_dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, {"spectrum": spectrum})

    @property
    def spectrum(self):
        return self._spectrum

    def _shape(self):
        n = self._spectrum.shape[-1]
        return tuple(self._spectrum.shape[:-1]) + (n, n)

    def _to_dense(self):
        s = np.asarray(self._spectrum)      # a traced function guards on the spectrum
        c = np.fft.ifft(s, axis=-1)
        n = s.shape[-1]
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        dense = c[..., (i - j) % n]
        return _const(dense.astype(self.dtype.as_numpy_dtype), self.dtype)

    def _eigvals(self):
        return ew.cast(self._spectrum, self.dtype)


@export("linalg")
class LinearOperatorHouseholder(LinearOperator):
    """The reflection I - 2 v v^H / (v^H v) about the hyperplane orthogonal to
    `reflection_axis` [..., N]: self-adjoint, its own inverse, determinant -1."""

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorHouseholder"):
        self._axis = convert_to_tensor(reflection_axis)
        if is_positive_definite:
            raise ValueError("A Householder operator is never positive definite.")
        super().__init__(self._axis.dtype, None, is_non_singular, True, False,
                         True, name, {"reflection_axis": reflection_axis})

    @property
    def reflection_axis(self):
        return self._axis

    def _shape(self):
        n = self._axis.shape[-1]
        return tuple(self._axis.shape[:-1]) + (n, n)

    def _unit(self):
        v = self._axis
        return v / ew.sqrt(reduce_sum(v * v, axis=-1, keepdims=True))

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adj(x) if adjoint_arg else x
        u = expand_dims(self._unit(), -1)
        return x - 2.0 * u * reduce_sum(u * x, axis=-2, keepdims=True)

    def _to_dense(self):
        n = self._shape()[-1]
        eye = _const(np.eye(n), self.dtype)
        return self._matmul(eye + 0.0 * expand_dims(expand_dims(self._axis[..., 0], -1), -1),
                            False, False)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint, False)

    def _determinant(self):
        return _const(-np.ones(self._shape()[:-2]), self.dtype)

    def _log_abs_determinant(self):
        return _const(np.zeros(self._shape()[:-2]), self.dtype)

    def _inverse(self):
        return self

    def _trace(self):
        return _const(np.full(self._shape()[:-2], self._shape()[-1] - 2.0), self.dtype)


@export("linalg")
class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix P with P x = x[perm] (rows): entry (i, perm[i]) is 1."""

    def __init__(self, perm, dtype=dtypes.float32, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorPermutation"):
        self._perm = np.asarray(convert_to_tensor(perm), dtype=np.int64)  # guarded
        super().__init__(dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         True, name, {"perm": perm})

    @property
    def perm(self):
        return _const(self._perm, dtypes.int64)

    def _shape(self):
        n = self._perm.shape[-1]
        return self._perm.shape + (n,)

    def _to_dense(self):
        n = self._perm.shape[-1]
        return _const(np.eye(n)[self._perm], self.dtype)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adj(x) if adjoint_arg else x
        return la.matmul(self._to_dense(), x, adjoint_a=adjoint)

    def _solve(self, rhs, adjoint):
        return la.matmul(self._to_dense(), rhs, adjoint_a=not adjoint)

    def _determinant(self):
        signs = np.linalg.det(np.eye(self._perm.shape[-1])[self._perm])
        return _const(np.round(signs), self.dtype)

    def _log_abs_determinant(self):
        return _const(np.zeros(self._perm.shape[:-1]), self.dtype)


@export("linalg")
class LinearOperatorTridiag(LinearOperator):
    """A tridiagonal operator, diagonals as tf.linalg.tridiagonal_solve takes them
    (compact [..., 3, N], a 3-sequence, or the matrix)."""

    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorTridiag"):
        self._dense = _tridiagonal_matrix(diagonals, diagonals_format)
        self._diagonals = diagonals
        self._format = diagonals_format
        super().__init__(self._dense.dtype, None, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name,
                         {"diagonals": diagonals, "diagonals_format": diagonals_format})

    @property
    def diagonals(self):
        return self._diagonals

    @property
    def diagonals_format(self):
        return self._format

    def _shape(self):
        return tuple(self._dense.shape)

    def _to_dense(self):
        return self._dense

