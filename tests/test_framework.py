"""tf.group / tuple / control_dependencies, py_function and numpy_function, DeviceSpec,
the variable enums, the name-scope and logger getters, tensor conversion functions and
TF's own (non-Keras) initializers."""

import logging

import numpy as np
import pytest

import fasttape as tf
from fasttape import errors


# --- ordering helpers -------------------------------------------------------------------

def test_group_and_tuple_are_eager_no_ops():
    a = tf.constant(1)
    assert tf.group(a, tf.constant(2)) is None
    assert tf.group() is None
    seq = (a, None, 2.0)
    assert tf.tuple(seq) is seq


def test_control_dependencies_calls_callables_and_nests():
    calls = []
    with tf.control_dependencies([tf.constant(1), lambda: calls.append(1)]) as c:
        assert c is None
    assert calls == [1]
    with tf.control_dependencies(None):
        pass
    with pytest.raises(TypeError):
        tf.control_dependencies(3)


def test_name_scope_and_logger():
    assert tf.get_current_name_scope() == ""
    with tf.name_scope("a"):
        with tf.name_scope("b"):
            assert tf.get_current_name_scope() == "a/b"
        assert tf.get_current_name_scope() == "a"
    assert isinstance(tf.get_logger(), logging.Logger)


# --- py_function / numpy_function -------------------------------------------------------

def test_py_function_is_differentiable_through_func():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.py_function(lambda a: a * a, [x], tf.float32)
        z = tf.numpy_function(lambda a: a * a, [x], tf.float32)
    np.testing.assert_allclose(y.numpy(), [1.0, 4.0])
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(z.numpy(), [1.0, 4.0])
    assert tape.gradient(z, x) is None


def test_py_function_outputs_follow_tout():
    out = tf.py_function(lambda a, b: (a, b), [1, 2.0], [tf.int32, tf.float32])
    assert isinstance(out, list) and [o.dtype for o in out] == [tf.int32, tf.float32]
    assert tf.py_function(lambda a: None, [1], []) == []
    assert tf.py_function(lambda: 3, [], tf.int64).dtype == tf.int64
    # a single Tout takes the first of several results
    assert float(tf.py_function(lambda a: (a, a + 1), [1.0], tf.float32)) == 1.0


def test_py_function_errors_in_tf_classes():
    with pytest.raises(errors.InvalidArgumentError, match="requested dtype int32"):
        tf.py_function(lambda a: a, [1.0], tf.int32)
    with pytest.raises(errors.InvalidArgumentError, match="returns 1 values, but expects "
                                                          "to see 2 values"):
        tf.py_function(lambda a: a, [1.0], [tf.float32, tf.float32])
    with pytest.raises(errors.InvalidArgumentError, match="returns 0 values"):
        tf.py_function(lambda: None, [], tf.float32)
    with pytest.raises(errors.UnknownError, match="ZeroDivisionError"):
        tf.py_function(lambda a: 1 / 0, [1.0], tf.float32)
    with pytest.raises(errors.OutOfRangeError):
        tf.py_function(lambda: next(iter(())), [], tf.float32)
    with pytest.raises(TypeError, match="Tout"):
        tf.py_function(lambda a: a, [1], None)
    with pytest.raises(TypeError, match="Tout"):
        tf.numpy_function(lambda a: a, [1], None)


def test_py_function_as_decorator():
    @tf.py_function(Tout=tf.float32)
    def double(a):
        return a * 2

    assert float(double(tf.constant(3.0))) == 6.0


def test_numpy_function_keeps_result_dtypes_and_raw_errors():
    seen = []
    out = tf.numpy_function(lambda a: seen.append(a) or a, [1.0], tf.float32)
    assert seen[0].dtype == np.float64 and out.dtype == tf.float64    # numpy's default
    assert tf.numpy_function(lambda a: a, [np.float32(1)], tf.int32).dtype == tf.float32
    assert tf.numpy_function(lambda a: a, [1], tf.float32).dtype == tf.int64
    pair = tf.numpy_function(lambda a: (a, a), [tf.Variable(1.0)], tf.float32)
    assert [p.dtype for p in pair] == [tf.float32, tf.float32]
    assert tf.numpy_function(lambda: None, [], tf.float32) is None
    with pytest.raises(ZeroDivisionError):
        tf.numpy_function(lambda a: 1 / 0, [1.0], tf.float32)


