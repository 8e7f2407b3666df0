"""fasttape.function: call forms, the trace key, side effects, variables, control flow,
nests, errors and tf.print, as TF 2.21 behaves."""

import io

import numpy as np
import pytest

import fasttape as tf
from fasttape import _engine
from tests.helpers import check


def counter_fn():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2.0
    return f, calls


# --- call forms and the tracing count -------------------------------------------------

def test_decorator_forms_and_name():
    @tf.function
    def a(x):
        return x + 1.0

    @tf.function(reduce_retracing=True)
    def b(x):
        return x + 1.0

    c = tf.function(lambda x: x + 1.0)
    for f in (a, b, c):
        check(f(tf.constant(1.0)), 2.0, tf.float32)
    assert a.__name__ == "a" and b.python_function.__name__ == "b"
    assert a.experimental_get_tracing_count() == 1


def test_count_is_zero_before_the_first_call_and_repeats_reuse_the_trace():
    f, calls = counter_fn()
    assert f.experimental_get_tracing_count() == 0
    for v in (1.0, 2.0, 3.0):
        check(f(tf.constant(v)), 2 * v)
    assert f.experimental_get_tracing_count() == 1 and len(calls) == 1


def test_new_shape_or_dtype_retraces_and_old_signature_is_reused():
    f, calls = counter_fn()
    f(tf.constant(1.0))
    f(tf.constant([1.0, 2.0]))
    f(tf.constant(1.0, tf.float64))
    assert f.experimental_get_tracing_count() == 3
    f(tf.constant(5.0))
    assert f.experimental_get_tracing_count() == 3 and len(calls) == 3


def test_python_values_are_keys_by_equality():
    @tf.function
    def f(x, k):
        return x * k

    x = tf.constant(2.0)
    check(f(x, 2), 4.0)
    check(f(x, 3), 6.0)
    check(f(x, 2.0), 4.0)         # 2 == 2.0: same key
    assert f.experimental_get_tracing_count() == 2


def test_bound_arguments_share_a_key():
    @tf.function
    def f(x, k=3.0):
        return x * k

    x = tf.constant(2.0)
    f(x)
    f(x=x)
    f(x, 3.0)
    assert f.experimental_get_tracing_count() == 1


def test_containers_are_part_of_the_key():
    @tf.function
    def f(xs):
        return tf.reduce_sum(tf.stack(list(xs.values()) if isinstance(xs, dict) else list(xs)))

    a, b = tf.constant(1.0), tf.constant(2.0)
    check(f([a, b]), 3.0)
    check(f((a, b)), 3.0)
    check(f([a, b, a]), 4.0)
    assert f.experimental_get_tracing_count() == 3
    f({"p": a, "q": b})
    f({"q": b, "p": a})           # key order does not matter
    assert f.experimental_get_tracing_count() == 4


def test_variables_key_by_dtype_and_shape():
    @tf.function
    def f(v):
        return v * 2.0

    v1, v2 = tf.Variable(1.0), tf.Variable(5.0)
    check(f(v1), 2.0)
    check(f(v2), 10.0)
    assert f.experimental_get_tracing_count() == 1
    f(tf.constant(1.0))           # a Tensor is another key
    assert f.experimental_get_tracing_count() == 2


def test_numpy_arrays_are_converted_and_keyed_like_tensors():
    @tf.function
    def f(x):
        return x * 2

    out = f(np.array([1.0, 2.0]))
    check(out, [2.0, 4.0], tf.float64)
    f(np.array([3.0, 4.0]))
    assert f.experimental_get_tracing_count() == 1


def test_unhashable_python_argument_raises_type_error():
    @tf.function
    def f(x):
        return 1.0

    with pytest.raises(TypeError, match="hashable"):
        f({1, 2})
    assert f.experimental_get_tracing_count() == 0


