"""Parity: the ADBench examples give the same results on fasttape and TensorFlow.

The same source file (examples/adbench/<name>.py) is executed twice, once
with ``fasttape`` bound to fasttape and once bound to TensorFlow, and every
returned tensor is compared: values, shapes and dtypes.
"""

import pytest

pytest.importorskip("tensorflow")

import importlib.util  # noqa: E402
import os  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "_adbench_load_for_parity", os.path.join(ROOT, "examples", "adbench", "_load.py"))
_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_load)

BACKEND = "fasttape"
REFERENCE = "tensorflow"

# (id, module, make_inputs kwargs, functions to compare)
CASES = [
    ("gmm", "gmm", dict(d=3, k=2, n=8, seed=1, wishart_gamma=1.3, wishart_m=2),
     ("objective", "gradient")),
    ("ba", "ba", dict(n_cams=3, n_pts=5, n_obs=10, seed=2), ("objective", "jacobian")),
    ("ht-simple", "ht", dict(n_pts=5, complicated=False, seed=4, verts_per_bone=3),
     ("objective", "jacobian")),
    ("ht-complicated", "ht", dict(n_pts=5, complicated=True, seed=4, verts_per_bone=3,
                                  is_mirrored=True), ("objective", "jacobian")),
    ("lstm", "lstm", dict(n_layers=2, char_bits=4, seq_len=6, seed=5), ("objective", "gradient")),
    ("lse", "lse", dict(n=1000, seed=0), ("objective", "objective_builtin", "gradient")),
]


def flatten(result):
    if isinstance(result, (tuple, list)):
        return [leaf for item in result for leaf in flatten(item)]
    return [result]


def dtype_name(t):
    return getattr(t.dtype, "name", str(t.dtype))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_adbench_parity(case):
    _, name, make_kwargs, functions = case
    ours = _load.load_objective(name, BACKEND)
    ref = _load.load_objective(name, REFERENCE)
    if BACKEND != REFERENCE:
        assert ours.tf is not ref.tf  # really two different engines

    inputs = ref.make_inputs(**make_kwargs)
    ours_inputs = ours.make_inputs(**make_kwargs)
    for key, value in inputs.items():  # input generation is numpy-only and deterministic
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(ours_inputs[key], value)

    for fn in functions:
        got = flatten(getattr(ours, fn)(**inputs))
        want = flatten(getattr(ref, fn)(**inputs))
        assert len(got) == len(want), fn
        for i, (g, w) in enumerate(zip(got, want)):
            where = "%s output %d" % (fn, i)
            assert dtype_name(g) == dtype_name(w) == "float64", where
            assert tuple(g.shape) == tuple(w.shape), where
            g_np, w_np = g.numpy(), w.numpy()
            assert g_np.dtype == w_np.dtype == np.float64, where
            assert g_np.shape == w_np.shape, where
            np.testing.assert_allclose(g_np, w_np, rtol=1e-10, atol=1e-12, err_msg=where)
