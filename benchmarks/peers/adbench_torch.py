"""PyTorch peers of the ADBench objectives in ``examples/adbench/``.

Same algorithms, same loop structure (Python loop over GMM points, BA
observations one at a time, HT bones one at a time, LSTM time steps as a
Python loop, ...), written the way a PyTorch user would: float64 tensors,
``torch.autograd.grad`` for gradients and
``torch.autograd.functional.jacobian`` for the BA/HT Jacobians.

Every function takes the numpy dicts produced by the ``make_inputs`` of the
corresponding ``examples/adbench/<name>.py`` module (``**inputs``) and
returns torch tensors laid out exactly like the TensorFlow versions:

* ``gmm_gradient``  -> ``(value, (d_alphas, d_means, d_icf))``
* ``ba_jacobian``   -> ``(reproj_err, w_err, J_reproj (n_obs, 2, 15), J_w)``
* ``ht_jacobian``   -> ``(err (3 n_pts,), J (3 n_pts, 26 or 2 + 26))``
* ``lstm_gradient`` -> ``(loss, (d_main_params, d_extra_params))``
* ``lse_gradient``  -> ``(value, d_x)``

``numpy_lse_gradient`` (from ``adbench_numpy.py``) is the hand-written numpy
baseline for LSE.

``python benchmarks/peers/adbench_torch.py`` times them at the benchmark
sizes (inputs made by the example modules, loaded with fasttape if it
imports, else TensorFlow).
"""

import math
import os
import sys
import time

import numpy as np
import torch
from scipy.special import multigammaln

DT = torch.float64


def _t(a):
    return torch.as_tensor(np.asarray(a), dtype=DT)


def _leaf(a):
    return torch.tensor(np.asarray(a), dtype=DT, requires_grad=True)


def _mat(rows):
    """Nested list of 0-d tensors / Python numbers -> 2-D tensor (keeps autograd)."""
    out = []
    for row in rows:
        out.append(torch.stack([e if torch.is_tensor(e) else torch.tensor(float(e), dtype=DT)
                                for e in row]))
    return torch.stack(out)


# ---------------------------------------------------------------------------
# GMM
# ---------------------------------------------------------------------------

def _gmm_make_Q(icf_row, d):
    columns = []
    start = d
    for i in range(d):
        count = d - 1 - i
        columns.append(torch.cat([torch.zeros(i, dtype=DT), torch.exp(icf_row[i:i + 1]),
                                  icf_row[start:start + count]]))
        start += count
    return torch.stack(columns, dim=1)


def gmm_objective(alphas, means, icf, x, wishart_gamma=1.0, wishart_m=0):
    n, d = x.shape
    k = alphas.shape[0]
    Qs = torch.stack([_gmm_make_Q(icf[j], d) for j in range(k)])
    Qdiags = torch.exp(icf[:, :d])
    sum_qs = icf[:, :d].sum(dim=1)
    per_point = []
    for i in range(n):
        xcentered = x[i] - means
        Qxcentered = torch.matmul(Qs, xcentered.unsqueeze(-1)).squeeze(-1)
        main_term = alphas + sum_qs - 0.5 * (Qxcentered ** 2).sum(dim=1)
        per_point.append(torch.logsumexp(main_term, dim=0))
    slse = torch.stack(per_point).sum()
    constant = -n * d * 0.5 * math.log(2.0 * math.pi)
    lse_alphas = torch.logsumexp(alphas, dim=0)
    n_w = d + wishart_m + 1
    frob = (Qdiags ** 2).sum(dim=1) + (icf[:, d:] ** 2).sum(dim=1)
    out = (0.5 * wishart_gamma * wishart_gamma * frob - wishart_m * sum_qs).sum()
    C = n_w * d * (math.log(wishart_gamma) - 0.5 * math.log(2.0)) - multigammaln(0.5 * n_w, d)
    return constant + slse - n * lse_alphas + out - k * C


