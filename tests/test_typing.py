"""The committed stubs are the generator's output, and mypy accepts correct code (the
examples and tests/typecheck/typed_usage.py) with precise types, and rejects wrong code."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "gen_stubs.py"
USAGE = ROOT / "tests" / "typecheck" / "typed_usage.py"

needs_checkout = pytest.mark.skipif(not GENERATOR.exists(), reason="not a source checkout")
needs_mypy = pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                                reason="mypy is not installed (pip install mypy)")


def _generator():
    spec = importlib.util.spec_from_file_location("gen_stubs", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_checkout
def test_committed_stubs_are_the_generators_output():
    stale = [path.relative_to(ROOT).as_posix() for path, text in _generator().render_all().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    assert stale == [], "stale stubs: run `python tools/gen_stubs.py`"


@needs_checkout
def test_every_namespace_module_has_a_stub():
    modules = {name for name, _ in _generator().namespace_modules()}
    assert {"fasttape.math", "fasttape.nn", "fasttape.linalg", "fasttape.random"} <= modules


@needs_checkout
def test_stubs_cover_every_public_name():
    import fasttape

    stub = (ROOT / "fasttape" / "__init__.pyi").read_text(encoding="utf-8")
    for name in ("reduce_sum", "square", "matmul", "constant", "GradientTape", "Variable"):
        assert f" {name}(" in stub or f" as {name}" in stub, name
    public = [n for n in dir(fasttape) if not n.startswith("_")]
    missing = [n for n in public if f"def {n}(" not in stub and f" as {n}" not in stub
               and f"\n{n}: " not in stub]
    assert missing == []


def _mypy(*paths, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "mypy", *map(str, paths)],
                          capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, "MYPYPATH": str(ROOT)})


@needs_checkout
@needs_mypy
def test_mypy_accepts_the_examples_and_the_typed_usage():
    run = _mypy("examples", USAGE)
    assert run.returncode == 0, run.stdout + run.stderr


@needs_checkout
@needs_mypy
def test_mypy_rejects_wrong_code(tmp_path):
    bad = tmp_path / "bad_usage.py"
    bad.write_text("import fasttape as tf\n"
                   "x = tf.constant(1.0)\n"
                   "y: str = tf.reduce_sum(x * x)\n"       # a Tensor is not a str
                   "tf.no_such_op(x)\n"
                   "tf.nn.relu(x, name=3)\n", encoding="utf-8")
    run = _mypy(bad)
    assert run.returncode == 1
    assert 'Incompatible types in assignment (expression has type "Tensor"' in run.stdout
    assert 'has no attribute "no_such_op"' in run.stdout
    assert 'Argument "name" to "relu" has incompatible type "int"' in run.stdout


def test_typed_usage_runs():
    run = subprocess.run([sys.executable, str(USAGE)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
