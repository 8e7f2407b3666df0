"""ADBench objectives (examples/adbench) run on fasttape.

Each objective is loaded with the fasttape backend and its value is checked
against an independent numpy/scipy evaluation, and its gradient / Jacobian
against central finite differences of ``objective`` (float64, small sizes).
"""

import importlib.util
import os

import numpy as np
import pytest
from scipy.special import logsumexp, multigammaln, softmax
from scipy.spatial.transform import Rotation

BACKEND = "fasttape"

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "_adbench_load_for_tests", os.path.join(ROOT, "examples", "adbench", "_load.py"))
_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_load)

FD_RTOL = 1e-6


def load(name):
    return _load.load_objective(name, BACKEND)


def to_np(value):
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.float64)


def check_float64(*tensors):
    for t in tensors:
        assert t.numpy().dtype == np.float64


def fd_jacobian(f, inputs, key, h=1e-6):
    """Central differences of f(inputs) w.r.t. inputs[key]: shape key.shape + f.shape."""
    base = np.array(inputs[key], dtype=np.float64)
    out = None
    for idx in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[idx] += h
        minus[idx] -= h
        d = (f(dict(inputs, **{key: plus})) - f(dict(inputs, **{key: minus}))) / (2.0 * h)
        if out is None:
            out = np.zeros(base.shape + np.shape(d))
        out[idx] = d
    return out


def assert_close_rel(actual, expected, rtol=FD_RTOL):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(np.max(np.abs(expected)), 1e-12)
    err = np.max(np.abs(actual - expected)) / scale
    assert err < rtol, "max relative error %.3g >= %.3g" % (err, rtol)


# ---------------------------------------------------------------------------
# GMM
# ---------------------------------------------------------------------------

def gmm_reference(alphas, means, icf, x, wishart_gamma, wishart_m):
    k, d = means.shape
    n = x.shape[0]
    total = 0.0
    Qs = []
    for j in range(k):
        Q = np.diag(np.exp(icf[j, :d]))
        idx = d
        for col in range(d):
            for row in range(col + 1, d):
                Q[row, col] = icf[j, idx]
                idx += 1
        Qs.append(Q)
    for i in range(n):
        terms = [alphas[j] + np.sum(icf[j, :d]) - 0.5 * np.sum((Qs[j] @ (x[i] - means[j])) ** 2)
                 for j in range(k)]
        total += logsumexp(terms)
    g, m = wishart_gamma, wishart_m
    n_w = d + m + 1
    prior = sum(0.5 * g * g * np.sum(Q ** 2) - m * np.sum(icf[j, :d]) for j, Q in enumerate(Qs))
    prior -= k * (n_w * d * (np.log(g) - 0.5 * np.log(2.0)) - multigammaln(0.5 * n_w, d))
    return -0.5 * n * d * np.log(2.0 * np.pi) + total - n * logsumexp(alphas) + prior


def test_gmm_value_and_gradient():
    gmm = load("gmm")
    inputs = gmm.make_inputs(d=3, k=2, n=8, seed=1, wishart_gamma=1.3, wishart_m=2)
    value, grads = gmm.gradient(**inputs)
    check_float64(value, *grads)
    np.testing.assert_allclose(to_np(value), gmm_reference(**inputs), rtol=1e-12)
    np.testing.assert_allclose(to_np(gmm.objective(**inputs)), to_np(value), rtol=1e-13)

    def f(inp):

        return to_np(gmm.objective(**inp))
    for key, grad in zip(("alphas", "means", "icf"), grads):
        assert tuple(grad.shape) == inputs[key].shape
        assert_close_rel(to_np(grad), fd_jacobian(f, inputs, key))


# ---------------------------------------------------------------------------
# BA
# ---------------------------------------------------------------------------

def ba_reference(cams, X, w, obs, feats):
    reproj = []
    for i, (c, p) in enumerate(obs):
        cam = cams[c]
        Xcam = Rotation.from_rotvec(cam[0:3]).apply(X[p] - cam[3:6])
        u = Xcam[:2] / Xcam[2]
        rsq = np.sum(u ** 2)
        proj = u * (1.0 + cam[9] * rsq + cam[10] * rsq ** 2) * cam[6] + cam[7:9]
        reproj.append((proj - feats[i]) * w[i])
    return np.array(reproj), 1.0 - w ** 2


