"""Registers the ADBench objectives of ``examples/adbench/`` as workloads.

Sources (written by others; this file only adapts them):

* ``examples/adbench/<name>.py``: written for ``import fasttape as tf``; exposes
  ``make_inputs(**kwargs) -> dict of numpy arrays`` and ``gradient(**inputs)`` or
  ``jacobian(**inputs)``.
* ``examples/adbench/_load.py``: ``load_objective(name, backend)`` execs that file
  with ``sys.modules['fasttape']`` swapped to the backend, so the same source runs
  under fasttape and under TensorFlow.  (``load_file`` below does the same swap
  with a module object, for the debug stand-in and in case ``_load.py`` is absent.)
* ``benchmarks/peers/adbench_torch.py``: the PyTorch versions, and ``BENCH_CASES``,
  a list of ``(label, example name, make_inputs kwargs, torch function,
  example function name)``.  Each case becomes a workload ``adbench_<label slug>``.

Optional, when present in the peers module: ``numpy_<torch function name>`` (e.g.
``numpy_gmm_gradient``) becomes the numpy baseline column, and ``BARS`` (a dict
from case label to a list of ``(text, kind, factor, peer)``) adds bars.  Without a
numpy baseline, outputs are checked against TensorFlow.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import re
import sys
from typing import Any

from harness import BASELINE, FASTTAPE, PEER, Bar, Impl, Workload, register

_counter = itertools.count()


@contextlib.contextmanager
def fasttape_is(module: Any):
    """Makes ``import fasttape`` resolve to ``module`` inside the block."""
    missing = object()
    saved = sys.modules.get("fasttape", missing)
    sys.modules["fasttape"] = module
    try:
        yield
    finally:
        if saved is missing:
            sys.modules.pop("fasttape", None)
        else:
            sys.modules["fasttape"] = saved


def load_file(path: str, fasttape_module: Any | None = None, prefix: str = "_bench"):
    """Execs ``path`` as a fresh module; with ``fasttape_module``, under the swap."""
    name = f"{prefix}_{os.path.splitext(os.path.basename(path))[0]}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    ctx = fasttape_is(fasttape_module) if fasttape_module is not None else contextlib.nullcontext()
    try:
        with ctx:
            spec.loader.exec_module(mod)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return mod


def slug(label: str) -> str:
    s = re.sub(r"[=]", "", label.lower())
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


class _Loader:
    """Loads an example under a backend module, through _load.py when it fits."""

    def __init__(self, folder: str):
        self.folder = folder
        load_py = os.path.join(folder, "_load.py")
        self.load_objective = None
        if os.path.exists(load_py):
            try:
                self.load_objective = load_file(load_py, prefix="_adbench_load").load_objective
            except Exception:  # noqa: BLE001 - fall back to load_file
                self.load_objective = None

    def __call__(self, name: str, module: Any, module_name: str):
        if self.load_objective is not None and module_name in ("fasttape", "tensorflow"):
            return self.load_objective(name, module_name)
        return load_file(os.path.join(self.folder, f"{name}.py"), module, prefix="_adbench")


def _make_builder(label, name, make_kwargs, torch_fn, fn_name, loader, peers):
    def build(fw, rng):
        # Inputs are numpy; any backend serves to run make_inputs.
        if fw.fasttape is not None:
            host, host_name = fw.fasttape, fw.fasttape_name
        else:
            host, host_name = fw.tf, "tensorflow"
        inputs = loader(name, host, host_name).make_inputs(**make_kwargs)

        impls: list[Impl] = []
        np_fn = getattr(peers, f"numpy_{torch_fn.__name__}", None)
        if callable(np_fn):
            impls.append(Impl("numpy", BASELINE, "numpy", lambda: (lambda: np_fn(**inputs)),
                              "hand-written"))

        ft_label = "fasttape" if not fw.standin else f"fasttape [stand-in: {fw.fasttape_name}]"

        def make_ft():
            if fw.fasttape is None:
                raise ImportError(f"import {fw.fasttape_name} failed: {fw.fasttape_error}")
            fn = getattr(loader(name, fw.fasttape, fw.fasttape_name), fn_name)
            return lambda: fn(**inputs)

        impls.append(Impl(ft_label, FASTTAPE, "fasttape", make_ft))

        if fw.tf is not None:
            def make_tf():
                fn = getattr(loader(name, fw.tf, "tensorflow"), fn_name)
                return lambda: fn(**inputs)

            impls.append(Impl("tensorflow", PEER, "tensorflow", make_tf, "same file, eager"))
        else:
            impls.append(Impl("tensorflow", PEER, "tensorflow", None,
                              f"tensorflow not available: {fw.tf_error}"))
        if fw.torch is not None:
            impls.append(Impl("torch", PEER, "torch", lambda: (lambda: torch_fn(**inputs)),
                              f"peers/adbench_torch.py:{torch_fn.__name__}"))
        else:
            impls.append(Impl("torch", PEER, "torch", None,
                              f"torch not available: {fw.torch_error}"))
        return impls

    return build


def register_adbench(repo_root: str, fw) -> list[str]:
    """Registers one workload per ADBench case; returns messages for the console."""
    folder = os.path.join(repo_root, "examples", "adbench")
    peers_path = os.path.join(repo_root, "benchmarks", "peers", "adbench_torch.py")
    if not os.path.isdir(folder):
        return []
    if not os.path.exists(peers_path):
        return [f"{os.path.relpath(peers_path, repo_root)} missing: no ADBench cases"]
    if fw.torch is None:
        return ["torch not available: the ADBench case list lives in the torch peers "
                "file, so no ADBench workloads"]
    try:
        peers = load_file(peers_path, prefix="_adbench_peers")
    except Exception as exc:  # noqa: BLE001
        return [f"cannot import {peers_path}: {type(exc).__name__}: {exc}"]
    loader = _Loader(folder)
    bars_by_label = getattr(peers, "BARS", {}) or {}
    messages = []
    for case in getattr(peers, "BENCH_CASES", []):
        try:
            label, name, make_kwargs, torch_fn, fn_name = case
            register(Workload(
                name=f"adbench_{slug(label)}",
                title=f"ADBench {label}",
                description=(
                    f"examples/adbench/{name}.py `{fn_name}(**make_inputs({_kw(make_kwargs)}))`"
                    f", loaded under each backend by examples/adbench/_load.py; torch peer "
                    f"benchmarks/peers/adbench_torch.py:{torch_fn.__name__}. Timed call "
                    "includes the file's own numpy -> tensor conversions."
                ),
                build=_make_builder(label, name, make_kwargs, torch_fn, fn_name, loader, peers),
                bars=[Bar(*spec) for spec in bars_by_label.get(label, [])],
                rtol=1e-6,
                atol=1e-8,
                source=f"examples/adbench/{name}.py",
            ))
        except Exception as exc:  # noqa: BLE001
            messages.append(f"case {case!r:.80}: not registered ({type(exc).__name__}: {exc})")
    return messages


def _kw(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
