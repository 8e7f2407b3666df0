"""Tensors: dtypes and promotion, printing, Python protocols and numpy interop
 (as TensorFlow 2.21 behaves)."""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError


def value(t):
    return np.asarray(t)


# --- 4.1 defaults and construction --------------------------------------------------------

@pytest.mark.parametrize("literal, dtype", [
    (3.0, tf.float32), (3, tf.int32), (2 ** 40, tf.int64), (True, tf.bool),
    ([1, 2.5], tf.float32), (np.array([1.0]), tf.float64), (np.array([1]), tf.int64),
    (np.array([1.0], np.float32), tf.float32), (np.float64(2.0), tf.float64),
], ids=["float", "int", "big-int", "bool", "mixed-list", "np-f64", "np-i64", "np-f32",
        "np-f64-scalar"])
def test_constant_dtype_inference(literal, dtype):
    assert tf.constant(literal).dtype == dtype


def test_dtype_argument_converts_python_values():
    t = tf.constant(3, dtype=tf.float32)
    assert t.dtype == tf.float32 and value(t) == 3.0


def test_float_to_int_constant_raises_type_error():
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        tf.constant(2.5, dtype=tf.int32)


def test_constant_fills_a_shape():
    t = tf.constant(1.0, shape=[2, 3])
    assert t.shape == (2, 3) and value(t).tolist() == [[1.0] * 3] * 2


def test_convert_to_tensor_never_casts_an_existing_tensor():
    with pytest.raises(ValueError):
        tf.convert_to_tensor(tf.constant(np.float64(1.0)), dtype=tf.float32)


def test_zeros_like_and_ones_like_keep_the_dtype():
    t = tf.constant([1, 2])
    assert tf.zeros_like(t).dtype == tf.int32 and tf.ones_like(t).dtype == tf.int32


def test_where_with_only_a_condition_gives_int64_indices():
    idx = tf.where(tf.constant([[True, False], [False, True]]))
    assert idx.dtype == tf.int64 and value(idx).tolist() == [[0, 0], [1, 1]]


# --- 4.2 binary ops never promote between tensors -----------------------------------------

@pytest.mark.parametrize("a, b", [
    (tf.constant(1.0), tf.constant(np.float64(1.0))),
    (tf.constant(1.0), tf.constant(1)),
    (tf.Variable(np.float64(1.0)), tf.constant(1.0)),
], ids=["f32-f64", "f32-i32", "f64-variable-f32"])
@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_mixed_dtype_tensors_raise_invalid_argument(a, b, op):
    with pytest.raises(InvalidArgumentError, match="expected to be a"):
        eval(f"a {op} b", {"a": a, "b": b})


def test_mixed_dtype_add_message_names_the_input_and_op():
    with pytest.raises(InvalidArgumentError, match=r"cannot compute \w+ as input #1\(zero-based\) "
                                                   r"was expected to be a float32? tensor"):
        tf.add(tf.constant(1.0), tf.constant(np.float64(1.0)))


def test_mixed_dtype_matmul_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError):
        tf.matmul(tf.ones_like(np.ones((2, 2), np.float32)), tf.constant(np.ones((2, 2))))


# --- 4.3 non-tensor operands adopt the tensor's dtype -------------------------------------

@pytest.mark.parametrize("expr", [
    "t + np.array([1.0, 2.0])", "np.array([1.0, 2.0]) + t", "t * np.float64(2.0)",
    "np.float64(2.0) * t", "t + 2", "2 ** t", "2 - t", "2 / t", "t + [1, 2]",
])
def test_non_tensor_operands_adopt_the_tensor_dtype(expr):
    r = eval(expr, {"tf": tf, "np": np, "t": tf.constant([1.0, 2.0])})
    assert type(r) is tf.Tensor and r.dtype == tf.float32


def test_python_float_with_a_float64_tensor_is_float64():
    assert (tf.constant(np.array([1.0])) + 2.5).dtype == tf.float64


def test_numpy_scalar_times_a_watched_tensor_stays_on_the_tape():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = np.float64(2.0) * x
    assert type(y) is tf.Tensor and y.dtype == tf.float32
    assert value(t.gradient(y, x)) == 2.0


def test_tensors_set_array_priority():
    assert tf.constant(1.0).__array_priority__ == 100
    assert tf.Variable(1.0).__array_priority__ == 100


# --- 4.4 int32 tensor with a Python float -------------------------------------------------

