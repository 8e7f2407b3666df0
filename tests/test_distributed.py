"""The dask examples run on a 2-process LocalCluster (skipped without dask.distributed)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="dask.distributed is not installed "
                                          "(pip install 'dask[distributed]')")

ROOT = Path(__file__).resolve().parents[1]


def _run(example, *args):
    # the worker processes import fasttape too: the checkout first on their path
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    run = subprocess.run([sys.executable, str(ROOT / "examples" / example), "--workers", "2",
                          *args], capture_output=True, text=True, cwd=ROOT, timeout=600,
                         env=env)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    return run.stdout


def test_data_parallel_training_matches_one_process():
    out = _run("distributed_training.py", "--steps", "12", "--examples", "512")
    assert "2 workers, 12 steps" in out
    assert "workers agree: True" in out and "matches the single-process run" in out
    rows = [int(x) for x in re.findall(r"rows updated (\d+)/", out)]
    assert rows and all(0 < r < 2000 for r in rows)       # sparse updates, not the table


def test_sweep_reports_every_config_and_the_best():
    out = _run("distributed_sweep.py", "--steps", "20", "--lrs", "0.1,1.0", "--hidden", "8,16")
    table = re.findall(r"^\s*([\d.]+)\s+(\d+)\s+(\d+\.\d+)$", out, flags=re.M)
    assert len(table) == 4
    losses = [float(t[2]) for t in table]
    assert losses == sorted(losses)
    best = re.search(r"best: lr=([\d.]+) hidden=(\d+) \(validation loss (\d+\.\d+)\); "
                     r"4 runs in [\d.]+ s on 2 workers", out)
    assert best and (best[1], best[2], best[3]) == table[0]
