"""Write tests/data/namespace_names.json: the public names of each tf.* namespace, which
tests/test_namespace_snapshot.py checks are all still published.

    python3 tools/snapshot_namespaces.py     # after adding names on purpose
"""

import json
import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMESPACES = ["", "math", "math.special", "nn", "nn.experimental", "linalg", "random",
              "random.experimental", "signal", "sparse", "bitwise", "debugging", "dtypes",
              "experimental.numpy", "config", "nest", "autodiff", "errors"]


def resolve(root, dotted):
    obj = root
    for part in filter(None, dotted.split(".")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def public_names(module):
    return sorted(n for n in dir(module) if not n.startswith("_")
                  and not isinstance(getattr(module, n), types.ModuleType)
                  or (not n.startswith("_") and n in getattr(module, "__all__", ())))


def snapshot():
    import fasttape
    out = {}
    for ns in NAMESPACES:
        module = resolve(fasttape, ns)
        if module is not None:
            out[ns] = public_names(module)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    path = ROOT / "tests" / "data" / "namespace_names.json"
    path.write_text(json.dumps(snapshot(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")
