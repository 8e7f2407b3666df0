"""py_function, numpy_function, DeviceSpec and TF's initializers against TensorFlow."""

import numpy as np
import pytest

tf_ref = pytest.importorskip("tensorflow")

import fasttape  # noqa: E402


@pytest.mark.parametrize("spec", ["/job:a/replica:1/task:2/device:CPU:0", "/cpu:0",
                                  "/GPU:*", "/job:a/gpu:2", "/device:tpu:1", "",
                                  "job:a/task:1"])
def test_device_spec_round_trip(spec):
    got = fasttape.DeviceSpec.from_string(spec)
    want = tf_ref.DeviceSpec.from_string(spec)
    assert got.to_string() == want.to_string()
    assert repr(got) == repr(want)


@pytest.mark.parametrize("m_name", ["py_function", "numpy_function"])
def test_py_functions_values_dtypes_gradients(m_name):
    def run(m):
        x = m.constant([1.0, 2.0])
        with m.GradientTape() as tape:
            tape.watch(x)
            y = getattr(m, m_name)(lambda a: a * a + 1, [x], m.float32)
        g = tape.gradient(y, x)
        return y.numpy(), y.dtype.name, None if g is None else g.numpy()
    got, want = run(fasttape), run(tf_ref)
    np.testing.assert_allclose(got[0], want[0])
    assert got[1] == want[1]
    assert (got[2] is None) == (want[2] is None)
    if got[2] is not None:
        np.testing.assert_allclose(got[2], want[2])


@pytest.mark.parametrize("inp", [[1.0], [1], [[1.0, 2.0]], [np.float32(1)]])
def test_numpy_function_result_dtypes(inp):
    got = fasttape.numpy_function(lambda a: a, inp, fasttape.float32)
    want = tf_ref.numpy_function(lambda a: a, inp, tf_ref.float32)
    assert got.dtype.name == want.dtype.name


@pytest.mark.parametrize("name, args, dtype", [
    ("zeros_initializer", (), "float32"), ("ones_initializer", (), "int32"),
    ("constant_initializer", ([1, 2, 3, 4],), "float64"),
    ("constant_initializer", (5,), "int64")])
def test_fill_initializers(name, args, dtype):
    got = getattr(fasttape, name)(*args)([2, 2], getattr(fasttape, dtype))
    want = getattr(tf_ref, name)(*args)([2, 2], getattr(tf_ref, dtype))
    assert got.dtype.name == want.dtype.name
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", ["random_normal_initializer", "random_uniform_initializer"])
def test_random_initializer_config_and_dtype(name):
    got, want = getattr(fasttape, name)(seed=2), getattr(tf_ref, name)(seed=2)
    assert got.get_config() == want.get_config()
    assert got([3]).dtype.name == want([3]).dtype.name
    with pytest.raises(ValueError):
        want([2], tf_ref.bool)
    with pytest.raises(ValueError):
        got([2], fasttape.bool)
