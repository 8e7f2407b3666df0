"""Workload registry, numerical agreement check and interleaved timing.

Terms:
    workload        one function to differentiate, e.g. ``mlp_step``; it builds one
                    ``Impl`` per framework from the same input arrays.
    impl            one implementation of a workload: the hand-written numpy baseline,
                    fasttape (the TF-API code run with ``import fasttape as tf``), or a
                    peer (TensorFlow running that same code, PyTorch written as a torch
                    user would).  ``Impl.make()`` does the set-up (creating Variables,
                    ...) and returns the zero-argument callable that is timed.
    reference       the impl every other impl's outputs are compared with: the numpy
                    baseline, or the first peer that ran when a workload has none.

Method: every impl is called once and its outputs (values and gradients, converted to
numpy) are compared with the reference; an impl that raises or disagrees is reported
and not timed.  The survivors are warmed up, each gets an inner call count so that
one repeat lasts about ``target_repeat_s``, and then rounds run until the time budget
is spent: each round times one repeat of every impl, in a fresh random order, with
the garbage collector disabled (``gc.collect`` runs between rounds, untimed).  The
figure per impl is the median over rounds of (repeat time / inner calls).  Medians
of interleaved short repeats keep the ratios stable on a shared, noisy machine; the
ratios, not the absolute times, are the result.
"""

from __future__ import annotations

import gc
import math
import random
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

BASELINE = "baseline"
FASTTAPE = "fasttape"
PEER = "peer"


@dataclass
class Impl:
    """One implementation of a workload."""

    name: str  # column label, unique within the workload ("torch (vectorize=True)")
    role: str  # BASELINE, FASTTAPE or PEER
    framework: str  # "numpy", "fasttape", "torch", "tensorflow", ...
    make: Callable[[], Callable[[], Any]]
    note: str = ""


@dataclass
class Bar:
    """A performance target, evaluated on the medians.

    kind "faster": fasttape must be at least ``factor`` times faster than ``peer``
    (an impl name; "*" means every peer that was measured).
    kind "max_vs_baseline": fasttape's median must be at most ``factor`` times the
    numpy baseline's.
    ``per_op`` only changes the wording: the ratio is the same per call or per op.
    """

    text: str
    kind: str
    factor: float
    peer: str = ""


@dataclass
class Workload:
    name: str
    title: str
    description: str
    build: Callable[[Any, np.random.Generator], list[Impl]]  # (Frameworks, rng) -> impls
    bars: list[Bar] = field(default_factory=list)
    n_ops: int | None = None  # recorded ops per call, for a per-op column
    rtol: float = 1e-4
    atol: float = 1e-5  # absolute tolerance as a fraction of max |reference| per array
    notes: list[str] = field(default_factory=list)
    source: str = "built-in"


WORKLOADS: dict[str, Workload] = {}


def register(workload: Workload) -> Workload:
    """Adds a workload to the registry (ADBench objectives come in through this)."""
    if workload.name in WORKLOADS:
        raise ValueError(f"workload {workload.name!r} registered twice")
    WORKLOADS[workload.name] = workload
    return workload


# ---------------------------------------------------------------------------
# Converting and comparing outputs
# ---------------------------------------------------------------------------


