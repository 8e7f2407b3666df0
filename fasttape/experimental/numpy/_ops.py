"""An op tnp needs that fasttape's families do not declare: NumPy indexing with index
arrays.

The forward sits above its derivative rule, as in fasttape/ops. `_index` is the one
gathering op behind `sort`, `take_along_axis`, `repeat`, `roll` and NumPy-style
indexing: its key is a tuple of numpy index arrays and slices (an attribute, never
differentiated), and its gradient adds the upstream values back at those positions
(`_index_add`, whose own gradient is `_index` again, so every order works).
"""

import numpy as np

from fasttape import _engine, errors
from fasttape.ops._registry import defop

# --- indexing with index arrays ----------------------------------------------------------

@defop(public=False)
def _index(x, key=(), in_shape=()):
    try:
        return np.ascontiguousarray(x[key])
    except IndexError as exc:
        raise errors.InvalidArgumentError(str(exc)) from None


@_index.defvjp
def _index_vjp(g, key, in_shape):
    return _engine.apply(_index_add.op, (g,), (key, in_shape))


@defop(public=False)
def _index_add(g, key=(), in_shape=()):
    # the adjoint of _index: each upstream value added where it was read from
    out = np.zeros(in_shape, dtype=g.dtype)
    np.add.at(out, key, g)
    return out


@_index_add.defvjp
def _index_add_vjp(g, key, in_shape):
    return _engine.apply(_index.op, (g,), (key, in_shape))


def index(x, key):
    """`x[key]` for a NumPy key of integer arrays, slices, ints, None and Ellipsis;
    differentiable (repeated positions accumulate their gradients)."""
    return _engine.apply(_index.op, (x,), (key, tuple(x.shape)))

