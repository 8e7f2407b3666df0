"""The source distribution carries what builds and tests fasttape; built modules are
stripped and small; the compiled kernels' SIMD variant is chosen at import and can be
forced; a broken build says what to rebuild."""

import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

import fasttape
from fasttape import _kernels

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(fasttape.__file__).parent
EXTENSION_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _run(code, env=None, path=None):
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = str(path or ROOT)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=str(path or ROOT), timeout=120)


# --- the sdist ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sdist_names(tmp_path_factory):
    if not (ROOT / "setup.py").exists():
        pytest.skip("not a source checkout")
    out = tmp_path_factory.mktemp("sdist")
    # `python -m build` when installed (what users run), else setuptools directly; both
    # work offline: --no-isolation uses the installed setuptools, Cython and numpy
    if importlib.util.find_spec("build") is not None:
        cmd = [sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(out), "."]
    else:
        cmd = [sys.executable, "setup.py", "-q", "sdist", "-d", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    if run.returncode != 0 and "No module named" in run.stderr:
        pytest.skip(f"sdist tools missing: {run.stderr.strip().splitlines()[-1]}")
    assert run.returncode == 0, run.stderr[-2000:]
    (archive,) = out.glob("fasttape-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    top = names[0].split("/")[0]
    return {n[len(top) + 1:] for n in names if n != top}


def _source_files(pattern_dir, *patterns):
    found = set()
    for pattern in patterns:
        for p in (ROOT / pattern_dir).rglob(pattern):
            if "__pycache__" not in p.parts:
                found.add(p.relative_to(ROOT).as_posix())
    return found


def test_sdist_has_the_compiled_sources(sdist_names):
    sources = _source_files("src_c", "*.pyx", "*.pxd", "*.pxi")
    assert "src_c/fasttape/_kernels.pyx" in sources
    assert sources <= sdist_names


def test_sdist_has_the_whole_test_suite(sdist_names):
    tests = _source_files("tests", "*.py", "*.txt")
    assert {"tests/conftest.py", "tests/helpers.py",
            "tests/data/seed_tutorial_notebook.txt"} <= tests
    assert any(t.startswith("tests/ops/") for t in tests)
    assert any(t.startswith("tests/parity/") for t in tests)
    assert tests <= sdist_names


def test_sdist_has_license_and_package_data(sdist_names):
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "setup.py",
            "MANIFEST.in", "fasttape/py.typed"} <= sdist_names
    stubs = {p.relative_to(ROOT).as_posix() for p in (ROOT / "fasttape").rglob("*.pyi")}
    assert stubs and stubs <= sdist_names


def test_sdist_has_no_generated_files(sdist_names):
    generated = [n for n in sdist_names
                 if n.endswith((".c", ".so", ".pyd", ".pyc", ".html")) or "__pycache__" in n]
    assert generated == []


# --- built modules --------------------------------------------------------------------

def _elf_section_names(path):
    """Section names of an ELF file (64-bit little-endian), or None for other formats."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    strtab = sections[shstrndx]
    names = data[strtab[4]:strtab[4] + strtab[5]]
    return {names[s[0]:names.index(b"\0", s[0])].decode() for s in sections}


def _modules():
    return sorted(PACKAGE.glob("*" + EXTENSION_SUFFIX))


def test_every_extension_source_is_built():
    if not (ROOT / "src_c").exists():
        pytest.skip("not a source checkout")
    built = {p.name[:-len(EXTENSION_SUFFIX)] for p in _modules()}
    expected = {p.stem for p in (ROOT / "src_c" / "fasttape").glob("*.pyx")}
    expected -= {f"_kernels_{isa}" for isa in _kernels.ISAS if isa not in _kernels.BUILT}
    assert expected <= built


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF modules")
@pytest.mark.skipif(os.environ.get("FASTTAPE_CYTHON_DEBUG") == "1", reason="debug build")
def test_modules_are_stripped_and_small():
    modules = _modules()
    assert modules
    for module in modules:
        sections = _elf_section_names(module)
        if sections is None:
            pytest.skip(f"{module.name} is not a 64-bit little-endian ELF file")
        assert ".symtab" not in sections and ".debug_info" not in sections, module.name
        assert module.stat().st_size <= 1 << 20, (module.name, module.stat().st_size)


# --- SIMD dispatch ---------------------------------------------------------------------

def test_show_config_reports_the_kernels_in_use(capsys):
    config = fasttape.show_config(mode="dicts")
    simd = config["simd"]
    assert simd["in_use"] in simd["built"] and simd["in_use"] in simd["cpu_supports"]
    assert "baseline" in simd["built"]
    fasttape.show_config()
    assert json.loads(capsys.readouterr().out)["simd"]["in_use"] == simd["in_use"]
    with pytest.raises(ValueError, match="mode"):
        fasttape.show_config(mode="yaml")


def test_default_is_the_widest_variant_the_cpu_runs():
    simd = fasttape.show_config(mode="dicts")["simd"]
    if simd["forced_by_env"]:
        pytest.skip("FASTTAPE_SIMD is set")
    widest = next(isa for isa in _kernels.ISAS
                  if isa in simd["built"] and isa in simd["cpu_supports"])
    assert simd["in_use"] == widest


CONFIG = "import fasttape, json; print(json.dumps(fasttape.show_config(mode='dicts')['simd']))"


def test_environment_variable_forces_the_baseline():
    run = _run(CONFIG, env={"FASTTAPE_SIMD": "baseline"})
    assert run.returncode == 0, run.stderr
    simd = json.loads(run.stdout)
    assert simd["in_use"] == "baseline" and simd["forced_by_env"] is True


def test_unknown_or_unavailable_variant_is_an_import_error():
    run = _run("import fasttape", env={"FASTTAPE_SIMD": "sse9"})
    assert run.returncode != 0
    assert "ImportError: FASTTAPE_SIMD='sse9': expected one of" in run.stderr
    missing = [isa for isa in _kernels.ISAS
               if isa not in _kernels.BUILT or not _kernels.CPU[isa]]
    if missing:
        run = _run("import fasttape", env={"FASTTAPE_SIMD": missing[0]})
        assert run.returncode != 0 and "ImportError: FASTTAPE_SIMD=" in run.stderr


KERNEL_BITS = """
import hashlib, numpy as np
from fasttape import _kernels
rng = np.random.default_rng(0)
h = hashlib.sha256()
for dtype in (np.float32, np.float64):
    x = (rng.random(5000) + 0.1).astype(dtype)     # in every kernel's domain
    g = rng.standard_normal(5000).astype(dtype)
    for name in sorted(_kernels.BACKWARD):
        h.update(_kernels.backward(name, g, x).tobytes())
    for name in sorted(_kernels.FORWARD):
        h.update(_kernels.forward(name, x[:2000]).tobytes())
    for name in ("add", "subtract", "multiply", "truediv", "pow"):
        h.update(_kernels.binary_forward(name, x[:2000], g[:2000]).tobytes())
print(_kernels.ISA, h.hexdigest())
"""


def test_every_variant_computes_the_same_bits():
    runnable = [isa for isa in _kernels.ISAS if isa in _kernels.BUILT and _kernels.CPU[isa]]
    if len(runnable) < 2:
        pytest.skip("this CPU runs only the baseline kernels")
    digests = {}
    for isa in runnable:
        run = _run(KERNEL_BITS, env={"FASTTAPE_SIMD": isa})
        assert run.returncode == 0, run.stderr
        used, digest = run.stdout.split()
        assert used == isa
        digests[isa] = digest
    assert len(set(digests.values())) == 1, digests


def test_a_corrupt_kernel_module_names_what_to_rebuild(tmp_path):
    copy = tmp_path / "fasttape"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / f"_kernels_{_kernels.ISA}{EXTENSION_SUFFIX}").write_bytes(b"not a module")
    run = _run("import fasttape", env={"FASTTAPE_SIMD": _kernels.ISA}, path=tmp_path)
    assert run.returncode != 0
    assert f"fasttape._kernels_{_kernels.ISA} is missing or does not load" in run.stderr
    assert "rebuild fasttape's compiled modules" in run.stderr


_WITHOUT_EDITABLE_FINDERS = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path if not "
                             "getattr(f, '__module__', '').startswith('__editable__')]; ")


def test_an_unbuilt_checkout_says_how_to_build(tmp_path):
    copy = tmp_path / "fasttape"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(
        "__pycache__", "*" + EXTENSION_SUFFIX))
    # an editable install's finder would supply the missing modules from the checkout it
    # points at: this test is about a tree that has none, so take it out first
    run = _run(_WITHOUT_EDITABLE_FINDERS + "import fasttape", path=tmp_path)
    assert run.returncode != 0
    assert "ImportError: fasttape's compiled modules are not built here" in run.stderr
    assert "pip install -e ." in run.stderr


def test_kernels_from_the_dispatched_variant_run():
    x = np.linspace(0.1, 2.0, 100_000, dtype=np.float32)   # large: the nogil path
    np.testing.assert_allclose(_kernels.backward("tanh", np.ones_like(x), np.tanh(x)),
                               1 - np.tanh(x) ** 2, rtol=1e-6, atol=1e-7)
