"""The op families. Each op declares where it is published (`defop(namespaces=...)`,
`@export`); this package re-exports them and hands the engine the ops behind Python's
operators."""

import types
import warnings

from fasttape import _engine
from fasttape._convert import convert_to_tensor
from fasttape.ops import (
    _registry, array_ops, bitwise, complex_ops, control_flow, conv, conv_extra, creation, ctc,
    decompositions, elementwise, functional, indexing, linalg, math_ops, nn, nn_extra,
    normalization,
    numerics, pooling, random_ops, reductions, sampling, segment, shape, signal, sorting,
    space_batch, sparse_ops, special,
)
from fasttape.ops.control_flow import *  # noqa: F401,F403
from fasttape.ops.creation import *  # noqa: F401,F403
from fasttape.ops.elementwise import *  # noqa: F401,F403
from fasttape.ops.functional import *  # noqa: F401,F403
from fasttape.ops.indexing import *  # noqa: F401,F403
from fasttape.ops.linalg import *  # noqa: F401,F403
from fasttape.ops.math_ops import *  # noqa: F401,F403
from fasttape.ops.nn import *  # noqa: F401,F403
from fasttape.ops.reductions import *  # noqa: F401,F403
from fasttape.ops.shape import *  # noqa: F401,F403

# The families, in import order. Names are published by their declarations; a family's
# `__all__`, MATH, NN, LINALG lists (the older form, now empty or absent) still merge in.
FAMILIES = (elementwise, math_ops, reductions, shape, indexing, creation, linalg, nn,
            control_flow, numerics, decompositions, sparse_ops, special, bitwise, sorting,
            segment, array_ops, complex_ops, functional, conv, pooling, normalization,
            random_ops, signal, ctc, sampling, space_batch, conv_extra,
            nn_extra)

__all__ = [name for family in FAMILIES for name in family.__all__]
# a top-level name that is also a family module's (tf.conv) leaves the module in place
# here; the package imports it itself
_TOP = {name: obj for name, obj in _registry.exports("").items()
        if not isinstance(globals().get(name), types.ModuleType)}
globals().update(_TOP)
__all__ += [name for name in _TOP if name not in __all__]


def namespace(kind):
    """{name: function} for tf.math / tf.nn / tf.linalg, gathered from the families'
    lists and from the declarations' ``namespaces`` (the registry's EXPORTS)."""
    names = {}
    for family in FAMILIES:
        for name in getattr(family, kind, ()):
            names[name] = getattr(family, name)
    names.update(_registry.exports(kind.lower()))
    return names

# numpy warns about inf/nan arising in our forwards; TF computes the same values
# silently, and so do we (only for warnings raised from these modules).
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"fasttape\.ops(\.|$)")

_engine.install(
    operators={
        "add": elementwise.add.op, "subtract": elementwise.subtract.op,
        "multiply": elementwise.multiply.op, "truediv": elementwise.truediv.op,
        "floordiv": elementwise.floordiv.op, "floormod": elementwise.floormod.op,
        "pow": elementwise.pow.op, "matmul": linalg._matmul.op,
        "negative": elementwise.negative.op, "abs": elementwise.abs.op,
        "square": elementwise.square.op,
        "strided_slice": shape._strided_slice.op,      # the engine's x[i] fast path
        "identity": elementwise.identity.op,
        "less": elementwise.less.op, "less_equal": elementwise.less_equal.op,
        "greater": elementwise.greater.op, "greater_equal": elementwise.greater_equal.op,
        "equal": elementwise.equal.op, "not_equal": elementwise.not_equal.op,
        "logical_and": elementwise.logical_and.op, "logical_or": elementwise.logical_or.op,
        "logical_xor": elementwise.logical_xor.op, "logical_not": elementwise.logical_not.op,
    },
    getitem=shape.getitem,
    convert_to_tensor=convert_to_tensor,
    sum_to_shape=shape.sum_to_shape,
    combine=indexing.combine,
    densify=indexing.densify,
)
