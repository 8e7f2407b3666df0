"""Draw benchmarks/RESULTS.md as a chart: each engine's time over hand-written numpy's.

    python benchmarks/plot.py                    # RESULTS.md -> benchmarks/results.png
    python benchmarks/plot.py --input R.md --output chart.png

Reads the per-workload tables of the report (the `× numpy` column), so it plots any run
of benchmarks/run.py. Workloads without a numpy baseline (the ADBench cases) are left
out. Needs matplotlib (`pip install ".[bench]"`).
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SECTION = re.compile(r"^## `(?P<name>[^`]+)`")
RATIO = re.compile(r"^(?P<value>[\d,.]+)x$")


def parse_results(text):
    """{workload: {implementation: time / numpy time}} from a RESULTS.md text."""
    results, workload, columns = {}, None, None
    for line in text.splitlines():
        match = SECTION.match(line)
        if match:
            workload, columns = match["name"], None
            continue
        if workload is None or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "implementation":
            columns = cells
        elif columns and not set(cells[0]) <= set("-:"):
            ratio_col = next((i for i, c in enumerate(columns) if c.startswith("× numpy")),
                             None)
            if ratio_col is None or ratio_col >= len(cells):
                continue
            match = RATIO.match(cells[ratio_col])
            if match and cells[0] != "numpy":
                results.setdefault(workload, {})[cells[0]] = float(
                    match["value"].replace(",", ""))
    return results


def engine_of(implementation):
    """torch's variants ('torch (vectorize=True)', 'torch.func.jacrev') are one engine."""
    return "torch" if implementation.startswith("torch") else implementation.split(" (")[0]


def plot(results, output):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workloads = list(results)
    engines = sorted({engine_of(i) for r in results.values() for i in r},
                     key=lambda e: (e != "fasttape", e))
    height = 0.8 / max(len(engines), 1)
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.55 * len(workloads) * max(len(engines), 1) / 2))
    for k, engine in enumerate(engines):
        ys, xs = [], []
        for w, workload in enumerate(workloads):
            ratios = [v for i, v in results[workload].items() if engine_of(i) == engine]
            if ratios:
                ys.append(w + (k - (len(engines) - 1) / 2) * height)
                xs.append(min(ratios))        # the engine's best variant
        bars = ax.barh(ys, xs, height=height * 0.95, label=engine)
        ax.bar_label(bars, labels=[f"{x:,.0f}x" if x >= 100 else f"{x:.3g}x" for x in xs],
                     padding=2, fontsize=7)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(workloads)), workloads)
    ax.invert_yaxis()
    ax.set_xlabel("time / hand-written numpy time (log scale; 1 = numpy, lower is faster)")
    ax.set_title("fasttape benchmarks (benchmarks/RESULTS.md)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--output", default=os.path.join(HERE, "results.png"))
    args = parser.parse_args(argv)
    with open(args.input, encoding="utf-8") as f:
        results = parse_results(f.read())
    if not results:
        print(f"no per-workload '× numpy' tables in {args.input}", file=sys.stderr)
        return 1
    try:
        plot(results, args.output)
    except ImportError:
        print("benchmarks/plot.py needs matplotlib: pip install matplotlib", file=sys.stderr)
        return 1
    print(f"wrote {args.output} ({len(results)} workloads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