def test_trace_that_raises_does_not_count_and_is_not_cached():
    state = {"fail": True}

    @tf.function
    def f(x):
        if state["fail"]:
            raise ValueError("boom")
        return x + 1.0

    with pytest.raises(ValueError, match="boom"):
        f(tf.constant(1.0))
    assert f.experimental_get_tracing_count() == 0
    state["fail"] = False
    check(f(tf.constant(1.0)), 2.0)
    assert f.experimental_get_tracing_count() == 1


# --- methods --------------------------------------------------------------------------

class Scaler:
    def __init__(self, k):
        self.k = k
        self.traces = 0

    @tf.function
    def __call__(self, x):
        self.traces += 1
        return x * self.k


def test_methods_trace_per_instance_and_read_self_at_trace_time():
    a, b = Scaler(2.0), Scaler(3.0)
    check(a(tf.constant(1.0)), 2.0)
    check(b(tf.constant(1.0)), 3.0)
    a.k = 10.0                    # frozen in a's trace
    check(a(tf.constant(1.0)), 2.0)
    assert a.traces == 1 and b.traces == 1
    assert Scaler.__call__.experimental_get_tracing_count() == 0
    assert a.__call__.experimental_get_tracing_count() == 1


def test_method_cache_dies_with_the_instance():
    import gc
    import weakref

    s = Scaler(2.0)
    s(tf.constant(1.0))
    ref = weakref.ref(s)
    del s
    gc.collect()
    assert ref() is None


# --- input_signature and reduce_retracing ---------------------------------------------

def test_input_signature_one_trace_for_compatible_calls():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return tf.reduce_sum(x * x)

    check(f(tf.constant([1.0, 2.0])), 5.0)
    check(f(tf.constant([1.0, 2.0, 3.0])), 14.0)
    check(f([3.0]), 9.0)                         # a list is converted
    check(f(np.array([1.0, 1.0])), 2.0)          # float64 numpy converted to the spec
    assert f.experimental_get_tracing_count() == 1
    assert f.input_signature == (tf.TensorSpec([None], tf.float32),)


@pytest.mark.parametrize("bad", [
    (tf.constant([1], tf.int32),),
    (tf.constant([1.0], tf.float64),),
    (tf.zeros((2, 2)),),
    (tf.constant(1.0), tf.constant(2.0)),
])
def test_input_signature_mismatch_raises_type_error_naming_the_argument(bad):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return x

    with pytest.raises(TypeError, match="Binding inputs"):
        f(*bad)


def test_input_signature_unconvertible_and_unknown_keyword():
    @tf.function(input_signature=[tf.TensorSpec([], tf.int32)])
    def f(x):
        return x

    with pytest.raises(TypeError, match="`x`"):
        f(2.5)
    with pytest.raises(TypeError, match="Binding inputs"):
        f(x=1, y=2)


def test_input_signature_shorter_than_parameters_raises_when_applied():
    with pytest.raises(TypeError):
        tf.function(lambda x, y: x, input_signature=[tf.TensorSpec([])])


def test_reduce_retracing_relaxes_shapes():
    @tf.function(reduce_retracing=True)
    def f(x):
        return tf.reduce_sum(x)

    f(tf.zeros((1,)))
    f(tf.zeros((2,)))
    f(tf.zeros((3,)))
    f(tf.zeros((7,)))
    assert f.experimental_get_tracing_count() == 2
    check(f(tf.ones((4,))), 4.0)


# --- side effects, executing_eagerly, run_functions_eagerly ----------------------------

def test_python_side_effects_only_while_tracing_tensor_work_every_call():
    log = []
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        log.append("traced")
        v.assign_add(x)
        return v.read_value()

    for _ in range(3):
        f(tf.constant(1.0))
    assert log == ["traced"]
    check(v, 3.0)


def test_captured_python_numbers_are_frozen_variables_are_read_per_call():
    k = [2.0]
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        return x * k[0] + v

    check(f(tf.constant(1.0)), 3.0)
    k[0] = 100.0
    v.assign(10.0)
    check(f(tf.constant(1.0)), 12.0)


