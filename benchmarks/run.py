#!/usr/bin/env python
"""fasttape benchmark harness: fasttape vs hand-written numpy vs PyTorch vs TensorFlow.

    python benchmarks/run.py                      # every workload -> benchmarks/RESULTS.md
    python benchmarks/run.py --quick              # fast smoke run
    python benchmarks/run.py --only mlp_step --only hvp
    python benchmarks/run.py --list
    python benchmarks/run.py --quick --fasttape-module tensorflow   # debug: TF stands in

See benchmarks/README.md.  Thread pools are pinned BEFORE numpy/torch/tensorflow are
imported, which is why this file imports them only inside main().
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import shlex
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
DEFAULT_OUTPUT = os.path.join(HERE, "RESULTS.md")
STANDIN_OUTPUT = os.path.join(tempfile.gettempdir(), "fasttape-bench-standin-RESULTS.md")


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Time fasttape against the numpy baseline, PyTorch and TensorFlow.")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: short warm-up, few short repeats (~1 s per workload)")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="run only this workload (repeatable, or comma-separated)")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument("--fasttape-module", default="fasttape", metavar="MODULE",
                   help="module for the fasttape column (debug: 'tensorflow' stands in "
                        "while fasttape is not built; such a run never writes RESULTS.md "
                        "unless --output says so)")
    p.add_argument("--output", default=None, metavar="PATH",
                   help=f"markdown report path (default {os.path.relpath(DEFAULT_OUTPUT)}; "
                        f"{STANDIN_OUTPUT} for stand-in runs)")
    p.add_argument("--no-write", action="store_true", help="print only, write no report")
    p.add_argument("--json", default=None, metavar="PATH",
                   help="also write raw per-round timings as JSON")
    p.add_argument("--threads", type=int, default=1,
                   help="thread-pool size for every framework (default 1)")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="seconds of timed rounds per workload (default 10, quick 0.6)")
    p.add_argument("--repeat-ms", type=float, default=None, metavar="MS",
                   help="target length of one timed repeat (default 5, quick 1)")
    p.add_argument("--min-rounds", type=int, default=None)
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument("--no-tf", action="store_true", help="leave TensorFlow out")
    p.add_argument("--no-adbench", action="store_true",
                   help="do not look for ADBench objectives in examples/adbench/")
    p.add_argument("--seed", type=int, default=0, help="seed for inputs and round order")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    # A crash inside a compiled extension (fasttape's Cython engine) kills the process;
    # at least show where (which workload, which implementation) on stderr.
    faulthandler.enable()

    # Pin thread pools before anything imports numpy / torch / tensorflow.
    from frameworks import limit_threads_env

    limit_threads_env(args.threads)

    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import harness
    import report
    import workloads  # noqa: F401 - registers the built-in workloads
    import workloads_forward  # noqa: F401 - forward mode and functional transforms
    import function_workloads  # noqa: F401 - their traced variants (fn_*)
    from frameworks import load_frameworks, machine_info

    t0 = time.perf_counter()
    fw = load_frameworks(
        n_threads=args.threads,
        fasttape_module=args.fasttape_module,
        want_tf=not args.no_tf,
        want_torch=not args.no_torch,
        repo_root=REPO_ROOT,
    )
    if not args.no_adbench:
        import adbench_hook

        for msg in adbench_hook.register_adbench(REPO_ROOT, fw):
            print(f"[adbench] {msg}", file=sys.stderr)

    selected = [n for item in args.only for n in item.split(",") if n]
    if args.list:
        for name, w in harness.WORKLOADS.items():
            print(f"{name:<22} {w.title}  [{w.source}]")
        return 0
    unknown = [n for n in selected if n not in harness.WORKLOADS]
    if unknown:
        print(f"unknown workload(s): {', '.join(unknown)}; known: "
              f"{', '.join(harness.WORKLOADS)}", file=sys.stderr)
        return 2
    chosen = [harness.WORKLOADS[n] for n in (selected or harness.WORKLOADS)]

    cfg = harness.TimingConfig.quick() if args.quick else harness.TimingConfig()
    if args.budget is not None:
        cfg.budget_s = args.budget
    if args.repeat_ms is not None:
        cfg.target_repeat_s = args.repeat_ms / 1e3
    if args.min_rounds is not None:
        cfg.min_rounds = args.min_rounds

    machine = machine_info(fw, REPO_ROOT)
    print(f"frameworks loaded in {time.perf_counter() - t0:.1f} s")
    for key, value in machine:
        print(f"  {key}: {value}")
    if fw.fasttape is None:
        print(f"fasttape: error {fw.fasttape_error} (its column will be reported as an "
              "error; the other frameworks are still timed)")

    # the command as a user reruns it: from the repository root, with their `python`
    script = os.path.relpath(os.path.abspath(sys.argv[0]), REPO_ROOT)
    command = shlex.join(["python", script, *sys.argv[1:]])
    results = []
    for w in chosen:
        print(f"\n== {w.name}: {w.title}", flush=True)
        wres = harness.run_workload(w, fw, cfg, seed=args.seed)
        results.append(wres)
        print(report.console_summary(wres), flush=True)

    text = report.results_markdown(results, command=command, machine=machine, cfg=cfg,
                                   quick=args.quick, standin=fw.standin)
    if not args.no_write:
        out = args.output or (STANDIN_OUTPUT if fw.standin else DEFAULT_OUTPUT)
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"\nwrote {out}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(report.results_json(results, command=command, machine=machine))
        print(f"wrote {args.json}")
    print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