@pytest.mark.parametrize("expr", ["i * 2.5", "i - 2.5", "2.5 * i", "tf.multiply(i, 2.5)",
                                  "tf.maximum(i, 2.5)", "tf.pow(i, 2.5)"])
def test_int_tensor_with_a_python_float_raises_type_error(expr):
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        eval(expr, {"tf": tf, "i": tf.constant([1, 2])})


@pytest.mark.parametrize("expr", ["i + 2.5", "tf.add(i, 2.5)"])
def test_int_tensor_plus_a_python_float_raises(expr):
    # TF: InvalidArgumentError here (inconsistently); TypeError is accepted as well
    with pytest.raises((InvalidArgumentError, TypeError)):
        eval(expr, {"tf": tf, "i": tf.constant([1, 2])})


def test_int_tensor_divided_by_a_python_float_raises_type_error():
    with pytest.raises(TypeError):
        tf.constant([1, 2]) / 2.5


# --- 4.5 integer arithmetic ---------------------------------------------------------------

def test_int_true_division_gives_float64():
    r = tf.constant([1, 3]) / tf.constant([2, 2])
    assert r.dtype == tf.float64 and value(r).tolist() == [0.5, 1.5]


@pytest.mark.parametrize("a, b, floor, mod", [(-7, 2, -4, 1), (7, -3, -3, -2), (-7, 3, -3, 2)])
def test_int_floor_division_and_modulo_follow_python(a, b, floor, mod):
    ta, tb = tf.constant(a), tf.constant(b)
    assert (ta // tb).dtype == tf.int32 and value(ta // tb) == floor
    assert value(ta % tb) == mod


def test_float_floor_division_and_modulo_follow_python():
    assert value(tf.constant(-7.0) // tf.constant(2.0)) == -4.0
    assert value(tf.constant(-7.0) % tf.constant(3.0)) == 2.0


def test_int_power_stays_int32():
    r = tf.constant([2, 3]) ** 2
    assert r.dtype == tf.int32 and value(r).tolist() == [4, 9]


def test_int_to_a_negative_int_power_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError):
        tf.constant(2) ** -1


@pytest.mark.parametrize("fn", [tf.sqrt, tf.exp, tf.math.log, tf.sigmoid])
def test_float_only_ops_on_ints_raise_invalid_argument(fn):
    with pytest.raises(InvalidArgumentError, match="Value for attr 'T' of int32 is not in the "
                                                   "list of allowed values"):
        fn(tf.constant(3))


def test_square_and_abs_work_on_ints():
    assert tf.square(3).dtype == tf.int32 and value(tf.square(3)) == 9
    assert value(tf.abs(tf.constant(-3))) == 3


def test_int_reduce_mean_is_an_integer_mean():
    m = tf.reduce_mean(tf.constant([1, 2]))
    assert m.dtype == tf.int32 and value(m) == 1


# --- 4.6 Python pow -----------------------------------------------------------------------

def test_python_pow_on_a_variable_stays_float32_with_exact_derivatives():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        a = pow(x, 3)
        b = x ** 2
    assert a.dtype == b.dtype == tf.float32
    assert value(t.gradient(a, x)) == 27.0 and value(t.gradient(b, x)) == 6.0


def test_number_to_a_tensor_power_has_the_log_gradient():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = 3.0 ** x
    np.testing.assert_allclose(value(t.gradient(y, x)), 9.0 * np.log(3.0), rtol=1e-6)


# --- 5.1 str ------------------------------------------------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda: tf.constant(3.0), "fasttape.Tensor(3.0, shape=(), dtype=float32)"),
    (lambda: tf.constant([1.0, 2.0, 3.0]),
     "fasttape.Tensor([1. 2. 3.], shape=(3,), dtype=float32)"),
    (lambda: tf.constant(1.0) / 3.0, "fasttape.Tensor(0.33333334, shape=(), dtype=float32)"),
    (lambda: tf.constant(1e-8), "fasttape.Tensor(1e-08, shape=(), dtype=float32)"),
    (lambda: tf.constant(1e10), "fasttape.Tensor(1e+10, shape=(), dtype=float32)"),
    (lambda: tf.constant([np.nan, np.inf, -np.inf]),
     "fasttape.Tensor([ nan  inf -inf], shape=(3,), dtype=float32)"),
    (lambda: tf.constant([1, 2]), "fasttape.Tensor([1 2], shape=(2,), dtype=int32)"),
    (lambda: tf.constant([True, False]),
     "fasttape.Tensor([ True False], shape=(2,), dtype=bool)"),
    (lambda: tf.constant(True), "fasttape.Tensor(True, shape=(), dtype=bool)"),
    (lambda: tf.constant([[1.0, 2.0], [3.0, 4.0]]),
     "fasttape.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)"),
], ids=["scalar", "vector", "third", "tiny", "huge", "nan-inf", "int", "bool", "bool-scalar",
        "matrix"])