def test_executing_eagerly_and_inside_function():
    seen = []

    @tf.function
    def f(x):
        seen.append((tf.executing_eagerly(), tf.inside_function()))
        return x

    assert tf.executing_eagerly() and not tf.inside_function()
    f(tf.constant(1.0))
    assert seen == [(False, True)]
    with tf.GradientTape():
        assert tf.executing_eagerly()


def test_run_functions_eagerly():
    log = []

    @tf.function
    def f(x):
        log.append(tf.executing_eagerly())
        return float(x.numpy()) * 2

    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly()
        assert f(tf.constant(2.0)) == 4.0        # not converted
        assert f(tf.constant(2.0)) == 4.0
        assert log == [True, True]
        assert f.experimental_get_tracing_count() == 0
    finally:
        tf.config.run_functions_eagerly(False)
    assert not tf.config.functions_run_eagerly()


# --- return values --------------------------------------------------------------------

def test_return_nests_python_values_and_variables():
    v = tf.Variable(3.0)

    @tf.function
    def f(x):
        return {"a": (x, [x * 2.0, None]), "n": 1, "f": 2.5, "s": "hi", "v": v}

    for _ in range(2):
        out = f(tf.constant(1.0))
        check(out["a"][0], 1.0)
        check(out["a"][1][0], 2.0)
        assert out["a"][1][1] is None
        check(out["n"], 1, tf.int32)
        check(out["f"], 2.5, tf.float32)
        assert out["s"] == "hi"             # (fasttape has no string tensors)
        assert isinstance(out["v"], tf.Tensor)
        check(out["v"], 3.0)


def test_no_return_gives_none():
    @tf.function
    def f(x):
        x * 2.0

    assert f(tf.constant(1.0)) is None
    assert f(tf.constant(1.0)) is None


def test_returned_variable_value_is_read_at_return():
    v = tf.Variable(1.0)

    @tf.function
    def f():
        out = v.read_value()
        v.assign(5.0)
        return out, v

    a, b = f()
    check(a, 1.0)
    check(b, 5.0)
    v.assign(2.0)
    a, b = f()
    check(a, 2.0)
    check(b, 5.0)


# --- variables inside the function ----------------------------------------------------

def test_unconditional_variable_creation_fails_on_the_first_call():
    @tf.function
    def f(x):
        w = tf.Variable(1.0)
        return w * x

    with pytest.raises(ValueError, match="singleton"):
        f(tf.constant(1.0))


def test_guarded_creation_traces_twice_and_works():
    class Model:
        def __init__(self):
            self.w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(tf.ones_like(x) * 2.0)
            return self.w * x

    m = Model()
    check(m(tf.constant([1.0, 2.0])), [2.0, 4.0])
    assert m.__call__.experimental_get_tracing_count() == 2
    m.w.assign([3.0, 3.0])
    check(m(tf.constant([1.0, 2.0])), [3.0, 6.0])
    assert m.__call__.experimental_get_tracing_count() == 2
    with pytest.raises(ValueError, match="non-first call"):
        Model.__call__.python_function(m, None) if False else None
        m.w = None
        m(tf.constant([1.0, 2.0, 3.0]))


def test_reads_and_writes_keep_program_order():
    v = tf.Variable(1.0)

    @tf.function
    def f():
        a = v.read_value()
        b = tf.identity(v.assign_add(2.0))
        c = v * 10.0
        v.assign(c)
        return a, b, c

    for start in (1.0, 4.0):
        v.assign(start)
        a, b, c = f()
        check(a, start)
        check(b, start + 2.0)
        check(c, (start + 2.0) * 10.0)
        check(v, (start + 2.0) * 10.0)


def test_failed_trace_leaves_variables_unchanged():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(x)
        raise RuntimeError("late")

    with pytest.raises(RuntimeError):
        f(tf.constant(5.0))
    check(v, 1.0)


# --- control flow ---------------------------------------------------------------------

