"""Every fused kernel computes what it replaces: the op's derivative rule (backward
kernels) or its numpy forward (forward kernels), in float32 and float64.

Inputs come from hypothesis (0-d and empty arrays included). Bad buffers (wrong dtype,
mixed dtypes, different sizes, non-contiguous) must raise, never crash.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from fasttape import _engine, _kernels
from fasttape.ops._registry import OPS

DTYPES = [np.float32, np.float64]
TOLERANCE = {np.float32: dict(rtol=5e-6, atol=1e-6), np.float64: dict(rtol=1e-13, atol=1e-14)}

# Where each op's inputs are drawn: (low, high). Outside it the kernels and numpy both
# give nan/inf, which says little; the special points have their own tests below.
DOMAIN = {"log": (0.0625, 10.0), "log1p": (-0.875, 10.0), "sqrt": (0.0, 10.0),
          "rsqrt": (0.0625, 10.0), "reciprocal": (0.0625, 10.0), "tan": (-1.375, 1.375),
          "exp": (-20.0, 20.0), "expm1": (-20.0, 20.0)}   # bounds exact in float32


def unary_op(kernel_name, table):
    """The one-input op whose fused kernel (in `table`: 'forward' / 'backward') is it."""
    if table == "forward":
        index, attr = _kernels.FORWARD[kernel_name], "fused_forward"
    else:
        index, attr = _kernels.BACKWARD[kernel_name][0], "fused_backward"
    ops = [op for op in OPS if op.n_in == 1 and getattr(op, attr) == index]
    assert len(ops) == 1, f"kernel {kernel_name!r} is used by {[o.name for o in ops]}"
    return ops[0]


def binary_op(kernel_name):
    index = _kernels.BINARY[kernel_name][0]
    ops = [op for op in OPS if op.n_in == 2 and op.fused_forward == index]
    assert len(ops) == 1
    return ops[0]


def inputs(name, dtype, shape=None):
    lo, hi = DOMAIN.get(name, (-5.0, 5.0))
    elements = st.floats(lo, hi, width=32 if dtype is np.float32 else 64)
    return arrays(dtype, shape if shape is not None else
                  array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
                  elements=elements)


def close(actual, expected, dtype):
    assert actual.dtype == dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, equal_nan=True, **TOLERANCE[dtype])


def run_rule(op, g, saved):
    """The op's Python rule on arrays, as the engine runs it without a fused kernel."""
    out = op.rule(_engine.wrap(g), *[_engine.wrap(s) for s in saved])
    return [None if r is None else np.asarray(r) for r in
            (out if isinstance(out, (tuple, list)) else (out,))]