def to_numpy(obj: Any) -> Any:
    """Converts a nest of framework tensors to the same nest of numpy arrays."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return {k: to_numpy(obj[k]) for k in sorted(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_numpy(v) for v in obj]
    if isinstance(obj, np.ndarray) or np.isscalar(obj) or isinstance(obj, np.generic):
        return np.asarray(obj)
    if type(obj).__module__.startswith("torch"):
        return obj.detach().cpu().numpy()
    if hasattr(obj, "numpy"):  # tf.Tensor / tf.Variable / fasttape.Tensor
        return np.asarray(obj.numpy())
    return np.asarray(obj)


def _leaves(obj: Any, path: str = "out"):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, f"{path}[{k!r}]")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, obj


def _structure(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _structure(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_structure(v) for v in obj]
    return None if obj is None else "leaf"


def compare(ref: Any, got: Any, rtol: float, atol_frac: float) -> str | None:
    """Returns None when ``got`` matches ``ref``, else a one-line reason."""
    if _structure(ref) != _structure(got):
        return f"output structure differs: expected {_structure(ref)}, got {_structure(got)}"
    for (path, r), (_, g) in zip(_leaves(ref), _leaves(got)):
        if r is None:
            continue
        if r.shape != g.shape:
            return f"{path}: shape {g.shape} != expected {r.shape}"
        if r.dtype.kind == "f" and r.dtype != g.dtype:
            return f"{path}: dtype {g.dtype} != expected {r.dtype}"
        r64 = r.astype(np.float64)
        g64 = g.astype(np.float64)
        if not np.all(np.isfinite(g64) == np.isfinite(r64)):
            return f"{path}: non-finite values where the reference has finite ones (or v.v.)"
        scale = float(np.max(np.abs(r64[np.isfinite(r64)]), initial=0.0))
        atol = atol_frac * scale + 1e-30
        ok = np.isclose(g64, r64, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(ok):
            bad = np.argwhere(~ok)
            idx = tuple(bad[0]) if bad.size else ()
            err = np.max(np.abs(g64 - r64)[~ok])
            return (
                f"{path}: {int((~ok).sum())}/{ok.size} values differ "
                f"(max abs err {err:.3g}; first at {idx}: got {g64[idx]!r}, "
                f"expected {r64[idx]!r}; rtol={rtol}, atol={atol:.3g})"
            )
    return None


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


@dataclass
class TimingConfig:
    warmup_s: float = 0.3  # per impl, after the checking call
    warmup_calls: int = 3  # at least this many warm-up calls
    target_repeat_s: float = 0.005  # one timed repeat lasts about this long
    min_rounds: int = 15
    max_rounds: int = 400
    budget_s: float = 10.0  # wall time for the timed rounds of one workload

    @classmethod
    def quick(cls) -> TimingConfig:
        return cls(warmup_s=0.02, warmup_calls=2, target_repeat_s=0.001,
                   min_rounds=5, max_rounds=60, budget_s=0.6)


@dataclass
class ImplResult:
    name: str
    role: str
    framework: str
    note: str = ""
    status: str = "ok"  # "ok", "error", "disagrees", "skipped"
    message: str = ""
    per_call_s: list[float] = field(default_factory=list)  # one value per round
    inner: int = 0

    @property
    def timed(self) -> bool:
        return self.status == "ok" and bool(self.per_call_s)

    @property
    def median(self) -> float:
        return float(np.median(self.per_call_s)) if self.per_call_s else math.nan

    @property
    def iqr_rel(self) -> float:
        if len(self.per_call_s) < 2:
            return math.nan
        q1, q3 = np.percentile(self.per_call_s, [25, 75])
        return float((q3 - q1) / self.median)


@dataclass
class WorkloadResult:
    workload: Workload
    impls: list[ImplResult]
    reference: str | None = None
    rounds: int = 0
    wall_s: float = 0.0
    error: str | None = None  # the workload could not be built at all

    def get(self, name: str) -> ImplResult | None:
        for r in self.impls:
            if r.name == name:
                return r
        return None

    def by_role(self, role: str) -> ImplResult | None:
        for r in self.impls:
            if r.role == role:
                return r
        return None


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return line[:300]


def _where(exc: BaseException) -> str:
    """The innermost frame of the traceback, to make 'error' lines actionable."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""

    def fmt(fr):
        return f"{fr.filename.rsplit('/', 1)[-1]}:{fr.lineno} in {fr.name}"

    text = f" [at {fmt(tb[-1])}"
    # The last frame in workload code says which line (which op) of the workload failed.
    def is_own(fr):
        return ("/benchmarks/" in fr.filename and not fr.filename.endswith("harness.py")
                or "/examples/" in fr.filename)

    own = [fr for fr in tb[:-1] if is_own(fr)]
    if own and not is_own(tb[-1]):
        text += f"; called from {fmt(own[-1])}"
    return text + "]"


