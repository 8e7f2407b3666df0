"""The op families. Each op declares where it is published (`defop(namespaces=...)`,
`@export`); this package re-exports them and hands the engine the ops behind Python's
operators."""

import types
import warnings

from fasttape import _convert, _engine, indexed_slices
from fasttape._convert import convert_to_tensor
from fasttape.ops import (
    _registry, array_ops, bitwise, complex_ops, control_flow, conv, conv_extra, creation, ctc,
    decompositions, elementwise, functional, indexing, linalg, math_ops, nn, nn_extra,
    normalization,
    numerics, pooling, random_ops, reductions, sampling, segment, shape, signal, sorting,
    space_batch, sparse_ops, special, trigonometric,
)
# The families, in import order. Names are published by their declarations.
FAMILIES = (elementwise, math_ops, reductions, shape, indexing, creation, linalg, nn,
            control_flow, numerics, decompositions, sparse_ops, special, bitwise, sorting,
            segment, array_ops, complex_ops, functional, conv, pooling, normalization,
            random_ops, signal, ctc, sampling, trigonometric, space_batch, conv_extra,
            nn_extra)

# a top-level name that is also a family module's (tf.conv) leaves the module in place
# here; the package imports it itself
_TOP = {name: obj for name, obj in _registry.exports("").items()
        if not isinstance(globals().get(name), types.ModuleType)}
globals().update(_TOP)
__all__ = list(_TOP)


def namespace(kind):
    """{name: function} for tf.math ("MATH"), tf.nn ("NN"), tf.math.special
    ("MATH.SPECIAL"), ...: what the declarations publish there (`namespaces=`, @export)."""
    return _registry.exports(kind.lower())

# numpy warns about inf/nan arising in our forwards; TF computes the same values
# silently, and so do we (only for warnings raised from these modules).
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"fasttape\.ops(\.|$)")

# The layers below the ops compute with a few of them: they receive them here.
_convert.install(stack=shape.stack)
indexed_slices.install(concat=shape.concat, reshape=shape.reshape,
                       negative=elementwise.negative, add=elementwise.add,
                       segment_sum_to_dense=indexing.segment_sum_to_dense)
# tensor[bool mask] and variable[key], which shape.getitem hands to the indexing family
shape._INDEXING.update(boolean_mask=indexing.boolean_mask)
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
