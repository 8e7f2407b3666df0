"""Variables: construction, names, reading, assignment, tapes (as TensorFlow 2.21 behaves)."""

import numpy as np
import pytest

import fasttape as tf


def value(t):
    return np.asarray(t)


# --- 3.1 construction and names -----------------------------------------------------------

@pytest.mark.parametrize("initial, dtype", [
    (3.0, tf.float32), (3, tf.int32), (np.array([1.0, 2.0]), tf.float64),
    (np.float32(2.0), tf.float32), (True, tf.bool),
], ids=["float", "int", "f64-array", "np-float32", "bool"])
def test_dtype_is_inferred_like_constant(initial, dtype):
    assert tf.Variable(initial).dtype == dtype


def test_a_tensor_initial_value_keeps_its_dtype():
    assert tf.Variable(tf.constant([1.0], dtype=tf.float64)).dtype == tf.float64


def test_dtype_argument_converts_python_values():
    v = tf.Variable(3, dtype=tf.float64)
    assert v.dtype == tf.float64 and value(v) == 3.0


def test_callable_initial_value_is_called():
    assert value(tf.Variable(lambda: [1.0, 2.0])).tolist() == [1.0, 2.0]


def test_default_name():
    assert tf.Variable(1.0).name == "Variable:0"


def test_given_name_gets_the_output_suffix():
    assert tf.Variable(1.0, name="weights").name == "weights:0"


def test_names_are_not_made_unique():
    assert tf.Variable(1.0, name="w").name == tf.Variable(2.0, name="w").name == "w:0"


def test_initial_value_property_raises_runtime_error():
    with pytest.raises(RuntimeError):
        _ = tf.Variable(1.0).initial_value


def test_missing_initial_value_raises_value_error():
    with pytest.raises(ValueError):
        tf.Variable()


# --- 3.2 reading and type relationships ---------------------------------------------------

def test_shape_dtype_trainable_and_numpy():
    v = tf.Variable([[1.0, 2.0]], trainable=False)
    assert isinstance(v.shape, tf.TensorShape) and v.shape == (1, 2)
    assert v.dtype == tf.float32 and v.trainable is False
    assert isinstance(v.numpy(), np.ndarray) and v.numpy().tolist() == [[1.0, 2.0]]


@pytest.mark.parametrize("method", ["value", "read_value"])
def test_value_and_read_value_return_tensors(method):
    v = tf.Variable([1.0, 2.0])
    t = getattr(v, method)()
    assert type(t) is tf.Tensor and value(t).tolist() == [1.0, 2.0]


def test_a_variable_is_not_a_tensor_but_is_tensor_says_yes():
    v = tf.Variable(1.0)
    assert isinstance(v, tf.Variable)
    assert not isinstance(v, tf.Tensor)
    assert tf.is_tensor(v)


def test_arithmetic_on_variables_returns_tensors():
    v = tf.Variable(2.0)
    m = tf.Variable([[2.0]])
    for r in (v + 1.0, 1.0 + v, v * v, -v, v ** 2, abs(v), v / 2.0, m @ m):
        assert type(r) is tf.Tensor


def test_float_bool_indexing_iteration_comparison_and_asarray():
    v = tf.Variable([1.0, 2.0])
    assert float(tf.Variable(2.5)) == 2.5 and bool(tf.Variable(1.0)) is True
    assert value(v[0]) == 1.0
    assert [value(e) for e in v] == [1.0, 2.0]
    assert value(v < 1.5).tolist() == [True, False]
    assert np.asarray(v).tolist() == [1.0, 2.0]


def test_len_of_a_variable_raises_type_error():
    with pytest.raises(TypeError, match="has no len"):
        len(tf.Variable([1.0, 2.0]))


def test_variable_is_unhashable():
    with pytest.raises(TypeError, match="Variable is unhashable. Instead, use variable.ref"):
        hash(tf.Variable(1.0))


def test_variable_ref_is_hashable_and_derefs_to_itself():
    v = tf.Variable(1.0)
    assert {v.ref(): 1}[v.ref()] == 1 and v.ref().deref() is v


def test_item_assignment_raises_type_error():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(TypeError):
        v[0] = 5.0


# --- 3.3 assign, assign_add, assign_sub ---------------------------------------------------

@pytest.mark.parametrize("method, arg, expected", [
    ("assign", 5.0, 5.0), ("assign_add", 2.0, 5.0), ("assign_sub", 2.0, 1.0),
])
def test_assignments_update_a_scalar_in_place(method, arg, expected):
    v = tf.Variable(3.0)
    getattr(v, method)(arg, read_value=False)
    assert value(v) == expected and v.dtype == tf.float32


@pytest.mark.parametrize("method, arg, expected", [
    ("assign", [5.0, 6.0], [5.0, 6.0]), ("assign_add", [2.0, 2.0], [3.0, 4.0]),
    ("assign_sub", [1.0, 1.0], [0.0, 1.0]),
])
def test_assignments_update_a_vector_in_place(method, arg, expected):
    v = tf.Variable([1.0, 2.0])
    getattr(v, method)(arg, read_value=False)
    assert value(v).tolist() == expected and v.dtype == tf.float32


def test_assignments_never_write_into_an_array_a_tensor_holds():
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()
    v.assign_add([1.0, 1.0], read_value=False)
    assert value(before).tolist() == [1.0, 2.0]


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assignments_return_a_live_alias(method):
    v = tf.Variable([3.0])
    r = getattr(v, method)([1.0])
    assert isinstance(r, tf.Variable)
    v.assign([10.0])
    assert value(r).tolist() == [10.0]     # reads the current value
    r.assign_add([1.0])
    assert value(v).tolist() == [11.0]     # writes the original