def test_str(make, text):
    t = make()
    assert str(t) == text
    assert "%s" % t == text


# --- 5.2 repr -----------------------------------------------------------------------------

@pytest.mark.parametrize("make, numpy_text", [
    (lambda: tf.constant(3.0), "3.0"),
    (lambda: tf.constant(1.0) / 3.0, "0.3333333432674408"),
    (lambda: tf.constant(1e-8), "9.99999993922529e-09"),
    (lambda: tf.constant(1e10), "10000000000.0"),
    (lambda: tf.constant(-0.0), "-0.0"),
    (lambda: tf.constant(3), "3"),
    (lambda: tf.constant(True), "True"),
], ids=["float", "third", "tiny", "huge", "neg-zero", "int", "bool"])
def test_repr_of_a_scalar_uses_the_python_item(make, numpy_text):
    t = make()
    assert repr(t) == (f"<fasttape.Tensor: shape=(), dtype={t.dtype.name}, "
                       f"numpy={numpy_text}>")


@pytest.mark.parametrize("make, text", [
    (lambda: tf.constant([0.1, 1.0 / 3.0]),
     "<fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([0.1       , 0.33333334], "
     "dtype=float32)>"),
    (lambda: tf.constant(np.array([1.5, 2.0])),
     "<fasttape.Tensor: shape=(2,), dtype=float64, numpy=array([1.5, 2. ])>"),
    (lambda: tf.constant(np.zeros(0, np.float32)),
     "<fasttape.Tensor: shape=(0,), dtype=float32, numpy=array([], dtype=float32)>"),
    (lambda: tf.constant([[1.0, 2.0], [3.0, 4.0]]),
     "<fasttape.Tensor: shape=(2, 2), dtype=float32, numpy=\narray([[1., 2.],\n"
     "       [3., 4.]], dtype=float32)>"),
], ids=["vector", "float64", "empty", "matrix"])
def test_repr_of_an_array(make, text):
    assert repr(make()) == text


def test_long_arrays_are_summarised():
    t = tf.constant(np.arange(2000, dtype=np.float32))
    assert "..." in repr(t) and "..." in str(t)


# --- 5.4 containers and formatting --------------------------------------------------------

def test_containers_show_each_tensors_repr():
    a, b = tf.constant(1.0), tf.constant(2.0)
    assert str([a, b]) == f"[{a!r}, {b!r}]"
    assert str((a,)) == f"({a!r},)"
    assert str({"k": a}) == f"{{'k': {a!r}}}"


@pytest.mark.parametrize("make, spec, text", [
    (lambda: tf.constant(3.0), "", "3.0"),
    (lambda: tf.constant([1.0, 2.0, 3.0]), "", "[1. 2. 3.]"),
    (lambda: tf.constant(3.0), ".2f", "3.00"),
])
def test_format_uses_numpy_format_of_the_value(make, spec, text):
    assert format(make(), spec) == text
    assert f"{make():{spec}}" == text


def test_format_spec_on_a_non_scalar_raises_type_error():
    with pytest.raises(TypeError):
        format(tf.constant([1.0, 2.0]), ".2f")


# --- 5.5 conversions and iteration --------------------------------------------------------

def test_float_and_int_of_scalars():
    assert float(tf.constant(3.5)) == 3.5
    assert int(tf.constant(3.7)) == 3 and int(tf.constant(-3.7)) == -3


def test_float_of_a_one_element_vector_raises_type_error():
    with pytest.raises(TypeError):
        float(tf.constant([3.0]))


def test_bool_of_scalars_and_one_element_tensors():
    assert bool(tf.constant(1.0)) is True and bool(tf.constant([0.0])) is False


def test_bool_of_several_elements_raises_value_error():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1.0, 2.0]))


def test_len_is_the_first_dimension():
    assert len(tf.constant(np.zeros((3, 2)))) == 3


