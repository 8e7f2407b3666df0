"""Markdown (RESULTS.md), console and JSON renderings of a benchmark run."""

from __future__ import annotations

import json
import math

from harness import BASELINE, FASTTAPE, TimingConfig, WorkloadResult, evaluate_bar


def fmt_us(seconds: float) -> str:
    """Seconds -> microseconds with 3 significant digits (no exponent)."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    us = seconds * 1e6
    if us >= 1000:
        return f"{us:,.0f}"
    if us >= 100:
        return f"{us:.0f}"
    if us >= 10:
        return f"{us:.1f}"
    if us >= 1:
        return f"{us:.2f}"
    return f"{us:.3f}"


def fmt_ratio(r: float) -> str:
    if r is None or not math.isfinite(r):
        return "—"
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    if r >= 0.1:
        return f"{r:.2f}x"
    return f"{r:.2g}x"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def impl_rows(wres: WorkloadResult) -> list[dict]:
    """One dict per impl with the figures the tables show."""
    base = wres.by_role(BASELINE)
    ft = wres.by_role(FASTTAPE)
    base_med = base.median if base is not None and base.timed else math.nan
    ft_med = ft.median if ft is not None and ft.timed else math.nan
    rows = []
    for r in wres.impls:
        row = {"name": r.name, "role": r.role, "framework": r.framework, "status": r.status,
               "message": r.message, "note": r.note}
        if r.timed:
            row.update(
                median_s=r.median,
                per_op_s=r.median / wres.workload.n_ops if wres.workload.n_ops else None,
                iqr_rel=r.iqr_rel,
                rounds=len(r.per_call_s),
                inner=r.inner,
                vs_numpy=r.median / base_med if math.isfinite(base_med) else math.nan,
                ft_speedup=(r.median / ft_med
                            if math.isfinite(ft_med) and r.role != FASTTAPE else math.nan),
            )
        rows.append(row)
    return rows


def _status_text(row: dict) -> str:
    if row["status"] == "ok":
        return "ok" + (f" ({row['note']})" if row.get("note") else "")
    return f"{row['status']}: {row['message']}"


def workload_markdown(wres: WorkloadResult) -> list[str]:
    w = wres.workload
    out = [f"## `{w.name}` — {w.title}", "", w.description, ""]
    for note in w.notes:
        out.append(f"- {note}")
    if w.notes:
        out.append("")
    if wres.error:
        return out + [f"**Could not build this workload:** {wres.error}", ""]
    per_op = w.n_ops is not None
    head = ["implementation", "median µs/call"]
    if per_op:
        head.append(f"µs/op ({w.n_ops} ops)")
    head += ["IQR/median", "rounds × calls", "× numpy (median / numpy)",
             "fasttape speed-up (this / fasttape)", "status"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] + ["--:"] * (len(head) - 2) + ["---"]) + "|")
    for row in impl_rows(wres):
        if row["status"] == "ok" and "median_s" in row:
            cells = [row["name"], fmt_us(row["median_s"])]
            if per_op:
                cells.append(fmt_us(row["per_op_s"]))
            iqr = row["iqr_rel"]
            cells += [
                f"{iqr * 100:.0f}%" if math.isfinite(iqr) else "—",
                f"{row['rounds']} × {row['inner']}",
                fmt_ratio(row["vs_numpy"]),
                fmt_ratio(row["ft_speedup"]),
                _status_text(row),
            ]
        else:
            cells = [row["name"], "—"] + (["—"] if per_op else []) + ["—"] * 4
            cells.append(_status_text(row))
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    out.append("")
    if wres.reference:
        out.append(f"Outputs checked against `{wres.reference}` (rtol={w.rtol:g}, "
                   f"atol={w.atol:g}·max|ref|) before and after timing. "
                   f"{wres.rounds} interleaved rounds, {wres.wall_s:.1f} s wall.")
        out.append("")
    if w.bars:
        out.append("Bars:")
        out.append("")
        for bar in w.bars:
            verdict, detail = evaluate_bar(bar, wres)
            out.append(f"- **{verdict}** — {bar.text}: {detail}")
        out.append("")
    return out


def results_markdown(
    results: list[WorkloadResult],
    *,
    command: str,
    machine: list[tuple[str, str]],
    cfg: TimingConfig,
    quick: bool,
    standin: bool,
) -> str:
    out = ["# fasttape benchmark results", ""]
    if standin:
        out += ["> **DEBUG RUN: the fasttape column is a stand-in module, not fasttape. "
                "These figures say nothing about fasttape.**", ""]
    if quick:
        out += ["> **Quick smoke run (`--quick`): few short repeats; do not cite these "
                "ratios.**", ""]
    out += ["Produced by:", "", "```", command, "```", ""]
    out += ["| machine / software | |", "|---|---|"]
    out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in machine]
    out.append("")
    out += [
        "Method: all implementations of a workload are timed in the same process, in "
        "interleaved rounds (each round times one repeat of every implementation, in a "
        "fresh random order); a repeat is `inner` back-to-back calls lasting about "
        f"{cfg.target_repeat_s * 1e3:g} ms, timed with `time.perf_counter` with the "
        "garbage collector disabled (collected between rounds, untimed), after "
        f"warm-up calls (≥{cfg.warmup_calls} and ≥{cfg.warmup_s:g} s each). Per "
        f"workload: ≥{cfg.min_rounds} rounds and until {cfg.budget_s:g} s of rounds "
        f"(≤{cfg.max_rounds} rounds). The figure is the median over rounds of the "
        "per-call time. Every implementation runs single-threaded (see the thread rows "
        "above). '× numpy' = that median / the numpy baseline's median; 'fasttape "
        "speed-up' = that median / fasttape's median (>1 means fasttape is faster). "
        "Before timing, each implementation's outputs (values and gradients) are "
        "compared with the reference; one that raises or disagrees is not timed.",
        "",
    ]
    # Summary of the bars.
    out += ["## Bars", "", "| workload | bar | verdict | detail |", "|---|---|---|---|"]
    for wres in results:
        for bar in wres.workload.bars:
            verdict, detail = evaluate_bar(bar, wres)
            if standin and verdict != "n/a":
                verdict += " (stand-in)"
            out.append(f"| `{wres.workload.name}` | {_cell(bar.text)} | **{verdict}** | "
                       f"{_cell(detail)} |")
    out.append("")
    for wres in results:
        out += workload_markdown(wres)
    return "\n".join(out).rstrip() + "\n"


def console_summary(wres: WorkloadResult) -> str:
    """A compact plain-text table for the terminal."""
    w = wres.workload
    lines = []
    if wres.error:
        return f"  could not build: {wres.error}"
    for row in impl_rows(wres):
        if "median_s" in row:
            per_op = f"  {fmt_us(row['per_op_s']):>8} µs/op" if w.n_ops else ""
            lines.append(
                f"  {row['name']:<34} {fmt_us(row['median_s']):>10} µs{per_op}"
                f"  ×numpy {fmt_ratio(row['vs_numpy']):>8}"
                f"  ft-speedup {fmt_ratio(row['ft_speedup']):>8}"
                f"  (IQR {row['iqr_rel'] * 100:.0f}%, {row['rounds']}×{row['inner']})"
            )
        else:
            lines.append(f"  {row['name']:<34} {row['status']}: {row['message']}")
    for bar in w.bars:
        verdict, detail = evaluate_bar(bar, wres)
        lines.append(f"  bar: [{verdict}] {bar.text}: {detail}")
    return "\n".join(lines)


def results_json(results: list[WorkloadResult], *, command: str, machine) -> str:
    data = {"command": command, "machine": dict(machine), "workloads": {}}
    for wres in results:
        data["workloads"][wres.workload.name] = {
            "error": wres.error,
            "reference": wres.reference,
            "rounds": wres.rounds,
            "impls": [
                {**{k: v for k, v in row.items()
                    if not (isinstance(v, float) and not math.isfinite(v))},
                 "per_call_s": wres.get(row["name"]).per_call_s}
                for row in impl_rows(wres)
            ],
            "bars": [
                dict(zip(("text", "verdict", "detail"), (b.text, *evaluate_bar(b, wres))))
                for b in wres.workload.bars
            ],
        }
    return json.dumps(data, indent=1)