def gmm_gradient(alphas, means, icf, x, wishart_gamma=1.0, wishart_m=0):
    alphas, means, icf = _leaf(alphas), _leaf(means), _leaf(icf)
    value = gmm_objective(alphas, means, icf, _t(x), float(wishart_gamma), int(wishart_m))
    grads = torch.autograd.grad(value, [alphas, means, icf])
    return value.detach(), tuple(grads)


# ---------------------------------------------------------------------------
# BA
# ---------------------------------------------------------------------------

BA_SMALL_SQTHETA = 1e-16


def _rodrigues_rotate_point(rot, X):
    sqtheta = (rot ** 2).sum()
    if sqtheta > BA_SMALL_SQTHETA:
        theta = torch.sqrt(sqtheta)
        costheta, sintheta = torch.cos(theta), torch.sin(theta)
        axis = rot / theta
        axis_cross_X = torch.linalg.cross(axis, X)
        tmp = torch.dot(axis, X) * (1.0 - costheta)
        return X * costheta + axis_cross_X * sintheta + axis * tmp
    return X + torch.linalg.cross(rot, X)


def _ba_project(cam, X):
    Xcam = _rodrigues_rotate_point(cam[0:3], X - cam[3:6])
    proj = Xcam[0:2] / Xcam[2]
    rsq = (proj ** 2).sum()
    distorted = proj * (1.0 + cam[9] * rsq + cam[10] * rsq * rsq)
    return distorted * cam[6] + cam[7:9]


def _ba_reproj_error(cam, X, w, feat):
    return (_ba_project(cam, X) - feat) * w


def ba_objective(cams, X, w, obs, feats):
    obs = np.asarray(obs)
    cam_per_obs = cams[torch.as_tensor(obs[:, 0])]
    X_per_obs = X[torch.as_tensor(obs[:, 1])]
    reproj = [_ba_reproj_error(cam_per_obs[i], X_per_obs[i], w[i], feats[i])
              for i in range(w.shape[0])]
    return torch.stack(reproj), 1.0 - w ** 2


def ba_jacobian(cams, X, w, obs, feats):
    cams, X, w, feats = _t(cams), _t(X), _t(w), _t(feats)
    obs = np.asarray(obs)
    errs, blocks = [], []
    for i in range(w.shape[0]):
        params = torch.cat([cams[obs[i, 0]], X[obs[i, 1]], w[i:i + 1]])
        feat = feats[i]

        def f(p, feat=feat):
            return _ba_reproj_error(p[0:11], p[11:14], p[14], feat)

        errs.append(f(params))
        blocks.append(torch.autograd.functional.jacobian(f, params))
    w_leaf = w.clone().requires_grad_(True)
    w_err = 1.0 - w_leaf ** 2
    (J_w,) = torch.autograd.grad(w_err.sum(), [w_leaf])
    return torch.stack(errs), w_err.detach(), torch.stack(blocks), J_w


# ---------------------------------------------------------------------------
# HT
# ---------------------------------------------------------------------------

HT_SMALL_SQANGLE = 1e-16


def _ht_pose_params(theta, n_bones):
    pose = torch.zeros(n_bones + 3, 3, dtype=DT)
    pose[0] = theta[0:3]
    pose[1] = 1.0
    pose[2] = theta[3:6]
    i_theta, row = 6, 5
    for _ in range(5):
        pose[row, 0] = theta[i_theta]
        pose[row, 1] = theta[i_theta + 1]
        pose[row + 1, 0] = theta[i_theta + 2]
        pose[row + 2, 0] = theta[i_theta + 3]
        i_theta += 4
        row += 4
    return pose