def test_tensor_conditions_follow_the_value_on_every_call():
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2.0
        else:
            y = -x
        return y

    for v, want in [(3.0, 6.0), (-3.0, 3.0), (5.0, 10.0), (-1.0, 1.0)]:
        check(f(tf.constant(v)), want)
    assert f.experimental_get_tracing_count() == 1


def test_tensor_while_loop_in_python():
    @tf.function
    def collatz(n):
        steps = tf.constant(0)
        while n != 1:
            n = tf.where(n % 2 == 0, n // 2, 3 * n + 1)
            steps += 1
        return steps

    for n, want in [(6, 8), (7, 16), (6, 8), (1, 0)]:
        check(collatz(tf.constant(n)), want)


def test_for_over_tensor_rows_and_python_range_unrolls():
    @tf.function
    def f(m):
        total = tf.constant(0.0)
        for row in m:
            total += tf.reduce_sum(row)
        for k in range(3):
            total = total * 1.0 + k
        return total

    check(f(tf.ones((2, 2))), 4.0 + 3.0)
    check(f(tf.ones((2, 2)) * 2.0), 8.0 + 3.0)


def test_cond_and_while_loop_ops():
    @tf.function
    def f(x):
        y = tf.cond(x > 1.0, lambda: x * x, lambda: x + 10.0)
        _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * 2.0), (0, y))
        return z

    check(f(tf.constant(2.0)), 32.0)
    check(f(tf.constant(0.5)), 84.0)
    check(f(tf.constant(3.0)), 72.0)


def test_autograph_false_bool_raises():
    @tf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError) as info:
        f(tf.constant(1.0))
    assert isinstance(info.value, TypeError)


def test_numpy_inside_raises_attribute_error_float_works():
    @tf.function
    def f(x):
        return x.numpy()

    with pytest.raises(AttributeError, match="numpy"):
        f(tf.constant(1.0))

    @tf.function
    def g(x):
        return float(x) * 2.0

    check(g(tf.constant(1.5)), 3.0)
    check(g(tf.constant(2.5)), 5.0)


def test_failing_assert_raises_when_called_with_bad_data():
    @tf.function
    def f(x):
        if tf.reduce_any(x <= 0.0):
            raise tf.errors.InvalidArgumentError(None, None, "x must be positive")
        return x

    check(f(tf.constant(1.0)), 1.0)
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(tf.constant(-1.0))
    check(f(tf.constant(2.0)), 2.0)


# --- tf.print -------------------------------------------------------------------------

def test_print_prints_on_every_call_in_tf_format():
    buf = io.StringIO()

    @tf.function
    def f(x):
        tf.print("x:", x, [x, 2], output_stream=buf)
        return x

    f(tf.constant([1.0, 2.5]))
    f(tf.constant([3.0, 4.0]))
    assert buf.getvalue() == "x: [1 2.5] [[1 2.5], 2]\nx: [3 4] [[3 4], 2]\n"


@pytest.mark.parametrize("value, kwargs, text", [
    (np.float32(3.14159265), {}, "3.14159274\n"),
    (np.arange(10), {}, "[0 1 2 ... 7 8 9]\n"),
    (np.arange(10), {"summarize": -1}, "[0 1 2 3 4 5 6 7 8 9]\n"),
    (np.array([[1, 2], [3, 4]]), {}, "[[1 2]\n [3 4]]\n"),
    (np.array([0.1, 1 / 3]), {}, "[0.1 0.33333333333333331]\n"),
    (np.array(True), {"sep": ",", "end": "!"}, "1!"),
])
def test_print_format(value, kwargs, text):
    buf = io.StringIO()
    tf.print(tf.constant(value), output_stream=buf, **kwargs)
    assert buf.getvalue() == text


# --- TensorSpec and concrete functions -------------------------------------------------

