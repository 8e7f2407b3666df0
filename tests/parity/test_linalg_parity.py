"""Parity with TensorFlow for the linear-algebra family (fasttape/ops/linalg.py).

Each program is written once as a function of a module `tf` and runs with `tf` bound
to fasttape and to TensorFlow: values, dtypes, shapes and None-ness of the results
(first and second derivatives included) must agree, and failing programs must raise
exceptions of the same class.
"""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402

RNG = np.random.default_rng(7)
M3 = RNG.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)           # well conditioned
B3 = RNG.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)
R34 = RNG.uniform(-1, 1, (3, 4))
V3 = RNG.uniform(-1, 1, (3,))
W3 = RNG.uniform(-1, 1, (3,))
SPD = M3 @ M3.T + np.eye(3)


def f32(a):
    return np.asarray(a, dtype=np.float32)


def derivatives(tf, fn, *xs):
    """[f(x), df/dx_i ..., d/dx_i of sum(df/dx_i)] with nested tapes."""
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            y = fn(tf, *xs)
        first = inner.gradient(y, xs)
    second = [None if g is None else outer.gradient(g, x) for g, x in zip(first, xs, strict=True)]
    return [y] + list(first) + second


def flatten(result):
    if isinstance(result, (tuple, list)):
        return [leaf for item in result for leaf in flatten(item)]
    return [result]


def assert_same(ours, ref, rtol=2e-4, atol=2e-5):
    ours, ref = flatten(ours), flatten(ref)
    assert len(ours) == len(ref)
    for i, (a, b) in enumerate(zip(ours, ref, strict=True)):
        if b is None:
            assert a is None, f"result {i}: expected None, got {a!r}"
            continue
        assert a is not None, f"result {i}: got None, expected {b!r}"
        assert a.dtype.name == b.dtype.name, f"result {i}: dtype {a.dtype.name} vs {b.dtype.name}"
        assert tuple(a.shape) == tuple(b.shape), f"result {i}: shape {a.shape} vs {b.shape}"
        np.testing.assert_allclose(np.asarray(a), b.numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"result {i}")


# --- values and derivatives ----------------------------------------------------------------

