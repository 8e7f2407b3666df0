"""tf.Module and tf.name_scope: names, scopes and the attribute walk."""

import pytest

import fasttape as tf


class Inner(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = tf.Variable(1.0, name="w")

    @tf.Module.with_name_scope
    def make(self):
        self.z = tf.Variable(2.0, name="z")


class Outer(tf.Module):
    def __init__(self):
        super().__init__()
        self.b = [Inner("m1"), {"z": Inner("m2"), "a": Inner("m3")}]
        self.a = Inner("m0")
        self.c = (tf.Variable(3.0, name="c"), tf.Variable(4.0, trainable=False, name="d"))
        self.dup = self.a


def test_name_scopes_prefix_variable_names():
    with tf.name_scope("a") as scope:
        assert scope == "a/"
        assert tf.Variable(1.0, name="v").name == "a/v:0"
        with tf.name_scope("b"):
            assert tf.Variable(1.0).name == "a/b/Variable:0"
            with tf.name_scope("c/"):
                assert tf.Variable(1.0, name="x").name == "c/x:0"
            with tf.name_scope("") as top:
                assert top == "" and tf.Variable(1.0, name="e").name == "e:0"
        with tf.name_scope("a") as again:
            assert again == "a/a/"
    assert tf.Variable(1.0, name="v").name == "v:0"
    assert tf.name_scope("x").name == "x"
    with pytest.raises(ValueError, match="must be a string"):
        tf.name_scope(None)


def test_module_names_and_scopes():
    m = Inner()
    assert m.name == "inner" and m.name_scope.name == "inner/"
    assert m.w.name == "inner/w:0"
    m.make()
    assert m.z.name == "inner/z:0"

    class XMLParser3(tf.Module):
        pass

    class ConvBlock(tf.Module):
        pass

    assert XMLParser3().name == "xml_parser3" and ConvBlock().name == "conv_block"
    assert tf.Module().name == "module"
    for bad in ["a b", "1x", "a/b", "a-b", "a.b", ""]:
        with pytest.raises(ValueError, match="valid module name"):
            tf.Module(name=bad)
    with Inner("outer").name_scope:
        assert Inner("inner").w.name == "outer/inner/w:0"


def test_walk_order_and_dedup_match_tf():
    p = Outer()
    assert [m.name for m in p.submodules] == ["m0", "m1", "m3", "m2"]
    assert [v.name for v in p.variables] == ["c:0", "d:0", "m0/w:0", "m1/w:0", "m3/w:0",
                                            "m2/w:0"]
    assert [v.name for v in p.trainable_variables] == ["c:0", "m0/w:0", "m1/w:0", "m3/w:0",
                                                      "m2/w:0"]
    assert [v.name for v in p.non_trainable_variables] == ["d:0"]
    assert isinstance(p.variables, tuple)


def test_cycles_terminate():
    a, b = tf.Module(name="a"), tf.Module(name="b")
    a.child, b.child = b, a
    a.v = tf.Variable(1.0, name="v")
    assert [m.name for m in a.submodules] == ["b"]
    assert len(a.variables) == 1