# --- DeviceSpec and the variable enums --------------------------------------------------

def test_device_spec_parses_and_prints():
    d = tf.DeviceSpec(job="w", device_type="gpu", device_index=1)
    assert d.to_string() == "/job:w/device:GPU:1"
    assert repr(d) == ("<DeviceSpec(job=w, replica=None, task=None, device_type=GPU, "
                       "device_index=1)>")
    spec = tf.DeviceSpec.from_string("/job:a/replica:1/task:2/device:CPU:0")
    assert (spec.job, spec.replica, spec.task, spec.device_type, spec.device_index) == (
        "a", 1, 2, "CPU", 0)
    assert tf.DeviceSpec.from_string("/cpu:0").to_string() == "/device:CPU:0"
    assert tf.DeviceSpec.from_string("/job:a/gpu:2").to_string() == "/job:a/device:GPU:2"
    assert tf.DeviceSpec.from_string("/GPU:*").device_index is None
    assert tf.DeviceSpec.from_string("/device:tpu:1").device_type == "tpu"
    assert tf.DeviceSpec.from_string("").to_string() == ""
    merged = d.make_merged_spec(tf.DeviceSpec(task=3, device_index=2))
    assert merged.to_string() == "/job:w/task:3/device:GPU:2"
    assert d.replace(job="q").to_string() == "/job:q/device:GPU:1"
    assert d == tf.DeviceSpec.from_string(d.to_string())
    assert hash(d) == hash(tf.DeviceSpec.from_string(d.to_string()))
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        tf.DeviceSpec.from_string("/foo:1")
    with pytest.raises(AttributeError):
        d.job = "x"


def test_variable_enums():
    assert [m.value for m in tf.VariableAggregation] == [0, 1, 2, 3]
    assert repr(tf.VariableAggregation.MEAN) == "<VariableAggregationV2.MEAN: 2>"
    assert [m.name for m in tf.VariableSynchronization] == ["AUTO", "NONE", "ON_WRITE",
                                                             "ON_READ"]
    v = tf.Variable(1.0, aggregation=tf.VariableAggregation.SUM,
                    synchronization=tf.VariableSynchronization.ON_READ)
    assert float(v) == 1.0


# --- tensor conversion functions --------------------------------------------------------

class _Box:
    def __init__(self, value):
        self.value = value


def _box_to_tensor(value, dtype=None, name=None, as_ref=False):
    return tf.constant(value.value, dtype=dtype)


def test_registered_conversion_reaches_ops_and_gradients(monkeypatch):
    from fasttape import _convert
    monkeypatch.setattr(_convert, "_CONVERSIONS", [])
    tf.register_tensor_conversion_function(_Box, _box_to_tensor)
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.add(x, _Box(3.0)) * tf.convert_to_tensor(_Box(2.0))
    assert float(y) == 10.0 and float(tape.gradient(y, x)) == 2.0
    assert tf.convert_to_tensor(_Box(1), dtype_hint=tf.float32).dtype == tf.float32
    assert int(tf.reduce_sum(_Box([1, 2]))) == 3


def test_conversion_priority_and_not_implemented(monkeypatch):
    from fasttape import _convert
    monkeypatch.setattr(_convert, "_CONVERSIONS", [])
    tf.register_tensor_conversion_function(_Box, lambda v, dtype=None, name=None,
                                           as_ref=False: NotImplemented, priority=1)
    tf.register_tensor_conversion_function(_Box, _box_to_tensor, priority=5)
    assert float(tf.convert_to_tensor(_Box(4.0))) == 4.0
    tf.register_tensor_conversion_function(_Box, lambda v, dtype=None, name=None,
                                           as_ref=False: 7, priority=0)
    with pytest.raises(RuntimeError, match="returned non-Tensor"):
        tf.convert_to_tensor(_Box(4.0))


