"""The chart and API-reference generators run on the repository's own inputs."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(path):
    if not path.exists():
        pytest.skip("not a source checkout")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plot_parses_the_ratios_to_numpy():
    plot = _load(ROOT / "benchmarks" / "plot.py")
    text = """## `mlp_step` — MLP

| implementation | median µs/call | IQR/median | × numpy (median / numpy) | status |
|---|--:|--:|--:|---|
| numpy | 100 | 2% | 1.00x | ok |
| fasttape | 118 | 2% | 1.18x | ok |
| torch (vectorize=True) | 1,380 | 2% | 1,380x | ok |

## `adbench_x` — no baseline

| implementation | median µs/call | × numpy (median / numpy) |
|---|--:|--:|
| fasttape | 5 | — |
"""
    assert plot.parse_results(text) == {"mlp_step": {"fasttape": 1.18,
                                                     "torch (vectorize=True)": 1380.0}}
    assert plot.engine_of("torch.func.jacrev") == plot.engine_of("torch (x)") == "torch"


def test_plot_draws_the_committed_results(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    plot = _load(ROOT / "benchmarks" / "plot.py")
    out = tmp_path / "chart.png"
    assert plot.main(["--input", str(ROOT / "benchmarks" / "RESULTS.md"),
                      "--output", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_api_reference_covers_every_namespace(tmp_path):
    gen = _load(ROOT / "tools" / "gen_api_docs.py")
    assert gen.main(["--out", str(tmp_path)]) == 0
    pages = {p.name for p in tmp_path.glob("*.md")}
    assert {"README.md", "fasttape.md", "classes.md", "math.md", "nn.md", "linalg.md",
            "random.md"} <= pages
    top = (tmp_path / "fasttape.md").read_text(encoding="utf-8")
    assert "### `fasttape.reduce_sum(input_tensor, axis=None" in top
    assert "## `fasttape.GradientTape`" in (tmp_path / "classes.md").read_text(encoding="utf-8")
    sys.modules.pop("tools.gen_stubs", None)
