"""Every public name of each tf.* namespace stays published: names may be added (then
rerun tools/snapshot_namespaces.py), never lost or moved."""

import importlib.util
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SNAPSHOT = json.loads((ROOT / "tests" / "data" / "namespace_names.json").read_text())


def _tool():
    spec = importlib.util.spec_from_file_location("snapshot_namespaces",
                                                  ROOT / "tools" / "snapshot_namespaces.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("namespace", sorted(SNAPSHOT))
def test_namespace_keeps_its_names(namespace):
    now = set(_tool().snapshot().get(namespace, ()))
    lost = sorted(set(SNAPSHOT[namespace]) - now)
    assert not lost, f"tf.{namespace or '(top level)'} lost {lost}"


def test_snapshot_covers_every_listed_namespace():
    assert set(SNAPSHOT) == set(_tool().NAMESPACES)