def run_workload(
    workload: Workload,
    fw: Any,
    cfg: TimingConfig,
    *,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> WorkloadResult:
    """Builds, checks and times every impl of one workload (never raises)."""
    t_start = time.perf_counter()
    rng = np.random.default_rng(seed)
    try:
        impls = workload.build(fw, rng)
    except Exception as exc:  # noqa: BLE001
        log(f"  {workload.name}: could not build the workload: {_short(exc)}{_where(exc)}")
        return WorkloadResult(workload, [], error=_short(exc))

    results: list[ImplResult] = []
    fns: dict[str, Callable[[], Any]] = {}
    outputs: dict[str, Any] = {}
    for impl in impls:
        res = ImplResult(impl.name, impl.role, impl.framework, impl.note)
        results.append(res)
        if impl.make is None:  # framework missing: the builder says why in the note
            res.status, res.message = "skipped", impl.note
            continue
        try:
            fn = impl.make()
            out = fn()
            outputs[impl.name] = to_numpy(out)
            fns[impl.name] = fn
        except Exception as exc:  # noqa: BLE001 - e.g. fasttape lacks an op
            res.status, res.message = "error", _short(exc) + _where(exc)

    # Pick the reference: the baseline if it ran, else the first peer that ran.
    order = [r for r in results if r.role == BASELINE] + [r for r in results if r.role == PEER]
    ref = next((r for r in order if r.name in outputs), None)
    wres = WorkloadResult(workload, results, reference=ref.name if ref else None)
    if ref is None:
        for r in results:
            if r.status == "ok":
                r.status, r.message = "skipped", "no reference implementation ran"
                fns.pop(r.name, None)
    else:
        for r in results:
            if r.name in fns and r is not ref:
                why = compare(outputs[ref.name], outputs[r.name], workload.rtol, workload.atol)
                if why is not None:
                    r.status, r.message = "disagrees", f"disagrees with {ref.name}: {why}"
                    fns.pop(r.name)

    for r in results:
        if r.status != "ok":
            log(f"  {r.name}: {r.status} {r.message}")

    # Warm-up and calibration of the inner call count.
    inner: dict[str, int] = {}
    for name, fn in list(fns.items()):
        try:
            durations = []
            t_w = time.perf_counter()
            while len(durations) < cfg.warmup_calls or time.perf_counter() - t_w < cfg.warmup_s:
                t0 = time.perf_counter()
                fn()
                durations.append(time.perf_counter() - t0)
                if len(durations) >= 10_000:
                    break
            est = float(np.median(durations[1:] if len(durations) > 1 else durations))
            inner[name] = max(1, int(cfg.target_repeat_s / max(est, 1e-9)))
        except Exception as exc:  # noqa: BLE001
            res = wres.get(name)
            res.status, res.message = "error", "during warm-up: " + _short(exc) + _where(exc)
            fns.pop(name)

    # Interleaved rounds.
    names = list(fns)
    shuffler = random.Random(seed)
    per_call: dict[str, list[float]] = {n: [] for n in names}
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    t_rounds = time.perf_counter()
    rounds = 0
    perf_counter = time.perf_counter
    try:
        while names:
            shuffler.shuffle(names)
            for name in names:
                fn, n_inner = fns[name], inner[name]
                try:
                    t0 = perf_counter()
                    for _ in range(n_inner):
                        fn()
                    t1 = perf_counter()
                except Exception as exc:  # noqa: BLE001
                    res = wres.get(name)
                    res.status, res.message = "error", "while timing: " + _short(exc)
                    per_call.pop(name)
                    continue
                per_call[name].append((t1 - t0) / n_inner)
            names = [n for n in names if n in per_call]
            rounds += 1
            gc.collect(1)
            elapsed = perf_counter() - t_rounds
            if rounds >= cfg.max_rounds:
                break
            if rounds >= cfg.min_rounds and elapsed >= cfg.budget_s:
                break
    finally:
        if gc_was_enabled:
            gc.enable()
        gc.collect()

    # Post-check: the outputs must still agree after thousands of calls (state leaks).
    for name, times in per_call.items():
        res = wres.get(name)
        res.per_call_s, res.inner = times, inner[name]
        if ref is not None and name != ref.name:
            try:
                why = compare(outputs[ref.name], to_numpy(fns[name]()), workload.rtol,
                              workload.atol)
            except Exception as exc:  # noqa: BLE001
                why = "raised after timing: " + _short(exc)
            if why is not None:
                res.status, res.message = "disagrees", "after timing, " + why
                log(f"  {name}: {res.message}")
    wres.rounds = rounds
    wres.wall_s = time.perf_counter() - t_start
    return wres


# ---------------------------------------------------------------------------
# Bars
# ---------------------------------------------------------------------------


def evaluate_bar(bar: Bar, wres: WorkloadResult) -> tuple[str, str]:
    """Returns (verdict, detail) with verdict "MET", "NOT MET" or "n/a"."""
    ft = wres.by_role(FASTTAPE)
    if ft is None or not ft.timed:
        why = f"fasttape {ft.status}" if ft is not None else "no fasttape impl"
        return "n/a", why
    if bar.kind == "max_vs_baseline":
        base = wres.by_role(BASELINE)
        if base is None or not base.timed:
            return "n/a", "no numpy baseline timed"
        ratio = ft.median / base.median
        verdict = "MET" if ratio <= bar.factor else "NOT MET"
        return verdict, f"fasttape = {ratio:.2f}x numpy (bar <= {bar.factor:g}x)"
    if bar.kind == "faster":
        peers = (
            [r for r in wres.impls if r.role == PEER]
            if bar.peer == "*"
            else [r for r in wres.impls if r.name == bar.peer]
        )
        if not peers:
            return "n/a", f"{bar.peer} not in this run"
        details, verdicts = [], []
        for p in peers:
            if not p.timed:
                details.append(f"{p.name}: not timed ({p.status})")
                continue
            speedup = p.median / ft.median
            verdicts.append(speedup >= bar.factor)
            details.append(f"{p.name}/fasttape = {speedup:.2f}x (bar >= {bar.factor:g}x)")
        if not verdicts:
            return "n/a", "; ".join(details)
        return ("MET" if all(verdicts) else "NOT MET"), "; ".join(details)
    raise ValueError(f"unknown bar kind {bar.kind!r}")