# --- unary backward kernels ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", sorted(_kernels.BACKWARD))
@given(data=st.data())
def test_backward_kernel_matches_the_rule(name, dtype, data):
    op = unary_op(name, "backward")
    x = data.draw(inputs(name, dtype), label="x")
    g = data.draw(arrays(dtype, x.shape, elements=st.floats(-3, 3, width=32)), label="g")
    operand = _kernels.BACKWARD[name][1]
    with np.errstate(all="ignore"):
        saved = x if operand == "x" else np.asarray(op.forward(x), dtype=dtype)
        expected = run_rule(op, g, [saved])[0]
        actual = _kernels.backward(name, g, saved)
    close(actual, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", sorted(_kernels.BACKWARD))
def test_backward_kernel_on_empty_and_0d_arrays(name, dtype):
    op = unary_op(name, "backward")
    for x in (np.zeros((0, 3), dtype), np.asarray(0.5, dtype)):
        g = np.ones_like(x)
        saved = x if _kernels.BACKWARD[name][1] == "x" else np.asarray(op.forward(x), dtype)
        close(_kernels.backward(name, g, saved), run_rule(op, g, [saved])[0], dtype)


@pytest.mark.parametrize("name", ["sqrt", "rsqrt", "reciprocal"])
@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_zero_upstream_gives_exactly_zero_where_the_derivative_blows_up(name, dtype):
    # TF's SqrtGrad/RsqrtGrad/ReciprocalGrad: 0 where the upstream is 0, even at inf/nan
    op = unary_op(name, "backward")
    x = np.array([0.0, -1.0, 0.0, 4.0], dtype)
    g = np.array([0.0, 0.0, 1.0, 0.0], dtype)
    with np.errstate(all="ignore"):
        ans = np.asarray(op.forward(x), dtype)
        fused = _kernels.backward(name, g, ans)
        rule = run_rule(op, g, [ans])[0]
    for result in (fused, rule):
        assert result[0] == 0 and result[1] == 0 and result[3] == 0
        assert not np.isfinite(result[2])             # a nonzero upstream keeps the inf
    close(fused, rule, dtype)


@pytest.mark.parametrize("name", ["log", "exp"])
def test_zero_upstream_still_leaks_nan_for_log_and_exp(name):
    # TF: no special case there, 0 * inf = nan
    op = unary_op(name, "backward")
    x = np.array([0.0 if name == "log" else 1000.0], np.float32)
    g = np.zeros(1, np.float32)
    with np.errstate(all="ignore"):
        saved = x if _kernels.BACKWARD[name][1] == "x" else np.asarray(op.forward(x))
        assert np.isnan(_kernels.backward(name, g, saved)[0])
        assert np.isnan(run_rule(op, g, [saved])[0][0])


# --- unary forward kernels ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", sorted(_kernels.FORWARD))
@given(data=st.data())
def test_forward_kernel_matches_numpy(name, dtype, data):
    op = unary_op(name, "forward")
    x = data.draw(inputs(name, dtype), label="x")
    with np.errstate(all="ignore"):
        expected = np.asarray(op.forward(x), dtype=dtype)
    close(_kernels.forward(name, x), expected, dtype)


@pytest.mark.parametrize("name", sorted(_kernels.FORWARD))
def test_forward_kernel_at_special_values(name):
    op = unary_op(name, "forward")
    x = np.array([0.0, -0.0, -1.0, np.inf, -np.inf, np.nan, 100.0, -100.0], np.float32)
    with np.errstate(all="ignore"):
        expected = np.asarray(op.forward(x), np.float32)
        actual = _kernels.forward(name, x)
    np.testing.assert_allclose(actual, expected, rtol=5e-6, atol=0, equal_nan=True)


# --- binary kernels -----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", sorted(_kernels.BINARY))
@given(data=st.data())
def test_binary_kernels_match_forward_and_rule(name, dtype, data):
    op = binary_op(name)
    a = data.draw(inputs(name, dtype), label="a")
    b = data.draw(inputs(name, dtype, a.shape), label="b")
    if name == "truediv":
        b = np.where(np.abs(b) < 0.1, 1.0, b).astype(dtype)
    g = data.draw(arrays(dtype, a.shape, elements=st.floats(-3, 3, width=32)), label="g")
    with np.errstate(all="ignore"):
        fwd = _kernels.binary_forward(name, a, b)
        if fwd is not None:
            close(fwd, np.asarray(op.forward(a, b), dtype), dtype)
        grads = _kernels.binary_backward(name, g, a, b)
        if _kernels.BINARY[name][1] is None:          # a forward-only kernel
            assert grads is None
            return
        params = list(__import__("inspect").signature(op.rule).parameters)[1:]
        saved = [{"x": a, "y": b}[p] for p in params if p in ("x", "y")]
        needs = (True, True)
        out = op.rule(_engine.wrap(g), *[_engine.wrap(s) for s in saved],
                      *([needs] if op.rule_wants_needs else []))
    assert grads is not None
    for fused, rule in zip(grads, out, strict=True):
        close(np.asarray(fused), np.asarray(rule), dtype)


def test_binary_forward_kernel_declines_what_it_cannot_do():
    a = np.ones((2, 3), np.float32)
    assert _kernels.binary_forward("add", a, np.ones((3,), np.float32)) is None   # broadcast
    assert _kernels.binary_forward("add", a, np.ones((2, 3))) is None             # mixed
    assert _kernels.binary_forward("add", a, a.copy()) is not None
    assert _kernels.binary_forward("add", a, np.ones((3, 2), np.float32).T) is None  # F order
    big = np.ones(1 << 16, np.float32)
    assert _kernels.binary_forward("add", big, big) is None                        # large
    np.testing.assert_array_equal(
        _kernels.binary_forward("multiply", a, np.asarray(2.0, np.float32)), a * 2)


def test_binary_backward_kernel_declines_mixed_dtypes():
    a = np.ones(3, np.float32)
    assert _kernels.binary_backward("multiply", a, a, np.ones(3)) is None


# --- bad buffers raise --------------------------------------------------------------------

def test_non_contiguous_input_raises_value_error():
    x = np.ones((4, 4), np.float32)[:, ::2]
    with pytest.raises(ValueError, match="contiguous"):
        _kernels.forward("exp", x)
    with pytest.raises(ValueError):
        _kernels.backward("exp", x, np.ones((4, 2), np.float32))
    with pytest.raises(ValueError):
        _kernels.backward("exp", np.ones((4, 2), np.float32), x)


def test_mixed_dtypes_raise_value_error():
    with pytest.raises(ValueError):
        _kernels.backward("tanh", np.ones(3, np.float32), np.ones(3, np.float64))


def test_mismatched_sizes_raise_value_error():
    with pytest.raises(ValueError, match="share size"):
        _kernels.backward("tanh", np.ones(3, np.float32), np.ones(4, np.float32))


@pytest.mark.parametrize("dtype", [np.int32, np.float16, np.bool_, np.complex64])
def test_other_dtypes_raise_type_error(dtype):
    with pytest.raises(TypeError):
        _kernels.forward("exp", np.ones(3, dtype))
    with pytest.raises(TypeError):
        _kernels.backward("exp", np.ones(3, dtype), np.ones(3, dtype))


def test_unknown_kernel_names_raise_key_error():
    with pytest.raises(KeyError):
        _kernels.forward("no_such_kernel", np.ones(3))
    with pytest.raises(KeyError):
        _kernels.backward("no_such_kernel", np.ones(3), np.ones(3))


def test_large_arrays_release_the_gil_and_still_match():
    x = np.linspace(-3, 3, 1 << 16, dtype=np.float32)
    g = np.ones_like(x)
    np.testing.assert_allclose(_kernels.backward("tanh", g, np.tanh(x)), 1 - np.tanh(x) ** 2,
                               rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(_kernels.forward("sin", x), np.sin(x), rtol=5e-6, atol=1e-7)
