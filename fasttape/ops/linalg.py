"""Linear algebra through numpy's BLAS: matmul.

matmul follows TF, not numpy: both operands must have rank >= 2, batch dimensions
broadcast, `transpose_*`/`adjoint_*` transpose the last two axes (and conjugate).
"""

import numpy as np

from fasttape import _engine, errors
from fasttape._convert import convert_inputs
from fasttape.ops._registry import defop

__all__ = ["matmul"]

LINALG = ["matmul"]


def _t(a, transpose, conjugate):
    if transpose:
        a = np.swapaxes(a, -1, -2)
    return np.conj(a) if conjugate and a.dtype.kind == "c" else a


@defop(broadcasts=True, public=False)
def _matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False):
    for i, x in enumerate((a, b)):
        if x.ndim < 2:
            raise errors.InvalidArgumentError(
                f"In[{i}] ndims must be >= 2: {x.ndim} [Op:MatMul]")
    a = _t(a, transpose_a or adjoint_a, adjoint_a)
    b = _t(b, transpose_b or adjoint_b, adjoint_b)
    if a.shape[-1] != b.shape[-2]:
        raise errors.InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: {list(b.shape)} "
            "[Op:MatMul]")
    try:
        return np.matmul(a, b)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Incompatible batch shapes: In[0]: {list(a.shape)}, In[1]: {list(b.shape)} "
            "[Op:BatchMatMulV2]") from None


@_matmul.defvjp
def _matmul_vjp(g, a, b, transpose_a, transpose_b, adjoint_a, adjoint_b, needs):
    # z = op(a) @ op(b): d op(a) = g @ op(b)^T and d op(b) = op(a)^T @ g, then undo op.
    # Real dtypes only: for them the adjoint is the transpose.
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    ga = gb = None
    if needs[0]:
        ga = matmul(b, g, transpose_a=tb, transpose_b=True) if ta else \
            matmul(g, b, transpose_b=not tb)
    if needs[1]:
        gb = matmul(g, a, transpose_a=True, transpose_b=ta) if tb else \
            matmul(a, g, transpose_a=not ta)
    return ga, gb


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, grad_a=False, grad_b=False,
           name=None):
    """Matrix product of the last two axes, batch axes broadcast (rank >= 2 each)."""
    a, b = convert_inputs((a, b))
    return _engine.apply(_matmul.op, (a, b),
                         (bool(transpose_a), bool(transpose_b), bool(adjoint_a), bool(adjoint_b)))