def test_alias_repr_names_an_unread_variable():
    r = tf.Variable(3.0).assign(4.0)
    assert repr(r) == "<fasttape.Variable 'UnreadVariable' shape=() dtype=float32, numpy=4.0>"


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_read_value_false_returns_none(method):
    v = tf.Variable([3.0])
    assert getattr(v, method)([1.0], read_value=False) is None


def test_a_python_int_can_be_assigned_to_a_float_variable():
    v = tf.Variable(3.0)
    v.assign(2, read_value=False)
    assert v.dtype == tf.float32 and value(v) == 2.0


def test_assigning_the_wrong_shape_raises_value_error():
    v = tf.Variable(3.0)
    with pytest.raises(ValueError, match=r"Shape mismatch.The variable shape \(\), and the "
                                         r"assigned value shape \(2,\) are incompatible"):
        v.assign([1.0, 2.0])
    assert value(v) == 3.0


def test_assigning_a_float_to_an_int_variable_raises_type_error():
    v = tf.Variable(3)
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        v.assign(2.5)


def test_assigning_a_float64_tensor_to_a_float32_variable_raises_value_error():
    v = tf.Variable(3.0)
    with pytest.raises(ValueError, match="Tensor conversion requested dtype float32 for "
                                         "Tensor with dtype float64"):
        v.assign(tf.constant(np.float64(1.0)))


def test_sliced_assign_updates_the_variable():
    v = tf.Variable([1.0, 2.0])
    alias = v[0].assign(5.0)
    assert value(v).tolist() == [5.0, 2.0]
    assert repr(alias).startswith("<fasttape.Variable 'UnreadVariable' shape=(2,)")
    with pytest.raises(TypeError):          # as in TF, a slice's assign has no read_value
        v[1].assign(1.0, read_value=False)


@pytest.mark.parametrize("method", ["assign_add", "assign_sub"])
def test_update_with_the_wrong_shape_raises_invalid_argument(method):
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="shapes must be equal"):
        getattr(v, method)(2.0, read_value=False)


# --- 3.4 assignments inside a tape --------------------------------------------------------

def test_assign_then_use_differentiates_at_the_new_value():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        x.assign(5.0)
        y = x * x
    assert value(t.gradient(y, x)) == 10.0


def test_guide_example_assign_add_is_not_differentiable():
    x0, x1 = tf.Variable(3.0), tf.Variable(0.0)
    with tf.GradientTape() as t:
        x1.assign_add(x0)
        y = x1 ** 2
    g0, g1 = t.gradient(y, [x0, x1])
    assert g0 is None
    assert value(g1) == 6.0


def test_backward_pass_uses_the_values_each_op_saw():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = x * x
        x.assign(10.0)
        z = y + x
    assert value(t.gradient(z, x)) == 2 * 3.0 + 1


def test_the_returned_alias_is_differentiated_as_the_variable():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        r = v.assign_add(1.0)
        c = r * r
    assert value(t.gradient(c, v)) == 6.0


def test_a_saved_value_is_not_changed_by_a_later_assign():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.sin(x))
        x.assign([5.0, 6.0], read_value=False)
    np.testing.assert_allclose(value(t.gradient(y, x)), np.cos([1.0, 2.0]), rtol=1e-6)


# --- 3.5 trainable and watch_accessed_variables -------------------------------------------

def test_non_trainable_variables_are_not_auto_watched():
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as t:
        y = v * v
    assert t.gradient(y, v) is None


def test_an_explicit_watch_makes_a_non_trainable_variable_work():
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as t:
        t.watch(v)
        y = v * v
    assert value(t.gradient(y, v)) == 6.0


def test_without_watch_accessed_variables_nothing_is_watched():
    x = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as t:
        y = tf.square(x)
    assert t.gradient(y, x) is None
    assert t.watched_variables() == ()


def test_without_watch_accessed_variables_an_explicit_watch_works():
    x = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as t:
        t.watch(x)
        y = tf.square(x)
    assert value(t.gradient(y, x)) == 6.0


# --- 5.3 printing -------------------------------------------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda: tf.Variable(3.0),
     "<fasttape.Variable 'Variable:0' shape=() dtype=float32, numpy=3.0>"),
    (lambda: tf.Variable(1.0, name="weights"),
     "<fasttape.Variable 'weights:0' shape=() dtype=float32, numpy=1.0>"),
    (lambda: tf.Variable([1.0, 2.0]),
     "<fasttape.Variable 'Variable:0' shape=(2,) dtype=float32, "
     "numpy=array([1., 2.], dtype=float32)>"),
    (lambda: tf.Variable(np.array([1.5])),
     "<fasttape.Variable 'Variable:0' shape=(1,) dtype=float64, numpy=array([1.5])>"),
    (lambda: tf.Variable(3), "<fasttape.Variable 'Variable:0' shape=() dtype=int32, numpy=3>"),
    (lambda: tf.Variable([[1.0, 2.0], [3.0, 4.0]]),
     "<fasttape.Variable 'Variable:0' shape=(2, 2) dtype=float32, numpy=\n"
     "array([[1., 2.],\n       [3., 4.]], dtype=float32)>"),
], ids=["scalar", "named", "vector", "float64", "int", "matrix"])
def test_repr_and_str_are_identical(make, text):
    v = make()
    assert repr(v) == text and str(v) == text


def test_repr_reflects_assignments():
    v = tf.Variable(3.0)
    v.assign(4.0, read_value=False)
    assert repr(v).endswith("numpy=4.0>")


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assignments_with_the_default_read_value_work(method):
    v = tf.Variable(3.0)
    getattr(v, method)(1.0)
    assert value(v) in (1.0, 4.0, 2.0)
