"""Gradients of the differentiable tnp functions against finite differences.

Each tnp function is made of fasttape ops (whose own rules are checked in
tests/ops); this checks that the compositions are wired right: first and second order
(where smooth) through nested tapes, in float64, with the harness of
tests/ops/gradcheck.py.
"""

import numpy as np
import pytest

import fasttape.experimental.numpy as tnp
from tests.ops.gradcheck import NONZERO, POSITIVE, REALS, UNIT_OPEN, Case, check_case

M = (2, 3)
V3 = (3,)


def case(name, fn, shapes, domain=REALS, order=2, separation=0.0):
    return Case(name, fn, shapes=shapes, domain=domain, order=order, separation=separation)


def _weights(n):
    return tnp.asarray(np.arange(1.0, n + 1.0))


CASES = [
    # --- elementwise -------------------------------------------------------------------
    case("abs", tnp.abs, [M], NONZERO, order=1),
    case("absolute", tnp.absolute, [M], NONZERO, order=1),
    case("negative", tnp.negative, [M]),
    case("positive", lambda x: tnp.positive(x) * x, [M]),
    case("sign", lambda x: tnp.sign(x) * x, [M], NONZERO, order=1),
    case("sqrt", tnp.sqrt, [M], POSITIVE),
    case("cbrt", tnp.cbrt, [M], NONZERO),
    case("square", tnp.square, [M]),
    case("reciprocal", tnp.reciprocal, [M], NONZERO),
    case("exp", tnp.exp, [M]),
    case("exp2", tnp.exp2, [M]),
    case("expm1", tnp.expm1, [M]),
    case("log", tnp.log, [M], POSITIVE),
    case("log2", tnp.log2, [M], POSITIVE),
    case("log10", tnp.log10, [M], POSITIVE),
    case("log1p", tnp.log1p, [M], UNIT_OPEN),
    case("sin", tnp.sin, [M]),
    case("cos", tnp.cos, [M]),
    case("tan", tnp.tan, [M], (-1.2, 1.2)),
    case("arcsin", tnp.arcsin, [M], UNIT_OPEN),
    case("arccos", tnp.arccos, [M], UNIT_OPEN),
    case("arctan", tnp.arctan, [M]),
    case("sinh", tnp.sinh, [M]),
    case("cosh", tnp.cosh, [M]),
    case("tanh", tnp.tanh, [M]),
    case("arcsinh", tnp.arcsinh, [M]),
    case("arccosh", tnp.arccosh, [M], (1.2, 3.0)),
    case("arctanh", tnp.arctanh, [M], UNIT_OPEN),
    case("deg2rad", tnp.deg2rad, [M]),
    case("rad2deg", tnp.rad2deg, [M]),
    case("sinc", tnp.sinc, [M], NONZERO),
    case("real", lambda x: tnp.real(x) * x, [M]),
    case("conj", lambda x: tnp.conj(x) * x, [M]),
    case("add", tnp.add, [M, V3]),
    case("subtract", tnp.subtract, [M, V3]),
    case("multiply", tnp.multiply, [M, V3]),
    case("divide", tnp.divide, [M, V3], [REALS, NONZERO]),
    case("true_divide", tnp.true_divide, [M, M], [REALS, NONZERO]),
    case("mod", tnp.mod, [M, M], [POSITIVE, (2.5, 3.0)], order=1),
    case("power", tnp.power, [M, V3], [POSITIVE, REALS]),
    case("float_power", tnp.float_power, [M, M], [POSITIVE, REALS]),
    case("maximum", tnp.maximum, [M, V3], separation=0.05, order=1),
    case("minimum", tnp.minimum, [M, V3], separation=0.05, order=1),
    case("maximum_relu", lambda x: tnp.maximum(x, 0), [M], NONZERO, order=1),
    case("arctan2", tnp.arctan2, [M, M], NONZERO),
    case("hypot", tnp.hypot, [M, M], NONZERO),
    case("heaviside", lambda x, y: tnp.heaviside(tnp.sign(x) * 0, y), [M, M]),
    case("logaddexp", tnp.logaddexp, [M, M]),
    case("logaddexp2", tnp.logaddexp2, [M, M]),
    case("clip", lambda x: tnp.clip(x, -0.537, 0.719), [M], separation=0.05, order=1),
    case("clip_tensor_bounds", tnp.clip, [M, V3, V3], [REALS, (-3.0, -2.5), (2.5, 3.0)],
         order=1),
    case("clip_one_bound", lambda x: tnp.clip(x, None, 0.3), [M], separation=0.05,
         order=1),
    # --- reductions --------------------------------------------------------------------
    case("sum", lambda x: tnp.sum(x, axis=0), [M]),
    case("sum_keepdims", lambda x: tnp.sum(x, axis=(0, 1), keepdims=True), [M]),
    case("prod", lambda x: tnp.prod(x, axis=1), [M]),
    case("mean", lambda x: tnp.mean(x, axis=-1), [M]),
    case("std", lambda x: tnp.std(x, axis=1), [M], separation=0.05),
    case("var", tnp.var, [M]),
    case("var_ddof", lambda x: tnp.var(x, axis=0, ddof=1), [M]),
    case("amax", lambda x: tnp.amax(x, axis=1), [M], separation=0.05, order=1),
    case("amin", tnp.amin, [M], separation=0.05, order=1),
    case("max", lambda x: tnp.max(x, keepdims=True), [M], separation=0.05, order=1),
    case("min", lambda x: tnp.min(x, axis=0), [M], separation=0.05, order=1),
    case("ptp", lambda x: tnp.ptp(x, axis=0), [M], separation=0.05, order=1),
    case("cumsum", tnp.cumsum, [M]),
    case("cumsum_axis", lambda x: tnp.cumsum(x, axis=1), [M]),
    case("cumprod", lambda x: tnp.cumprod(x, axis=0), [M]),
    case("average", tnp.average, [M]),
    case("average_weights", lambda x, w: tnp.average(x, axis=1, weights=w), [M, V3],
         [REALS, POSITIVE]),
    case("nansum", lambda x: tnp.nansum(x, axis=1), [M]),
    case("nanprod", tnp.nanprod, [M]),
    case("nanmean", lambda x: tnp.nanmean(x, axis=0), [M]),
    # --- linear algebra ----------------------------------------------------------------
    case("dot", tnp.dot, [M, (3, 4)]),
    case("dot_vector", tnp.dot, [M, V3]),
    case("dot_scalar", tnp.dot, [(), M]),
    case("matmul", tnp.matmul, [(2, 2, 3), (3, 4)]),
    case("matmul_vector_left", tnp.matmul, [V3, (2, 3, 4)]),
    case("matmul_vector_right", tnp.matmul, [M, V3]),
    case("tensordot", lambda a, b: tnp.tensordot(a, b, 1), [M, (3, 2)]),
    case("inner", tnp.inner, [M, (4, 3)]),
    case("outer", tnp.outer, [M, V3]),
    case("vdot", tnp.vdot, [M, M]),
    case("kron", tnp.kron, [M, (2, 2)]),
    case("cross", tnp.cross, [M, V3]),
    case("cross_2d", tnp.cross, [(2, 2), (2, 2)]),
    case("einsum", lambda a, b: tnp.einsum("ij,kj->ik", a, b), [M, (4, 3)]),
    case("trace", lambda a: tnp.trace(a, offset=1), [(3, 3)]),
    case("diagonal", lambda a: tnp.diagonal(a, 0, 1, 2), [(2, 3, 3)]),
    case("diag_vector", lambda v: tnp.diag(v, -1), [V3]),
    case("diag_matrix", tnp.diag, [(3, 3)]),
    case("diagflat", tnp.diagflat, [(2, 2)]),
    case("polyval", tnp.polyval, [V3, M]),
    # --- creation from tensors ---------------------------------------------------------
    case("array", lambda x: tnp.array(x, ndmin=3), [M]),
    case("asarray_list_of_tensors", lambda x, y: tnp.asarray([x, y, x]), [V3, V3]),
    case("copy", tnp.copy, [M]),
    case("full", lambda v: tnp.full((2, 3), v), [V3]),
    case("full_like", lambda v: tnp.full_like(np.zeros((2, 3)), v), [()]),
    case("linspace", lambda a, b: tnp.linspace(a, b, 5), [(), ()]),
    case("linspace_no_endpoint", lambda a, b: tnp.linspace(a, b, 4, endpoint=False),
         [V3, V3]),
    case("logspace", lambda a, b: tnp.logspace(a, b, 3), [(), ()], UNIT_OPEN),
    case("geomspace", lambda a, b: tnp.geomspace(a, b, 4), [(), ()], POSITIVE),
    case("meshgrid", lambda x, y: tnp.stack(tnp.meshgrid(x, y)), [V3, (2,)]),
    case("tril", lambda x: tnp.tril(x, 1), [(3, 3)]),
    case("triu", tnp.triu, [(2, 3, 3)]),
    case("vander", lambda x: tnp.vander(x, 4), [V3]),
    # --- shapes --------------------------------------------------------------------------
    case("reshape", lambda x: tnp.reshape(x, (3, -1), order="F"), [M]),
    case("ravel", tnp.ravel, [M]),
    case("flatten", lambda x: tnp.flatten(x, "F"), [M]),
    case("transpose", lambda x: tnp.transpose(x, (2, 0, 1)), [(2, 3, 2)]),
    case("swapaxes", lambda x: tnp.swapaxes(x, 0, 2), [(2, 3, 2)]),
    case("moveaxis", lambda x: tnp.moveaxis(x, 0, -1), [(2, 3, 2)]),
    case("expand_dims", lambda x: tnp.expand_dims(x, (0, 2)), [M]),
    case("squeeze", tnp.squeeze, [(1, 3, 1)]),
    case("concatenate", lambda x, y: tnp.concatenate([x, y], axis=None), [M, V3]),
    case("stack", lambda x, y: tnp.stack([x, y], axis=-1), [M, M]),
    case("hstack", lambda x, y: tnp.hstack([x, y]), [M, M]),
    case("vstack", lambda x, y: tnp.vstack([x, y]), [V3, M]),
    case("dstack", lambda x, y: tnp.dstack([x, y]), [M, M]),
    case("split", lambda x: tnp.concatenate(tnp.split(x, [1, 2], axis=1)[::-1], 1), [M]),
    case("hsplit", lambda x: tnp.hsplit(x, 3)[1], [M]),
    case("tile", lambda x: tnp.tile(x, (2, 1, 2)), [M]),
    case("repeat", lambda x: tnp.repeat(x, [2, 0, 1], axis=1), [M]),
    case("repeat_flat", lambda x: tnp.repeat(x, 2), [M]),
    case("broadcast_to", lambda x: tnp.broadcast_to(x, (2, 2, 3)), [V3]),
    case("broadcast_arrays", lambda x, y: tnp.stack(tnp.broadcast_arrays(x, y)),
         [V3, (2, 1)]),
    case("atleast_3d", tnp.atleast_3d, [V3]),
    case("flip", lambda x: tnp.flip(x, (0, 1)), [M]),
    case("fliplr", tnp.fliplr, [M]),
    case("roll", lambda x: tnp.roll(x, (1, -1), axis=(0, 1)), [M]),
    case("roll_flat", lambda x: tnp.roll(x, 2), [M]),
    case("rot90", lambda x: tnp.rot90(x, 3), [M]),
    case("append", tnp.append, [M, V3]),
    case("pad", lambda x: tnp.pad(x, 1, "reflect"), [M]),
    case("pad_constant", lambda x: tnp.pad(x, ((0, 1), (2, 0)), "constant"), [M]),
    case("diff", lambda x: tnp.diff(x, n=2), [(2, 4)]),
    # --- indexing ------------------------------------------------------------------------
    case("take", lambda x: tnp.take(x, [0, 5, 5, 2]), [M]),
    case("take_axis0", lambda x: tnp.take(x, [1, 1, 0], axis=0), [M]),
    case("take_along_axis", lambda x: tnp.take_along_axis(x, np.array([[2, 2], [0, 1]]), 1),
         [M]),
    case("where", lambda x, y: tnp.where(x > y, x * y, y), [M, V3], separation=0.05),
    case("select", lambda x: tnp.select([x > 0.5, x < -0.5], [x * x, -x], 0.25), [M],
         separation=0.05),
    case("compress", lambda x: tnp.compress([True, False, True], x, axis=1), [M]),
    case("sort", lambda x: tnp.sort(x, axis=0) * _weights(3), [M], separation=0.05),
    case("sort_flat", lambda x: tnp.sort(x, axis=None) * _weights(6), [M], separation=0.05),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_matches_finite_differences(case, seed):
    check_case(case, np.random.default_rng(seed), case.shapes)