def test_tensor_spec():
    s = tf.TensorSpec((None, 3))
    assert repr(s) == "TensorSpec(shape=(None, 3), dtype=fasttape.float32, name=None)"
    assert repr(tf.TensorSpec(None)) == \
        "TensorSpec(shape=<unknown>, dtype=fasttape.float32, name=None)"
    assert s == tf.TensorSpec([None, 3]) and hash(s) == hash(tf.TensorSpec([None, 3]))
    assert s != tf.TensorSpec([None, 3], tf.float64)
    assert s.is_compatible_with(tf.zeros((2, 3)))
    assert s.is_compatible_with(tf.TensorSpec((4, 3)))
    assert not s.is_compatible_with(tf.zeros((2, 3), tf.int32))
    assert not s.is_compatible_with(tf.zeros((2, 4)))
    assert tf.TensorSpec.from_tensor(tf.zeros((2, 3))) == tf.TensorSpec((2, 3))
    assert s.shape.as_list() == [None, 3] and s.dtype == tf.float32


def test_get_concrete_function():
    @tf.function
    def f(x):
        return {"y": x * 2.0}

    c = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert f.experimental_get_tracing_count() == 1
    check(c(tf.constant([1.0, 2.0]))["y"], [2.0, 4.0])
    check(f(tf.constant([1.0, 2.0, 3.0]))["y"], [2.0, 4.0, 6.0])
    assert f.experimental_get_tracing_count() == 1
    assert c.structured_outputs["y"].shape.as_list() == [None]
    assert c.output_dtypes["y"] == tf.float32
    assert c.structured_input_signature[0][0] == tf.TensorSpec([None], tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError):
        c(tf.constant([1, 2]))


def test_get_concrete_function_from_tensors_has_no_effects():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(x)
        return v.read_value()

    f.get_concrete_function(tf.constant(5.0))
    check(v, 1.0)
    check(f(tf.constant(5.0)), 6.0)
    assert f.experimental_get_tracing_count() == 1


def test_jit_compile_accepted():
    f = tf.function(lambda x: tf.sin(x) * 2.0, jit_compile=True)
    check(f(tf.constant(0.0)), 0.0)


# --- nesting, threads, the engine -----------------------------------------------------

def test_nested_functions_inline_and_count():
    @tf.function
    def inner(x):
        return x * 3.0

    @tf.function
    def outer(x):
        assert not tf.executing_eagerly()
        return inner(x) + 1.0

    check(outer(tf.constant(1.0)), 4.0)
    check(outer(tf.constant(2.0)), 7.0)
    assert inner.experimental_get_tracing_count() == 1
    check(inner(tf.constant(2.0)), 6.0)


def test_nothing_left_registered_after_calls_and_failures():
    @tf.function
    def f(x):
        if x > 10:
            raise ValueError("big")
        return x

    f(tf.constant(1.0))
    with pytest.raises(ValueError):
        f(tf.constant(100.0))
    assert _engine.current_tracer() is None
    assert _engine.active_observers() == []


def test_same_tensor_passed_twice_is_two_inputs():
    @tf.function
    def f(a, b):
        return a - b

    x = tf.constant(1.0)
    check(f(x, x), 0.0)
    check(f(x, tf.constant(3.0)), -2.0)


def test_config_names():
    assert tf.config.list_physical_devices() == [
        tf.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")]
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_logical_devices()[0].name == "/device:CPU:0"
    assert tf.config.threading.get_inter_op_parallelism_threads() == 0
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0
    assert tf.config.get_soft_device_placement() is True
    assert tf.config.get_visible_devices() == tf.config.list_physical_devices()


def test_returning_an_arbitrary_object_raises_type_error():
    @tf.function
    def f(x):
        return object()

    with pytest.raises(TypeError, match="must return"):
        f(tf.constant(1.0))
    assert f.experimental_get_tracing_count() == 0


def test_random_draws_anew_and_one_hot_follows_its_indices():
    f = tf.function(lambda: tf.random.uniform([4]))
    assert not np.array_equal(f(), f())
    g = tf.function(lambda i: tf.one_hot(i, 3))
    check(g(tf.constant([0, 2])), np.eye(3)[[0, 2]])
    check(g(tf.constant([1, 1])), np.eye(3)[[1, 1]])