PROGRAMS = {
    "matmul": (lambda tf, a, b: tf.matmul(a, b), [R34.T, R34]),
    "matmul-operator": (lambda tf, a, b: a @ b, [R34, R34.T]),
    "matmul-batch-broadcast": (lambda tf, a, b: tf.matmul(a, b), [B3, M3[:, :2]]),
    "matmul-222-21": (lambda tf, a, b: tf.matmul(a, b), [B3[:, :2, :2], M3[:2, :1]]),
    "matmul-transpose": (lambda tf, a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
                         [R34, R34.T]),
    "matmul-adjoint": (lambda tf, a, b: tf.matmul(a, b, adjoint_a=True), [R34, M3]),
    "matvec": (lambda tf, a, b: tf.linalg.matvec(a, b), [B3, V3]),
    "matvec-transpose": (lambda tf, a, b: tf.linalg.matvec(a, b, transpose_a=True),
                         [M3, np.stack([V3, W3])]),
    "tensordot-1": (lambda tf, a, b: tf.tensordot(a, b, 1), [V3, W3]),
    "tensordot-0": (lambda tf, a, b: tf.tensordot(a, b, 0), [V3, W3]),
    "tensordot-pair": (lambda tf, a, b: tf.tensordot(a, b, [[0], [1]]), [R34, R34.T]),
    "einsum-bij-vj": (lambda tf, a, b: tf.einsum("bij,vj->bvi", a, b), [B3, R34.T]),
    "einsum-vb-bvi": (lambda tf, a, b: tf.einsum("vb,bvi->vi", a, b), [R34[:2, :3].T, B3]),
    "einsum-ij-jk": (lambda tf, a, b: tf.einsum("ij,jk->ik", a, b), [M3, R34]),
    "einsum-bi-bi": (lambda tf, a, b: tf.einsum("bi,bi->b", a, b), [R34, R34 * 2]),
    "einsum-diag": (lambda tf, a: tf.einsum("ii->i", a), [M3]),
    "einsum-trace": (lambda tf, a: tf.einsum("ii", a), [M3]),
    "einsum-ellipsis": (lambda tf, a, b: tf.einsum("...ij,...jk->...ik", a, b),
                        [B3[:1], M3]),
    "einsum-implicit": (lambda tf, a, b: tf.einsum("ij,jk", a, b), [M3, R34]),
    "cross": (lambda tf, a, b: tf.linalg.cross(a, b), [np.stack([V3, W3]),
                                                     np.stack([W3, V3 + 1])]),
    "trace": (lambda tf, a: tf.linalg.trace(a), [R34]),
    "diag": (lambda tf, a: tf.linalg.diag(a), [R34]),
    "diag-k": (lambda tf, a: tf.linalg.diag(a, k=1, num_rows=4), [V3]),
    "diag-part": (lambda tf, a: tf.linalg.diag_part(a, k=-1), [R34]),
    "set-diag": (lambda tf, a, d: tf.linalg.set_diag(a, d), [R34, V3]),
    "band-part": (lambda tf, a: tf.linalg.band_part(a, 1, 0), [B3]),
    "matrix-transpose": (lambda tf, a: tf.linalg.matrix_transpose(a), [B3]),
    "inv": (lambda tf, a: tf.linalg.inv(a), [B3]),
    "inv-adjoint": (lambda tf, a: tf.linalg.inv(a, adjoint=True), [M3]),
    "det": (lambda tf, a: tf.linalg.det(a), [B3]),
    "slogdet": (lambda tf, a: tf.linalg.slogdet(a)[1], [B3]),
    "slogdet-sign": (lambda tf, a: tf.linalg.slogdet(a)[0] * tf.reduce_sum(a), [-M3]),
    "logdet": (lambda tf, a: tf.linalg.logdet(a), [SPD]),
    "solve": (lambda tf, a, b: tf.linalg.solve(a, b), [M3, R34[:, :2] @ np.ones((2, 2))]),
    "solve-adjoint": (lambda tf, a, b: tf.linalg.solve(a, b, adjoint=True), [B3, B3[:, :, :1]]),
    "triangular-solve": (lambda tf, a, b: tf.linalg.triangular_solve(a, b), [B3, M3[:, :2]]),
    "triangular-solve-upper-adjoint": (
        lambda tf, a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True),
        [M3, R34]),
    "cholesky": (lambda tf, a: tf.linalg.cholesky(a), [SPD]),
    "cholesky-solve": (lambda tf, a, b: tf.linalg.cholesky_solve(tf.linalg.cholesky(a), b),
                       [SPD, R34]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_and_derivatives_match_tensorflow(name, dtype):
    fn, inputs = PROGRAMS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    tol = dict(rtol=2e-3, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-9)
    assert_same(derivatives(fasttape, fn, *xs), derivatives(tensorflow, fn, *xs), **tol)


@pytest.mark.parametrize("name", ["einsum-bij-vj", "matvec", "cross", "inv", "det", "solve",
                                  "triangular-solve", "cholesky", "diag-part", "set-diag"])
def test_jacobians_match_tensorflow(name):
    fn, inputs = PROGRAMS[name]

    def jacobians(tf):
        xs = [tf.constant(np.asarray(x)) for x in inputs]
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = fn(tf, *xs)
        return tape.jacobian(y, xs)

    assert_same(jacobians(fasttape), jacobians(tensorflow), rtol=1e-9, atol=1e-9)


def test_slogdet_returns_a_named_pair():
    for tf in (fasttape, tensorflow):
        out = tf.linalg.slogdet(tf.constant(f32(M3)))
        assert type(out).__name__ == "LogMatrixDeterminant"
        assert out._fields == ("sign", "log_abs_determinant")


# --- values at edge points ------------------------------------------------------------------

EDGES = {
    "int-matmul": lambda tf: tf.matmul([[1, 2]], [[3], [4]]),
    "int64-matmul": lambda tf: tf.matmul(tf.ones((2, 3), tf.int64), tf.ones((3, 2), tf.int64)),
    "int8-output-int32": lambda tf: tf.matmul(tf.ones((2, 3), tf.int8), tf.ones((3, 2), tf.int8),
                                              output_type=tf.int32),
    "matmul-empty": lambda tf: tf.matmul(tf.ones((0, 3)), tf.ones((3, 2))),
    "matmul-empty-inner": lambda tf: tf.matmul(tf.ones((2, 0)), tf.ones((0, 2))),
    "matmul-list-adopts": lambda tf: tf.matmul(tf.ones((2, 3)), [[3], [4], [5]]),
    "rmatmul-list": lambda tf: [[1., 2., 3.]] @ tf.ones((3, 1)),
    "matmul-complex-adjoint": lambda tf: tf.matmul(tf.constant([[1 + 2j, 3j]]),
                                                   tf.constant([[1 + 2j, 3j]]), adjoint_b=True),
    "einsum-int": lambda tf: tf.einsum("ij,jk->ik", tf.ones((2, 2), tf.int32),
                                       tf.ones((2, 2), tf.int32)),
    "einsum-scalar": lambda tf: tf.einsum(",ij->ij", tf.constant(2.), tf.ones((2, 2))),
    "einsum-empty-contraction": lambda tf: tf.einsum("ij,jk->ik", tf.ones((2, 0)),
                                                     tf.ones((0, 3))),
    "einsum-implicit-upper": lambda tf: tf.einsum("Ba", tf.reshape(tf.range(6.), (2, 3))),
    "einsum-three": lambda tf: tf.einsum("ij,jk,kl->il", tf.ones((2, 3)), tf.ones((3, 4)),
                                         tf.ones((4, 2))),
    "tensordot-int": lambda tf: tf.tensordot([1, 2], [3, 4], 1),
    "cross-int": lambda tf: tf.linalg.cross([1, 0, 0], [0, 1, 0]),
    "cross-empty": lambda tf: tf.linalg.cross(tf.ones((0, 3)), tf.ones((0, 3))),
    "trace-int": lambda tf: tf.linalg.trace([[1, 2], [3, 4]]),
    "trace-empty": lambda tf: tf.linalg.trace(tf.zeros((0, 3))),
    "diag-empty": lambda tf: tf.linalg.diag(tf.ones((0,))),
    "diag-padding": lambda tf: tf.linalg.diag([1., 2.], padding_value=9),
    "diag-cols": lambda tf: tf.linalg.diag([1., 2.], num_cols=4),
    "diag-part-k3": lambda tf: tf.linalg.diag_part(tf.reshape(tf.range(12.), (3, 4)), k=3),
    "set-diag-k": lambda tf: tf.linalg.set_diag(tf.zeros((3, 4)), [1., 2., 3.], k=1),
    "band-part-int": lambda tf: tf.linalg.band_part(tf.reshape(tf.range(1, 10), (3, 3)), 0, -1),
    "band-part-bool": lambda tf: tf.linalg.band_part(tf.ones((2, 2), tf.bool), 0, 0),
    "adjoint-complex": lambda tf: tf.linalg.adjoint(tf.constant([[1 + 1j, 2]])),
    "inv-empty": lambda tf: tf.linalg.inv(tf.ones((0, 0))),
    "inv-empty-batch": lambda tf: tf.linalg.inv(tf.ones((0, 2, 2))),
    "inv-float16": lambda tf: tf.linalg.inv(tf.constant([[2., 1.], [1., 3.]], tf.float16)),
    "inv-complex": lambda tf: tf.linalg.inv(tf.constant([[1 + 1j, 0], [0, 2]])),
    "inv-inf": lambda tf: tf.linalg.inv(tf.constant([[np.inf, 1.], [1., 1.]])),
    "det-empty": lambda tf: tf.linalg.det(tf.ones((0, 0))),
    "det-empty-batch": lambda tf: tf.linalg.det(tf.ones((0, 2, 2))),
    "det-singular": lambda tf: tf.abs(tf.linalg.det(tf.constant([[1., 2.], [2., 4.]]))),
    "slogdet-singular": lambda tf: tf.linalg.slogdet(tf.zeros((2, 2)))[1],
    "slogdet-empty": lambda tf: tf.linalg.slogdet(tf.ones((0, 0))),
    "solve-empty-rhs": lambda tf: tf.linalg.solve(tf.eye(2), tf.ones((2, 0))),
    "solve-int-list-rhs": lambda tf: tf.linalg.solve(tf.constant([[1., 2.], [3., 4.]]),
                                                     [[1], [2]]),
    "triangular-reads-one-triangle": lambda tf: tf.linalg.triangular_solve(
        tf.constant([[2., 5.], [7., 3.]]), tf.constant([[1.], [2.]])),
    "triangular-zero-pivot": lambda tf: tf.linalg.triangular_solve(
        tf.constant([[0., 0.], [1., 3.]]), tf.constant([[1.], [2.]])),
    "triangular-broadcast": lambda tf: tf.linalg.triangular_solve(
        tf.ones((4, 1, 2, 2)) + tf.eye(2), tf.ones((3, 2, 4))),
    "cholesky-reads-lower": lambda tf: tf.linalg.cholesky(tf.constant([[4., 100.], [2., 3.]])),
    # TF leaves the upper triangle of a failed factor uninitialised: compare the lower
    "cholesky-not-pd": lambda tf: tf.linalg.band_part(tf.linalg.cholesky(
        tf.constant([[[4., 2.], [2., 2.]], [[1., 2.], [2., 1.]]])), -1, 0),
    "cholesky-empty": lambda tf: tf.linalg.cholesky(tf.ones((0, 0))),
    "logdet-complex": lambda tf: tf.linalg.logdet(tf.constant([[4. + 0j, 2 - 1j], [2 + 1j, 3]],
                                                              tf.complex64)),
    "logdet-not-pd": lambda tf: tf.linalg.logdet(tf.constant([[1., 2.], [2., 1.]])),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_values_match_tensorflow(name):
    assert_same(EDGES[name](fasttape), EDGES[name](tensorflow))


# --- errors ---------------------------------------------------------------------------------

ERRORS = {
    "matmul-rank1-a": lambda tf: tf.matmul(tf.ones(2), tf.ones((2, 2))),
    "matmul-rank1-b": lambda tf: tf.matmul(tf.ones((2, 2)), tf.ones(2)),
    "matmul-scalar": lambda tf: tf.matmul(tf.constant(2.), tf.ones((3, 2))),
    "matmul-inner": lambda tf: tf.matmul(tf.ones((2, 3)), tf.ones((2, 3))),
    "matmul-batch": lambda tf: tf.matmul(tf.ones((2, 2, 2)), tf.ones((3, 2, 1))),
    "matmul-dtypes": lambda tf: tf.matmul(tf.ones((2, 3)), tf.ones((3, 2), tf.float64)),
    "matmul-bool": lambda tf: tf.matmul(tf.ones((2, 3), tf.bool), tf.ones((3, 2), tf.bool)),
    "matmul-int8": lambda tf: tf.matmul(tf.ones((2, 3), tf.int8), tf.ones((3, 2), tf.int8)),
    "matmul-uint8": lambda tf: tf.matmul(tf.ones((2, 3), tf.uint8), tf.ones((3, 2), tf.uint8)),
    "matmul-transpose-and-adjoint": lambda tf: tf.matmul(tf.ones((2, 2)), tf.ones((2, 2)),
                                                         transpose_a=True, adjoint_a=True),
    "operator-rank1": lambda tf: tf.ones(2) @ tf.ones((2, 2)),
    "matvec-transpose-and-adjoint": lambda tf: tf.linalg.matvec(
        tf.eye(2), tf.ones(2), transpose_a=True, adjoint_a=True),
    "matvec-rank1": lambda tf: tf.linalg.matvec(tf.ones(3), tf.ones(3)),
    "matvec-scalar": lambda tf: tf.linalg.matvec(tf.ones((3, 3)), tf.constant(1.)),
    "matvec-size": lambda tf: tf.linalg.matvec(tf.ones((4, 2, 3)), tf.ones(2)),
    "tensordot-negative": lambda tf: tf.tensordot(tf.ones(3), tf.ones(3), -1),
    "tensordot-too-many": lambda tf: tf.tensordot(tf.ones(3), tf.ones(3), 2),
    "tensordot-format": lambda tf: tf.tensordot(tf.ones((2, 3)), tf.ones((3, 5)), [1]),
    "tensordot-lengths": lambda tf: tf.tensordot(tf.ones((2, 3, 4)), tf.ones((4, 3, 5)),
                                                 [[1, 2], [0]]),
    "tensordot-sizes": lambda tf: tf.tensordot(tf.ones((2, 3, 4)), tf.ones((4, 3, 5)),
                                               [[1], [0]]),
    "einsum-count": lambda tf: tf.einsum("ij,jk->ik", tf.ones((2, 2))),
    "einsum-rank": lambda tf: tf.einsum("ijk,jk->ik", tf.ones((2, 2)), tf.ones((2, 2))),
    "einsum-rank-ellipsis": lambda tf: tf.einsum("...ijk->ijk", tf.ones((2, 3))),
    "einsum-ellipsis-sizes": lambda tf: tf.einsum("...i,...i->...", tf.ones((2, 3)),
                                                  tf.ones((4, 3))),
    "einsum-size": lambda tf: tf.einsum("ij,jk->ik", tf.ones((2, 2)), tf.ones((3, 4))),
    "einsum-no-label-broadcast": lambda tf: tf.einsum("bij,bjk->bik", tf.ones((1, 2, 3)),
                                                      tf.ones((4, 3, 4))),
    "einsum-repeated-size": lambda tf: tf.einsum("ii->i", tf.ones((2, 3))),
    "einsum-unknown-output": lambda tf: tf.einsum("ij,jk->iz", tf.ones((2, 2)), tf.ones((2, 2))),
    "einsum-repeated-output": lambda tf: tf.einsum("ij,jk->ii", tf.ones((2, 2)),
                                                   tf.ones((2, 2))),
    "einsum-format": lambda tf: tf.einsum("i1->i", tf.ones((2, 3))),
    "einsum-two-arrows": lambda tf: tf.einsum("ij->ji->ij", tf.ones((2, 3))),
    "einsum-implicit-ellipsis": lambda tf: tf.einsum("...ij,...jk", tf.ones((2, 2, 3)),
                                                     tf.ones((3, 4))),
    "einsum-dropped-ellipsis": lambda tf: tf.einsum("...ij->ij", tf.ones((4, 2, 3))),
    "einsum-dtypes": lambda tf: tf.einsum("ij,jk->ik", tf.ones((2, 2)), tf.ones((2, 2),
                                                                              tf.float64)),
    "einsum-bool": lambda tf: tf.einsum("ij->ji", tf.ones((2, 2), tf.bool)),
    "einsum-kwarg": lambda tf: tf.einsum("ij->ji", tf.ones((2, 2)), foo=1),
    "cross-shapes": lambda tf: tf.linalg.cross(tf.ones((4, 3)), tf.ones(3)),
    "cross-size": lambda tf: tf.linalg.cross(tf.ones(2), tf.ones(2)),
    "cross-scalar": lambda tf: tf.linalg.cross(tf.constant(1.), tf.constant(1.)),
    "cross-bool": lambda tf: tf.linalg.cross(tf.ones(3, tf.bool), tf.ones(3, tf.bool)),
    "cross-dtypes": lambda tf: tf.linalg.cross(tf.ones(3), tf.ones(3, tf.float64)),
    "trace-rank1": lambda tf: tf.linalg.trace(tf.ones(3)),
    "trace-bool": lambda tf: tf.linalg.trace(tf.ones((2, 2), tf.bool)),
    "diag-scalar": lambda tf: tf.linalg.diag(tf.constant(1.)),
    "diag-rows-too-small": lambda tf: tf.linalg.diag([1., 2.], num_rows=1),
    "diag-inconsistent": lambda tf: tf.linalg.diag([1., 2.], num_rows=3, num_cols=4),
    "diag-part-rank1": lambda tf: tf.linalg.diag_part(tf.ones(3)),
    "diag-part-k-out": lambda tf: tf.linalg.diag_part(tf.ones((3, 4)), k=4),
    "set-diag-length": lambda tf: tf.linalg.set_diag(tf.zeros((2, 3)), [9., 8., 7.]),
    "set-diag-batch": lambda tf: tf.linalg.set_diag(tf.zeros((4, 2, 2)), [9., 8.]),
    "set-diag-scalar": lambda tf: tf.linalg.set_diag(tf.zeros((2, 2)), 1.),
    "set-diag-dtypes": lambda tf: tf.linalg.set_diag(tf.zeros((2, 2)),
                                                     tf.constant([1., 1.], tf.float64)),
    "band-part-rank1": lambda tf: tf.linalg.band_part(tf.ones(3), 0, 1),
    "band-part-too-wide": lambda tf: tf.linalg.band_part(tf.ones((2, 2)), 5, 5),
    "transpose-rank1": lambda tf: tf.linalg.matrix_transpose(tf.ones(3)),
    "inv-singular": lambda tf: tf.linalg.inv(tf.constant([[1., 2.], [2., 4.]])),
    "inv-zero": lambda tf: tf.linalg.inv(tf.zeros((2, 2), tf.float64)),
    "inv-batch-one-singular": lambda tf: tf.linalg.inv(tf.constant([[[1., 2.], [3., 4.]],
                                                                    [[1., 2.], [2., 4.]]])),
    "inv-rect": lambda tf: tf.linalg.inv(tf.ones((2, 3))),
    "inv-rank1": lambda tf: tf.linalg.inv(tf.ones(2)),
    "inv-int": lambda tf: tf.linalg.inv([[1, 2], [3, 4]]),
    "det-rect": lambda tf: tf.linalg.det(tf.ones((2, 3))),
    "det-int": lambda tf: tf.linalg.det(tf.ones((2, 2), tf.int32)),
    "slogdet-rank1": lambda tf: tf.linalg.slogdet(tf.ones(2)),
    "solve-rank1": lambda tf: tf.linalg.solve(tf.ones(2), tf.ones(2)),
    "solve-vector-rhs": lambda tf: tf.linalg.solve(tf.eye(2), tf.ones(2)),
    "solve-no-broadcast": lambda tf: tf.linalg.solve(tf.ones((3, 2, 2)), tf.ones((2, 1))),
    "solve-outer": lambda tf: tf.linalg.solve(tf.ones((3, 2, 2)), tf.ones((1, 2, 1))),
    "solve-rows": lambda tf: tf.linalg.solve(tf.eye(2), tf.ones((3, 1))),
    "solve-rect": lambda tf: tf.linalg.solve(tf.ones((2, 3)), tf.ones((2, 1))),
    "solve-singular": lambda tf: tf.linalg.solve(tf.constant([[1., 2.], [2., 4.]]),
                                                 tf.ones((2, 1))),
    "solve-int": lambda tf: tf.linalg.solve(tf.ones((2, 2), tf.int32), tf.ones((2, 1), tf.int32)),
    "solve-dtypes": lambda tf: tf.linalg.solve(tf.eye(2), tf.ones((2, 1), tf.float64)),
    "triangular-rank1": lambda tf: tf.linalg.triangular_solve(tf.eye(2), tf.ones(2)),
    "triangular-rect": lambda tf: tf.linalg.triangular_solve(tf.ones((2, 3)), tf.ones((2, 1))),
    "triangular-rows": lambda tf: tf.linalg.triangular_solve(tf.eye(2), tf.ones((3, 1))),
    "triangular-int": lambda tf: tf.linalg.triangular_solve(tf.ones((2, 2), tf.int32),
                                                            tf.ones((2, 1), tf.int32)),
    "cholesky-rect": lambda tf: tf.linalg.cholesky(tf.ones((2, 3))),
    "cholesky-int": lambda tf: tf.linalg.cholesky(tf.ones((2, 2), tf.int32)),
    "cholesky-half": lambda tf: tf.linalg.cholesky(tf.eye(2, dtype=tf.float16)),
    "det-gradient-singular": lambda tf: _gradient(tf, tf.linalg.det, [[1., 2.], [2., 4.]]),
}


def _gradient(tf, fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


def _raised(fn, tf):
    try:
        fn(tf)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e).__name__
    return None


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None, "TensorFlow accepted this program"
    assert _raised(ERRORS[name], fasttape) == ref