def _ht_euler(xzy):
    tx, ty, tz = xzy[0], xzy[2], xzy[1]
    cx, sx = torch.cos(tx), torch.sin(tx)
    cy, sy = torch.cos(ty), torch.sin(ty)
    cz, sz = torch.cos(tz), torch.sin(tz)
    Rx = _mat([[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]])
    Ry = _mat([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    Rz = _mat([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
    return Rz @ (Ry @ Rx)


def _ht_homogeneous(R):
    top = torch.cat([R, torch.zeros(3, 1, dtype=DT)], dim=1)
    return torch.cat([top, torch.tensor([[0.0, 0.0, 0.0, 1.0]], dtype=DT)], dim=0)


def _ht_angle_axis(aa):
    if (aa ** 2).sum() > HT_SMALL_SQANGLE:
        n = torch.linalg.norm(aa)
        x, y, z = aa / n
        s, c = torch.sin(n), torch.cos(n)
        return _mat([
            [x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
            [x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s],
            [x * z * (1 - c) - y * s, y * z * (1 - c) + x * s, z * z + (1 - z * z) * c],
        ])
    x, y, z = aa
    return _mat([[1.0, -z, y], [z, 1.0, -x], [-y, x, 1.0]])


def _ht_vertices(pose, model):
    base_relatives = _t(model["base_relatives"])
    inverse_base_absolutes = _t(model["inverse_base_absolutes"])
    base_positions = _t(model["base_positions"])
    weights = _t(model["weights"])
    parents = model["parents"]
    absolutes = []
    for b, parent in enumerate(parents):
        rel = base_relatives[b] @ _ht_homogeneous(_ht_euler(pose[3 + b]))
        absolutes.append(rel if parent < 0 else absolutes[parent] @ rel)
    transforms = torch.stack([absolutes[b] @ inverse_base_absolutes[b]
                              for b in range(len(parents))])
    per_bone = torch.einsum("bij,vj->bvi", transforms[:, :3, :], base_positions)
    positions = torch.einsum("vb,bvi->vi", weights, per_bone)
    if model["is_mirrored"]:
        positions = positions * torch.tensor([-1.0, 1.0, 1.0], dtype=DT)
    R = _ht_angle_axis(pose[0]) * pose[1]
    return positions @ R.T + pose[2]


def ht_objective(theta, model, correspondences, points, us=None):
    pose = _ht_pose_params(theta, len(model["parents"]))
    vertices = _ht_vertices(pose, model)
    corr = np.asarray(correspondences)
    if us is None:
        hand = vertices[torch.as_tensor(corr)]
    else:
        tri = torch.as_tensor(np.asarray(model["triangles"])[corr])
        u0, u1 = us[:, 0:1], us[:, 1:2]
        hand = (u0 * vertices[tri[:, 0]] + u1 * vertices[tri[:, 1]]
                + (1.0 - u0 - u1) * vertices[tri[:, 2]])
    return points - hand


def ht_jacobian(theta, model, correspondences, points, us=None):
    theta, points = _t(theta), _t(points)
    if us is None:
        def f(th):
            return ht_objective(th, model, correspondences, points).reshape(-1)

        return f(theta).detach(), torch.autograd.functional.jacobian(f, theta)

    us = _t(us)

    def g(th, u):
        return ht_objective(th, model, correspondences, points, u).reshape(-1)

    J_theta, J_us = torch.autograd.functional.jacobian(g, (theta, us))
    rows = torch.arange(J_us.shape[0])
    J_us_compact = J_us[rows, rows // 3, :]  # block diagonal -> (3 n_pts, 2)
    return g(theta, us).detach(), torch.cat([J_us_compact, J_theta], dim=1)


# ---------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------

def _lstm_model(weight, bias, hidden, cell, inp):
    b = hidden.shape[0]
    forget = torch.sigmoid(inp * weight[0:b] + bias[0:b])
    ingate = torch.sigmoid(hidden * weight[b:2 * b] + bias[b:2 * b])
    outgate = torch.sigmoid(inp * weight[2 * b:3 * b] + bias[2 * b:3 * b])
    change = torch.tanh(hidden * weight[3 * b:] + bias[3 * b:])
    cell = cell * forget + ingate * change
    return outgate * torch.tanh(cell), cell


def _lstm_predict(main_params, extra_params, state, inp):
    n_layers = main_params.shape[0] // 2
    rows = list(torch.unbind(state))
    new_rows = []
    x = inp * extra_params[0]
    for i in range(n_layers):
        hidden, cell = _lstm_model(main_params[2 * i], main_params[2 * i + 1],
                                   rows[2 * i], rows[2 * i + 1], x)
        new_rows += [hidden, cell]
        x = hidden
    return x * extra_params[1] + extra_params[2], torch.stack(new_rows)


def lstm_objective(main_params, extra_params, state, sequence):
    c, b = sequence.shape
    total = torch.zeros((), dtype=DT)
    for t in range(c - 1):
        ypred, state = _lstm_predict(main_params, extra_params, state, sequence[t])
        total = total + (sequence[t + 1] * torch.log_softmax(ypred, dim=0)).sum()
    return -total / ((c - 1) * b)


def lstm_gradient(main_params, extra_params, state, sequence):
    main_params, extra_params = _leaf(main_params), _leaf(extra_params)
    loss = lstm_objective(main_params, extra_params, _t(state), _t(sequence))
    grads = torch.autograd.grad(loss, [main_params, extra_params])
    return loss.detach(), tuple(grads)


# ---------------------------------------------------------------------------
# LSE
# ---------------------------------------------------------------------------

def lse_objective(x):
    m = x.max()
    return m + torch.log(torch.exp(x - m).sum())


def lse_gradient(x):
    x = _leaf(x)
    value = lse_objective(x)
    (grad,) = torch.autograd.grad(value, [x])
    return value.detach(), grad


def _load_numpy_peers():
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adbench_numpy.py")
    spec = importlib.util.spec_from_file_location("_adbench_numpy_peers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Hand-written numpy baseline, picked up by benchmarks/adbench_hook.py as
# ``numpy_<torch function name>``.
numpy_lse_gradient = _load_numpy_peers().lse_gradient


# ---------------------------------------------------------------------------
# benchmark sizes and timing
# ---------------------------------------------------------------------------

BENCH_CASES = [
    # (label, example module, make_inputs kwargs, torch function, TF-module function)
    ("gmm d=10 k=5 n=1000", "gmm", dict(d=10, k=5, n=1000, seed=0), gmm_gradient, "gradient"),
    ("ba 10 observations", "ba", dict(n_cams=4, n_pts=8, n_obs=10, seed=0),
     ba_jacobian, "jacobian"),
    ("ht simple 10 points", "ht", dict(n_pts=10, complicated=False, seed=0),
     ht_jacobian, "jacobian"),
    ("ht complicated 10 points", "ht", dict(n_pts=10, complicated=True, seed=0),
     ht_jacobian, "jacobian"),
    ("lstm l=2 b=14 c=128", "lstm", dict(n_layers=2, char_bits=14, seq_len=128, seed=0),
     lstm_gradient, "gradient"),
    ("lse n=10000", "lse", dict(n=10000, seed=0), lse_gradient, "gradient"),
]


# Issue 4's bars for every objective: well ahead of TensorFlow eager running the same
# file, and ahead of PyTorch running the same algorithm written the same way.
BARS = {
    label: [
        ("fasttape >= 20x faster than TensorFlow eager (same file)", "faster", 20,
         "tensorflow"),
        ("fasttape faster than PyTorch (same algorithm, same loops)", "faster", 1, "torch"),
    ]
    for label, *_ in BENCH_CASES
}


def _load_example(name):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "examples", "adbench"))
    try:
        from _load import load_objective
    finally:
        sys.path.pop(0)
    try:
        return load_objective(name, "fasttape")
    except ImportError:
        return load_objective(name, "tensorflow")


def best_time(fn, kwargs, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(**kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    for label, name, make_kwargs, fn, _ in BENCH_CASES:
        inputs = _load_example(name).make_inputs(**make_kwargs)
        fn(**inputs)  # warm-up
        print("torch %-26s %8.4f s (best of 3)" % (label, best_time(fn, inputs)))

