"""tf.TypeSpec, the composite-value specs and tf.type_spec_from_value."""

import numpy as np
import pytest

import fasttape as tf


def test_type_spec_is_abstract_and_tensor_spec_is_one():
    with pytest.raises(TypeError, match="abstract"):
        tf.TypeSpec()
    spec = tf.TensorSpec([2])
    assert isinstance(spec, tf.TypeSpec) and spec.value_type is tf.Tensor
    assert spec.is_subtype_of(tf.TensorSpec([None]))
    assert not tf.TensorSpec([None]).is_subtype_of(spec)
    assert spec.most_specific_common_supertype([tf.TensorSpec([3])]) == tf.TensorSpec([None])
    assert spec.most_specific_common_supertype([tf.TensorSpec([3], tf.int32)]) is None


@pytest.mark.parametrize("value, expected", [
    (tf.constant([1.0, 2.0]), tf.TensorSpec([2], tf.float32)),
    (np.zeros((2, 3)), tf.TensorSpec([2, 3], tf.float64)),
    (1, tf.TensorSpec([], tf.int32)),
    (2.5, tf.TensorSpec([], tf.float32)),
    ([1, 2], tf.TensorSpec([2], tf.int32)),
    (None, tf.NoneTensorSpec()),
])
def test_type_spec_from_dense_values(value, expected):
    assert tf.type_spec_from_value(value) == expected


def test_type_spec_from_composites():
    sparse = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    spec = tf.type_spec_from_value(sparse)
    assert spec == tf.SparseTensorSpec([2, 2], tf.float32)
    assert repr(spec) == "SparseTensorSpec(TensorShape([2, 2]), fasttape.float32)"
    assert tf.SparseTensorSpec([None, 2]).is_compatible_with(sparse)
    assert not tf.SparseTensorSpec([None, 3]).is_compatible_with(sparse)
    assert spec.value_type is tf.SparseTensor

    slices = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]), tf.constant([3, 1]))
    assert tf.type_spec_from_value(slices) == tf.IndexedSlicesSpec(
        [3, 1], tf.float32, tf.int32, tf.int32, [1])
    no_dense = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]))
    assert repr(tf.type_spec_from_value(no_dense)) == (
        "IndexedSlicesSpec(TensorShape([None, 1]), fasttape.float32, fasttape.int32, None, "
        "TensorShape([1]))")

    ta = tf.TensorArray(tf.float32, 2, element_shape=[3], dynamic_size=True)
    assert tf.type_spec_from_value(ta) == tf.TensorArraySpec([3], tf.float32, True, True)
    assert tf.type_spec_from_value(tf.TensorArray(tf.int32, 1)) == tf.TensorArraySpec(
        None, tf.int32)


def test_specs_hash_and_compare_by_fields():
    a, b = tf.SparseTensorSpec([None, 3]), tf.SparseTensorSpec([None, 3])
    assert a == b and hash(a) == hash(b) and a != tf.SparseTensorSpec([None, 3], tf.int32)
    assert tf.NoneTensorSpec() == tf.NoneTensorSpec()
    assert tf.NoneTensorSpec().is_compatible_with(None)
    assert not tf.NoneTensorSpec().is_compatible_with(tf.TensorSpec([]))
    merged = a.most_specific_compatible_type(tf.SparseTensorSpec([2, 3]))
    assert merged == tf.SparseTensorSpec([None, 3])
    with pytest.raises(ValueError, match="No TypeSpec is compatible"):
        a.most_specific_compatible_type(tf.SparseTensorSpec([2, 4]))


def test_type_spec_from_value_refuses_unknown_objects():
    with pytest.raises(TypeError, match="Could not build a TypeSpec"):
        tf.type_spec_from_value(object())