def test_len_of_a_scalar_raises_type_error():
    with pytest.raises(TypeError, match="Scalar tensor has no `len\\(\\)`"):
        len(tf.constant(1.0))


def test_iteration_yields_sub_tensors_along_axis_0():
    rows = list(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert all(type(r) is tf.Tensor for r in rows)
    assert [value(r).tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]


def test_iterating_a_scalar_raises_type_error():
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor."):
        iter(tf.constant(1.0))


def test_iteration_is_differentiable():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        a, b = x
        y = a * b
    np.testing.assert_array_equal(value(t.gradient(y, x)), [2.0, 1.0])


# --- 5.5 indexing -------------------------------------------------------------------------

M = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("key", [
    0, -1, slice(1, None), slice(None, None, -1), slice(0, 4, 2), (1, 2), (0, slice(None), 3),
    (Ellipsis, 1), (None, 0), (0, None, slice(1, 3)), (Ellipsis, None), (slice(None), -2, -1),
], ids=repr)
def test_basic_indexing_matches_numpy(key):
    t = tf.constant(M)
    r = t[key]
    assert type(r) is tf.Tensor and r.dtype == tf.float32
    np.testing.assert_array_equal(value(r), M[key])


def test_a_0d_int_tensor_is_an_index():
    t = tf.constant(M)
    np.testing.assert_array_equal(value(t[tf.constant(1)]), M[1])
    np.testing.assert_array_equal(value(t[0, tf.constant(2)]), M[0, 2])
    np.testing.assert_array_equal(value(t[:, tf.constant(1):tf.constant(3)]), M[:, 1:3])


def test_a_boolean_mask_tensor_selects():
    if not hasattr(tf, "boolean_mask"):
        pytest.skip("tf.boolean_mask (indexing family) is not there yet")
    t = tf.constant([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(value(t[tf.constant([True, False, True])]), [1.0, 3.0])


def test_a_list_index_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError):
        tf.constant([1.0, 2.0, 3.0])[[0, 2]]


@pytest.mark.parametrize("key", [5, -4, (0, 9)], ids=repr)
def test_an_out_of_bounds_index_raises_invalid_argument(key):
    with pytest.raises(InvalidArgumentError, match="out of bounds"):
        tf.constant(np.zeros((3, 3), np.float32))[key]


def test_an_index_on_too_many_dimensions_raises_invalid_argument():
    with pytest.raises(InvalidArgumentError):
        tf.constant([1.0, 2.0])[0, 0]


def test_item_assignment_raises_type_error():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError):
        t[0] = 5.0


def test_slicing_is_differentiable():
    x = tf.Variable([1.0, 2.0, 3.0, 4.0, 5.0])
    with tf.GradientTape() as t:
        y = tf.reduce_sum(x[1:4] * x[-1])
    np.testing.assert_array_equal(value(t.gradient(y, x)), [0.0, 5.0, 5.0, 5.0, 9.0])


# --- 5.5 comparisons ----------------------------------------------------------------------

@pytest.mark.parametrize("op, expected", [
    ("<", [True, False, False]), ("<=", [True, True, False]), (">", [False, False, True]),
    (">=", [False, True, True]), ("!=", [True, False, True]), ("==", [False, True, False]),
])
def test_comparisons_are_elementwise_bool_tensors(op, expected):
    r = eval(f"a {op} 2.0", {"a": tf.constant([1.0, 2.0, 3.0])})
    assert type(r) is tf.Tensor and r.dtype == tf.bool
    assert value(r).tolist() == expected


def test_equality_broadcasts():
    r = tf.constant([[1.0], [2.0]]) == tf.constant([1.0, 2.0])
    assert r.shape == (2, 2) and value(r).tolist() == [[True, False], [False, True]]


def test_equality_of_incompatible_shapes_is_a_scalar_false_tensor():
    r = tf.constant([1.0, 2.0]) == tf.constant([1.0, 2.0, 3.0])
    assert type(r) is tf.Tensor and r.shape == () and r.dtype == tf.bool and not bool(r)
    r = tf.constant([1.0, 2.0]) != tf.constant([1.0, 2.0, 3.0])
    assert r.shape == () and bool(r)


def test_equality_with_none_is_a_python_bool():
    t = tf.constant(1.0)
    assert (t == None) is False  # noqa: E711 - the behaviour under test
    assert (t != None) is True  # noqa: E711


def test_comparing_with_a_string_raises_type_error():
    with pytest.raises(TypeError):
        tf.constant(1.0) == "a"  # noqa: B015


def test_membership_is_by_identity_or_value():
    x = tf.constant(3.0)
    assert x in [x]
    assert tf.constant(3.0) not in [tf.constant(2.0)]


# --- 5.5 hashing --------------------------------------------------------------------------

def test_tensor_is_unhashable():
    with pytest.raises(TypeError, match="Tensor is unhashable. Instead, use tensor.ref\\(\\) as "
                                        "the key."):
        hash(tf.constant(1.0))
    with pytest.raises(TypeError):
        {tf.constant(1.0)}


def test_ref_is_hashable_and_derefs_to_the_tensor():
    t = tf.constant(1.0)
    refs = {t.ref(), t.ref()}
    assert len(refs) == 1 and t.ref().deref() is t
    assert t.ref() != tf.constant(1.0).ref()


# --- 5.5 attributes -----------------------------------------------------------------------

def test_shape_is_a_tensor_shape():
    s = tf.constant(np.zeros((2, 2))).shape
    assert isinstance(s, tf.TensorShape)
    assert repr(s) == "TensorShape([2, 2])" and str(s) == "(2, 2)"
    assert s == (2, 2) and s == [2, 2]
    assert s.as_list() == [2, 2] and s.rank == 2 and len(s) == 2 and s[0] == 2
    assert type(s[0]) is int and tuple(s) == (2, 2)


def test_ndim():
    assert tf.constant(np.zeros((2, 3, 1))).ndim == 3


def test_tensor_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="Tensor.name is undefined when eager execution "
                                             "is enabled."):
        _ = tf.constant(1.0).name