def test_conversion_dtype_checked_and_registration_errors(monkeypatch):
    from fasttape import _convert
    monkeypatch.setattr(_convert, "_CONVERSIONS", [])
    tf.register_tensor_conversion_function(
        _Box, lambda v, dtype=None, name=None, as_ref=False: tf.constant(1.0))
    with pytest.raises(RuntimeError, match="incompatible dtype: requested = int32, "
                                           "actual = float32"):
        tf.convert_to_tensor(_Box(1), dtype=tf.int32)
    with pytest.raises(TypeError, match="Python numeric types"):
        tf.register_tensor_conversion_function(float, _box_to_tensor)
    with pytest.raises(TypeError, match="Python numeric types"):
        tf.register_tensor_conversion_function(np.ndarray, _box_to_tensor)
    with pytest.raises(TypeError, match="base_type"):
        tf.register_tensor_conversion_function("Box", _box_to_tensor)
    with pytest.raises(TypeError, match="conversion_func"):
        tf.register_tensor_conversion_function(_Box, 3)


# --- initializers -----------------------------------------------------------------------

def test_fill_initializers_default_float32_and_check_dtype():
    z = tf.zeros_initializer()([2, 2])
    assert z.dtype == tf.float32 and not z.numpy().any()
    o = tf.ones_initializer()(tf.TensorShape([3]), tf.int32)
    assert o.dtype == tf.int32 and o.numpy().tolist() == [1, 1, 1]
    assert tf.ones_initializer()([2], tf.bool).numpy().all()
    with pytest.raises(TypeError, match="partition_shape"):
        tf.zeros_initializer()([2], foo=1)


def test_constant_initializer_follows_tf_constant():
    assert tf.constant_initializer([1, 2])([2], tf.int32).numpy().tolist() == [1, 2]
    assert tf.constant_initializer([1, 2, 3, 4])([2, 2]).numpy().tolist() == [[1, 2], [3, 4]]
    assert tf.constant_initializer(3.0)([2]).numpy().tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match="unsupported shape"):
        tf.constant_initializer([1, 2, 3])([2])
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer({"a": 1})
    init = tf.constant_initializer(2)
    assert type(init).from_config(init.get_config()).value == 2


def test_random_initializers():
    n = tf.random_normal_initializer(mean=1.0, stddev=0.5, seed=3)([2000], tf.float64)
    assert n.dtype == tf.float64
    assert abs(n.numpy().mean() - 1.0) < 0.1 and abs(n.numpy().std() - 0.5) < 0.1
    u = tf.random_uniform_initializer(0, 10, seed=1)([500], tf.int32)
    assert u.dtype == tf.int32 and u.numpy().min() >= 0 and u.numpy().max() < 10
    with pytest.raises(ValueError, match="expected to be floating point"):
        tf.random_normal_initializer()([2], tf.int32)
    with pytest.raises(ValueError, match="floating point or integer"):
        tf.random_uniform_initializer()([2], tf.bool)
    assert tf.random_normal_initializer().get_config() == {"mean": 0.0, "stddev": 0.05,
                                                           "seed": None}


def test_keras_module_aliases():
    assert tf.initializers is tf.keras.initializers
    assert tf.losses is tf.keras.losses


def test_top_level_and_nn_aliases():
    assert tf.eig is tf.linalg.eig and tf.eigvals is tf.linalg.eigvals
    assert tf.matrix_square_root is tf.linalg.sqrtm
    assert tf.nn.top_k is tf.math.top_k
    assert tf.nn.approx_max_k is tf.math.approx_max_k
    assert tf.nn.approx_min_k is tf.math.approx_min_k