def test_ba_value_and_jacobian():
    ba = load("ba")
    n_cams, n_pts, n_obs = 3, 5, 10
    inputs = ba.make_inputs(n_cams, n_pts, n_obs, seed=2)
    assert np.all(inputs["cams"][0, 0:3] == 0.0)  # small-angle branch is exercised
    reproj, w_err, J_reproj, J_w = ba.jacobian(**inputs)
    check_float64(reproj, w_err, J_reproj, J_w)
    assert tuple(reproj.shape) == (n_obs, 2)
    assert tuple(w_err.shape) == (n_obs,)
    assert tuple(J_reproj.shape) == (n_obs, 2, 15)
    assert tuple(J_w.shape) == (n_obs,)

    ref_reproj, ref_w_err = ba_reference(**inputs)
    np.testing.assert_allclose(to_np(reproj), ref_reproj, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(to_np(w_err), ref_w_err, rtol=1e-14)
    obj_reproj, obj_w_err = ba.objective(**inputs)
    np.testing.assert_allclose(to_np(obj_reproj), to_np(reproj), rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(to_np(obj_w_err), to_np(w_err), rtol=1e-14)

    def residuals(inp):
        r, we = ba.objective(**inp)
        return np.concatenate([to_np(r).ravel(), to_np(we)])

    J = ba.dense_jacobian(inputs["obs"], n_cams, n_pts, to_np(J_reproj), to_np(J_w))
    J_fd = np.concatenate([fd_jacobian(residuals, inputs, key).reshape(-1, 3 * n_obs)
                           for key in ("cams", "X", "w")]).T
    assert_close_rel(J, J_fd)


# ---------------------------------------------------------------------------
# HT
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("complicated", [False, True], ids=["simple", "complicated"])
def test_ht_value_and_jacobian(complicated):
    ht = load("ht")
    n_pts = 5
    inputs = ht.make_inputs(n_pts=n_pts, complicated=complicated, seed=4, verts_per_bone=3,
                            is_mirrored=complicated)
    err, J = ht.jacobian(**inputs)
    check_float64(err, J)
    n_cols = 26 + (2 if complicated else 0)
    assert tuple(err.shape) == (3 * n_pts,)
    assert tuple(J.shape) == (3 * n_pts, n_cols)
    np.testing.assert_allclose(to_np(ht.objective(**inputs)).ravel(), to_np(err), rtol=1e-13,
                               atol=1e-13)

    def f(inp):

        return to_np(ht.objective(**inp)).ravel()
    J_fd = fd_jacobian(f, inputs, "theta").T
    if complicated:
        d_us = fd_jacobian(f, inputs, "us")  # (n_pts, 2, 3 n_pts), block diagonal
        rows = np.arange(3 * n_pts)
        J_fd = np.concatenate([d_us[rows // 3, :, rows], J_fd], axis=1)
    assert_close_rel(to_np(J), J_fd)


def test_ht_rest_pose_reproduces_base_vertices():
    ht = load("ht")
    inputs = ht.make_inputs(n_pts=6, complicated=False, seed=7, verts_per_bone=2)
    inputs["theta"] = np.zeros(26)  # zero angle-axis -> small-angle branch
    err = to_np(ht.objective(**inputs))
    model = inputs["model"]
    expected = inputs["points"] - model["base_positions"][inputs["correspondences"], :3]
    np.testing.assert_allclose(err, expected, atol=1e-12)
    # the Jacobian at the small-angle branch still matches finite differences
    _, J = ht.jacobian(**inputs)
    def f(inp):
        return to_np(ht.objective(**inp)).ravel()
    assert_close_rel(to_np(J), fd_jacobian(f, inputs, "theta").T)


# ---------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------

def lstm_reference(main_params, extra_params, state, sequence):
    def sig(z):
        return 1.0 / (1.0 + np.exp(-z))
    c, b = sequence.shape
    n_layers = main_params.shape[0] // 2
    state = state.copy()
    total = 0.0
    for t in range(c - 1):
        x = sequence[t] * extra_params[0]
        for i in range(n_layers):
            W, B = main_params[2 * i], main_params[2 * i + 1]
            h, s = state[2 * i], state[2 * i + 1]
            f = sig(x * W[:b] + B[:b])
            ig = sig(h * W[b:2 * b] + B[b:2 * b])
            og = sig(x * W[2 * b:3 * b] + B[2 * b:3 * b])
            ch = np.tanh(h * W[3 * b:] + B[3 * b:])
            s = s * f + ig * ch
            h = og * np.tanh(s)
            state[2 * i], state[2 * i + 1] = h, s
            x = h
        y = x * extra_params[1] + extra_params[2]
        total += np.sum(sequence[t + 1] * (y - logsumexp(y)))
    return -total / ((c - 1) * b)


def test_lstm_value_and_gradient():
    lstm = load("lstm")
    inputs = lstm.make_inputs(n_layers=2, char_bits=4, seq_len=6, seed=5)
    loss, grads = lstm.gradient(**inputs)
    check_float64(loss, *grads)
    np.testing.assert_allclose(to_np(loss), lstm_reference(**inputs), rtol=1e-12)
    np.testing.assert_allclose(to_np(lstm.objective(**inputs)), to_np(loss), rtol=1e-13)

    def f(inp):

        return to_np(lstm.objective(**inp))
    for key, grad in zip(("main_params", "extra_params"), grads):
        assert tuple(grad.shape) == inputs[key].shape
        assert_close_rel(to_np(grad), fd_jacobian(f, inputs, key))


# ---------------------------------------------------------------------------
# LSE
# ---------------------------------------------------------------------------

def test_lse_value_and_gradient_small():
    lse = load("lse")
    inputs = lse.make_inputs(n=40, seed=1, offset=0.0)
    value, grad = lse.gradient(**inputs)
    check_float64(value, grad)
    np.testing.assert_allclose(to_np(value), logsumexp(inputs["x"]), rtol=1e-14)
    np.testing.assert_allclose(to_np(lse.objective_builtin(**inputs)), logsumexp(inputs["x"]),
                               rtol=1e-14)
    def f(inp):
        return to_np(lse.objective(**inp))
    assert_close_rel(to_np(grad), fd_jacobian(f, inputs, "x", h=1e-5))


def test_lse_is_stable_at_benchmark_size():
    lse = load("lse")
    inputs = lse.make_inputs(n=10000, seed=0)  # offset 800: naive exp overflows
    value, grad = lse.gradient(**inputs)
    assert tuple(grad.shape) == (10000,)
    np.testing.assert_allclose(to_np(value), logsumexp(inputs["x"]), rtol=1e-14)
    np.testing.assert_allclose(to_np(lse.objective_builtin(**inputs)), logsumexp(inputs["x"]),
                               rtol=1e-14)
    np.testing.assert_allclose(to_np(grad), softmax(inputs["x"]), rtol=1e-10, atol=1e-18)
    assert abs(np.sum(to_np(grad)) - 1.0) < 1e-12