def test_there_is_no_transpose_attribute():
    assert not hasattr(tf.constant([[1.0]]), "T")


def test_dtype_attributes():
    d = tf.constant(1.0).dtype
    assert repr(d) == "fasttape.float32" and str(d) == "<dtype: 'float32'>"
    assert d.name == "float32" and d == "float32" and d == np.float32
    assert d.is_floating and tf.as_dtype("float32") == d


def test_isinstance_tensor():
    assert isinstance(tf.constant(1.0), tf.Tensor)
    assert tf.is_tensor(tf.constant(1.0)) and not tf.is_tensor(1.0)


# --- 5.5 numpy interop --------------------------------------------------------------------

def test_numpy_of_a_scalar_is_a_numpy_scalar():
    n = tf.constant(3.0).numpy()
    assert type(n) is np.float32 and n == 3.0


def test_numpy_of_an_array_is_an_ndarray_copy():
    t = tf.constant([1.0, 2.0])
    n = t.numpy()
    assert type(n) is np.ndarray and n.dtype == np.float32
    n[0] = 9.0                       # a copy: the tensor is unchanged
    assert value(t).tolist() == [1.0, 2.0]


def test_asarray_of_tensors_and_variables():
    assert np.asarray(tf.constant([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert np.asarray(tf.Variable([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_asarray_cannot_write_into_a_tensor():
    a = np.asarray(tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError):
        a[0] = 5.0


def test_numpy_ufuncs_on_tensors_return_ndarrays():
    r = np.square(tf.constant([1.0, 2.0]))
    assert type(r) is np.ndarray and r.tolist() == [1.0, 4.0]


# --- 4.1 creation helpers' default dtypes -------------------------------------------------

@pytest.mark.parametrize("make, dtype", [
    (lambda: tf.zeros([2]), tf.float32), (lambda: tf.ones([2]), tf.float32),
    (lambda: tf.fill([2], 1.0), tf.float32), (lambda: tf.eye(2), tf.float32),
    (lambda: tf.linspace(0.0, 1.0, 3), tf.float32), (lambda: tf.one_hot([0, 1], 2), tf.float32),
    (lambda: tf.range(3), tf.int32), (lambda: tf.range(3.0), tf.float32),
    (lambda: tf.argmax(tf.constant([1.0, 3.0])), tf.int64),
    (lambda: tf.shape(tf.constant([1.0])), tf.int32), (lambda: tf.rank(tf.constant([1.0])),
                                                        tf.int32),
    (lambda: tf.size(tf.constant([1.0])), tf.int32),
], ids=["zeros", "ones", "fill", "eye", "linspace", "one_hot", "range-int", "range-float",
        "argmax", "shape", "rank", "size"])
def test_creation_and_info_dtypes(make, dtype):
    assert make().dtype == dtype
