"""Every gradcheck case run in float16, float32 and float64: the forward keeps the
dtype, and the first-order gradient (fused kernel or rule) comes back in the input's
dtype, close to the float64 gradient.

float16 is where fused backward kernels (float32/float64 only) must give way to the
rule; the tolerance there is loose, the point being that it runs and is right.
"""

import numpy as np
import pytest

import fasttape as tf
from tests.ops.gradcheck import draw_inputs
from tests.ops.test_gradcheck import CASES

# first-order gradient tolerance (relative to the largest float64 gradient entry)
_TOL = {np.float16: 5e-2, np.float32: 1e-3}


def _shapes(case):
    return case.shapes if case.shapes is not None else [(2, 3)] * case.n_in


def _grads(case, xs, dtype, u):
    ts = [tf.constant(x.astype(dtype)) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = case.fn(*ts)
    grads = tape.gradient(y, ts, output_gradients=[tf.constant(u.astype(y.dtype.as_numpy_dtype))],
                          unconnected_gradients="zero")
    return y, [np.asarray(tf.convert_to_tensor(g)) for g in grads]


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=["float16", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradient_in_each_float_dtype(case, dtype):
    rng = np.random.default_rng(0)
    xs = draw_inputs(case, rng, _shapes(case))
    # inputs exactly representable in the narrow dtype, so both runs see one point
    xs = [x.astype(dtype).astype(np.float64) for x in xs]
    y64 = case.fn(*[tf.constant(x) for x in xs])
    u = rng.standard_normal(tuple(y64.shape))
    _, want = _grads(case, xs, np.float64, u)
    try:
        case.fn(*[tf.constant(x.astype(dtype)) for x in xs])
    except (tf.errors.InvalidArgumentError, ValueError) as exc:
        if "of half is not in the list of allowed values" in str(exc):
            assert dtype == np.float16      # TF's kernel has no half variant (NextAfter)
            pytest.skip("no float16 kernel, as in TF")
        if "RFFT requires tf.float32 or tf.float64" in str(exc):
            assert dtype == np.float16
            pytest.skip("no float16 real FFT, as in TF")
        if "float64 tensor" not in str(exc) and "with dtype float64" not in str(exc):
            raise
        pytest.skip("the case mixes in float64 constants")
    except TypeError as exc:
        if "components have incorrect types: float16" not in str(exc):
            raise
        pytest.skip("no complex dtype of float16 parts, as in TF")
    except tf.errors.NotFoundError:
        assert dtype == np.float16      # TF has no half kernel (Svd, Lu, ...)
        pytest.skip("no float16 kernel, as in TF")
    y, got = _grads(case, xs, dtype, u)
    if case.op != "_cast":
        assert y.dtype == tf.as_dtype(dtype), f"{case.id}: output dtype {y.dtype}"
    for g, w in zip(got, want):
        assert g.dtype == dtype
        assert g.shape == w.shape
        scale = max(1.0, float(np.max(np.abs(w), initial=0.0)))
        np.testing.assert_allclose(g.astype(np.float64), w, rtol=0,
                                   atol=_TOL[dtype] * scale * 4, err_msg=case.id)
