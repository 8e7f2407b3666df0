"""The package's imports form layers: no module imports, directly or through others, a
module that imports it back. Imports inside functions count as much as those at the
top of a file (an upward import deferred to call time is still an upward import), and
so do the Cython modules' imports and cimports.

Where a lower layer needs a higher one's op (convert_to_tensor packing a list of
tensors with tf.stack, IndexedSlices densifying itself), the higher layer hands it
over when it loads (`fasttape.ops` calls `_convert.install`, `indexed_slices.install`).
"""

import ast
import pathlib
import re
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fasttape"
CYTHON = ROOT / "src_c" / "fasttape"

# Import edges allowed to close a cycle, each with the reason it cannot be broken.
# Empty: every cycle has been broken.
ALLOWED_CYCLE_EDGES = {}

# The bottom layer: what the engine and the ops stand on. None of these imports a
# module outside this set.
CORE = {
    "fasttape.errors", "fasttape.dtypes", "fasttape.tensor_shape", "fasttape.nest",
    "fasttape._pool", "fasttape._memory", "fasttape._kernels", "fasttape._kernels_baseline",
    "fasttape._kernels_avx2", "fasttape._kernels_avx512", "fasttape._simd",
    "fasttape._types", "fasttape._engine", "fasttape._convert", "fasttape.indexed_slices",
}


def _module_name(path, base):
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    """{dotted name: source paths} of the Python and Cython modules of the package (a
    Cython module is its .pyx and its .pxd)."""
    found = {_module_name(p, ROOT): [p] for p in PACKAGE.rglob("*.py")}
    for p in sorted(CYTHON.glob("*.pyx")) + sorted(CYTHON.glob("*.pxd")):
        found.setdefault("fasttape." + p.stem, []).append(p)
    return found


MODULES = _modules()


def _targets(module, node):
    """The package modules an import statement loads (`from pkg import name` loads
    pkg.name when that is a module, else pkg itself)."""
    is_package = MODULES[module][0].name == "__init__.py"
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
            base = ".".join(anchor + ([base] if base else []))
        names = []
        for alias in node.names:
            full = f"{base}.{alias.name}"
            names.append(full if full in MODULES else base)
    return [name for name in names if name in MODULES and name != module]


# one import statement of a Cython file, parenthesised names included
_CYTHON_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+c?import[ \t]+(?:\([^)]*\)|.*)"
                            r"|c?import[ \t]+.*)", re.M)


def _statements(path):
    """The import statements of a file, as ast nodes (a cimport read as an import)."""
    text = path.read_text()
    if path.suffix == ".py":
        return [node for node in ast.walk(ast.parse(text, str(path)))
                if isinstance(node, (ast.Import, ast.ImportFrom))]
    found = []
    for match in _CYTHON_IMPORT.finditer(text):
        statement = re.sub(r"#.*", "", match.group(0))
        statement = re.sub(r"\bcimport\b", "import", statement).strip()
        node = ast.parse(statement).body[0]
        node.lineno = text.count("\n", 0, match.start()) + 1
        found.append(node)
    return found


def _edges():
    """{module: {imported module: [line, ...]}}, function-level imports included."""
    edges = {}
    for module, paths in MODULES.items():
        out = edges.setdefault(module, {})
        for path in paths:
            for node in _statements(path):
                for target in _targets(module, node):
                    out.setdefault(target, []).append(node.lineno)
    return edges


EDGES = _edges()


def _cycles(edges):
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _without_allowed(edges):
    return {a: {b: lines for b, lines in targets.items() if (a, b) not in ALLOWED_CYCLE_EDGES}
            for a, targets in edges.items()}


def test_the_import_graph_is_read():
    # the reader sees top-level, function-level, relative and Cython imports
    assert "fasttape.ops.shape" in EDGES["fasttape.ops.indexing"]
    assert "fasttape.ops.creation" in EDGES["fasttape.init_ops"]      # inside a function
    assert "fasttape.ops.elementwise" in EDGES["fasttape.ops.array_ops"]   # from pkg import mod
    assert "fasttape._kernels" in EDGES["fasttape._engine"]          # a cimport
    assert "fasttape.errors" in EDGES["fasttape._engine"]


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b": [1]}, "b": {"c": [1]}, "c": {"a": [1]}, "d": {"a": [1]}}) \
        == [["a", "b", "c"]]
    assert _cycles({"a": {"b": [1]}, "b": {}}) == []


def test_no_import_cycles():
    cycles = _cycles(_without_allowed(EDGES))
    detail = []
    for component in cycles:
        members = set(component)
        detail += [f"{a} -> {b} (line {lines[0]})" for a in component
                   for b, lines in sorted(EDGES[a].items()) if b in members]
    assert not cycles, "import cycles:\n" + "\n".join(detail)


def test_allowed_cycle_edges_are_still_needed():
    for edge in ALLOWED_CYCLE_EDGES:
        assert edge[1] in EDGES.get(edge[0], {}), f"{edge} is no longer imported: drop it"


def test_the_core_imports_only_the_core():
    assert CORE <= set(MODULES)
    upward = {f"{a} -> {b}" for a in CORE for b in EDGES[a] if b not in CORE}
    assert not upward, sorted(upward)


@pytest.mark.parametrize("namespace", ["fasttape.math", "fasttape.nn", "fasttape.linalg",
                                       "fasttape.random", "fasttape.signal",
                                       "fasttape.sparse", "fasttape.bitwise"])
def test_tf_namespaces_stand_on_the_ops_alone(namespace):
    # tf.math and friends gather the op layer's declarations; tnp and keras sit above
    above = {b for b in EDGES[namespace]
             if b.startswith(("fasttape.experimental", "fasttape.keras"))}
    assert not above, f"{namespace} imports {sorted(above)}"


def test_the_op_layer_imports_no_higher_module():
    ops = {m for m in MODULES if m == "fasttape.ops" or m.startswith("fasttape.ops.")}
    allowed = ops | CORE
    upward = {f"{a} -> {b}" for a in ops for b in EDGES[a] if b not in allowed}
    assert not upward, sorted(upward)


def test_version_matches_the_project_metadata():
    import fasttape

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert fasttape.__version__ == meta["project"]["version"]
