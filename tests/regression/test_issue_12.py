"""Reliability: the sweep and storage growth, tapes shared between threads, hostile
inputs to conversion and ops (each test failed before its fix)."""

import threading

import numpy as np
import pytest

import fasttape as tf
from fasttape import _engine
from tests.test_threads import run_threads


# --- a sweep that records onto its own tape ------------------------------------------

def _sin_chain_derivatives(x0, n):
    """d/dx and d2/dx2 of sin applied n times, in float64."""
    ys = [x0]
    for _ in range(n):
        ys.append(np.sin(ys[-1]))
    cos = np.cos(ys[:-1])                       # cos(y_k), k = 0..n-1
    d_y = np.concatenate([[1.0], np.cumprod(cos)])   # dy_k/dx
    first = d_y[-1]
    # d/dx prod cos(y_k) = sum_k -sin(y_k) dy_k/dx prod_{j != k} cos(y_j)
    second = sum(-np.sin(ys[k]) * d_y[k] * first / cos[k] for k in range(n))
    return first, second


@pytest.mark.parametrize("block", [range(1, 101), range(101, 201)])
def test_gradient_inside_persistent_block_records_on_growing_tape(block):
    # the rules' nodes are appended to the tape being swept, across every doubling of
    # its storage (64, 128, 256, 512 nodes)
    for n in block:
        x = tf.Variable(0.5)
        with tf.GradientTape(persistent=True) as t:
            y = x
            for _ in range(n):
                y = tf.sin(y)
            g = t.gradient(y, x)
        g2 = t.gradient(g, x)
        first, second = _sin_chain_derivatives(0.5, n)
        np.testing.assert_allclose(float(g), first, rtol=2e-5, err_msg=f"n={n}")
        np.testing.assert_allclose(float(g2), second, rtol=1e-4, atol=1e-7,
                                   err_msg=f"n={n}")


def test_repeated_gradients_inside_persistent_block_stay_right():
    x = tf.Variable(np.linspace(0.1, 1.0, 5))
    with tf.GradientTape(persistent=True) as t:
        y = tf.reduce_sum(tf.tanh(x) * tf.exp(-x))
        grads = [t.gradient(y, x) for _ in range(40)]
    expected = (1 - np.tanh(x.numpy()) ** 2) * np.exp(-x.numpy()) - np.tanh(
        x.numpy()) * np.exp(-x.numpy())
    for g in grads:
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12)


def test_clearing_engine_tape_during_its_sweep_is_refused():
    box = {}

    @tf.custom_gradient
    def f(x):
        def grad(dy):
            with pytest.raises(RuntimeError, match="while a gradient is being computed"):
                box["tape"]._tape.clear()
            return dy * 2.0
        return x * 1.0, grad

    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as t:
        y = tf.sin(f(x))
    box["tape"] = t
    np.testing.assert_allclose(float(t.gradient(y, x)), 2 * np.cos(1.0), rtol=1e-6)
    np.testing.assert_allclose(float(t.gradient(y, x)), 2 * np.cos(1.0), rtol=1e-6)


# --- one tape, two threads ------------------------------------------------------------

def _chain(x, n):
    y = x
    for _ in range(n):
        y = tf.tanh(y) * 1.5 + tf.math.log1p(y * y)
    return y


def test_recording_in_one_thread_while_another_sweeps_the_same_tape():
    x = tf.Variable(np.linspace(-0.5, 0.5, 4))
    started = threading.Event()
    done = threading.Event()
    exited = threading.Event()
    t = tf.GradientTape(persistent=True)
    results = []

    def recorder():
        with t:
            y = tf.reduce_sum(_chain(x, 6))
            results.append(y)
            started.set()
            while not done.is_set():
                _chain(x, 20)            # grows the tape the other thread sweeps
        exited.set()

    def sweeper():
        started.wait()
        try:
            for _ in range(150):
                results.append(t.gradient(results[0], x).numpy())
        finally:
            done.set()

    run_threads(recorder, sweeper)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 6))
    expected = ref.gradient(y, x).numpy()
    grads = [r for r in results[1:] if isinstance(r, np.ndarray)]
    assert len(grads) == 150 and exited.is_set()
    for g in grads:
        np.testing.assert_allclose(g, expected, rtol=1e-12)


def _pausing_identity(in_sweep, resume):
    """x -> x whose gradient signals `in_sweep` and waits for `resume`: a sweep held
    open at a known point while another thread acts on the tape."""
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            in_sweep.set()
            assert resume.wait(timeout=60)
            return dy
        return tf.identity(x), grad
    return f


def test_reset_in_one_thread_during_another_threads_sweep():
    x = tf.Variable(np.linspace(-0.5, 0.5, 4))
    t = tf.GradientTape(persistent=True)
    recorded, in_sweep, resume = threading.Event(), threading.Event(), threading.Event()
    pause = _pausing_identity(in_sweep, resume)
    box = {}

    def resetter():
        with t:
            box["y"] = tf.reduce_sum(pause(_chain(x, 30)))
            recorded.set()
            assert in_sweep.wait(timeout=60)
            try:
                t.reset()
                _chain(x, 50)            # and record on the fresh tape
            finally:
                resume.set()

    def sweeper():
        assert recorded.wait(timeout=60)
        box["g"] = t.gradient(box["y"], x)

    run_threads(resetter, sweeper)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 30))
    np.testing.assert_allclose(box["g"].numpy(), ref.gradient(y, x).numpy(), rtol=1e-12)
    # the tape still works, on what was recorded after the reset only
    with t:
        y = tf.reduce_sum(x * x)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), 2 * x.numpy())
    assert t.gradient(box["y"], x) is None


def test_recording_in_one_thread_during_another_threads_sweep():
    x = tf.Variable(np.linspace(-0.5, 0.5, 4))
    t = tf.GradientTape(persistent=True)
    recorded, in_sweep, resume = threading.Event(), threading.Event(), threading.Event()
    pause = _pausing_identity(in_sweep, resume)
    box = {}

    def recorder():
        with t:
            box["y"] = tf.reduce_sum(pause(_chain(x, 30)))
            recorded.set()
            assert in_sweep.wait(timeout=60)
            try:
                _chain(x, 400)           # moves the node storage several times
            finally:
                resume.set()

    def sweeper():
        assert recorded.wait(timeout=60)
        box["g"] = t.gradient(box["y"], x)

    run_threads(recorder, sweeper)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 30))
    np.testing.assert_allclose(box["g"].numpy(), ref.gradient(y, x).numpy(), rtol=1e-12)


def test_gradient_from_another_thread_stops_recording_in_the_owning_thread():
    x = tf.Variable(2.0)
    t = tf.GradientTape()
    entered = threading.Event()
    swept = threading.Event()
    box = {}

    def owner():
        with t:
            box["y"] = x * x
            entered.set()
            swept.wait(timeout=60)
            box["inside"] = _engine.any_recording()
        box["after_exit"] = _engine.any_recording()
        box["tracked_after"] = _engine.is_tracked(x)

    def other():
        entered.wait(timeout=60)
        try:
            box["g"] = t.gradient(box["y"], x)
        finally:
            swept.set()

    run_threads(owner, other)
    assert float(box["g"]) == 4.0
    assert box["inside"] is False and box["after_exit"] is False
    assert box["tracked_after"] is False
    with pytest.raises(RuntimeError):
        t.gradient(box["y"], x)


def test_concurrent_second_use_of_non_persistent_tape_is_refused():
    x = tf.Variable(np.linspace(0, 1, 8))
    in_sweep, resume = threading.Event(), threading.Event()
    with tf.GradientTape() as t:
        y = tf.reduce_sum(_pausing_identity(in_sweep, resume)(_chain(x, 40)))
    outcomes = {}

    def first():
        outcomes["first"] = t.gradient(y, x).numpy()

    def second():
        assert in_sweep.wait(timeout=60)
        try:
            t.gradient(y, x)
        except RuntimeError as exc:
            outcomes["second"] = exc
        finally:
            resume.set()

    run_threads(first, second)
    assert isinstance(outcomes["second"], RuntimeError)
    with tf.GradientTape() as ref:
        y = tf.reduce_sum(_chain(x, 40))
    np.testing.assert_allclose(outcomes["first"], ref.gradient(y, x).numpy(), rtol=1e-12)


# --- conversion -------------------------------------------------------------------------

@pytest.mark.parametrize("op", [tf.exp, tf.sin, tf.negative, tf.square, tf.reduce_sum,
                                lambda a: a + tf.constant([1.0, 1.0]), tf.identity])
def test_big_endian_arrays_convert_to_native_values(op):
    big = np.array([1.0, 2.0], ">f4")
    np.testing.assert_allclose(op(big).numpy(), op(big.astype("<f4")).numpy())


def test_big_endian_variables_and_assign_keep_values():
    v = tf.Variable(np.array([1.0, 2.0], ">f8"))
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    v.assign(np.array([3.0, 4.0], ">f8"))
    np.testing.assert_array_equal((v * 1.0).numpy(), [3.0, 4.0])
    assert tf.constant(np.array([7], ">i4")).numpy().tolist() == [7]


@pytest.mark.parametrize("make", [
    lambda: tf.constant([1.0, None], dtype=tf.float32),
    lambda: tf.constant([1.0, None]),
    lambda: tf.constant([[1.0], [None]], dtype=tf.float32),
    lambda: tf.constant([1.0, 2.0]) + [1.0, None],
    lambda: tf.constant(["1.5", 2.0], dtype=tf.float32),
    lambda: tf.constant([1.0, object()], dtype=tf.float32),
])
def test_none_or_objects_in_a_sequence_raise_value_error(make):
    with pytest.raises(ValueError, match="to (a )?Tensor"):
        make()


@pytest.mark.parametrize("make", [
    lambda: tf.constant([1.0, 2.0]) * ["1.5", "2"],
    lambda: tf.constant(["1.5"], dtype=tf.float32),
])
def test_numeric_strings_with_a_numeric_dtype_raise_type_error(make):
    with pytest.raises(TypeError, match="Cannot convert"):
        make()


def test_failed_assign_leaves_variable_unchanged():
    v = tf.Variable([1.0, 2.0])
    for bad in ([3.0, None], ["3", "4"], [3.0, object()]):
        with pytest.raises((TypeError, ValueError)):
            v.assign(bad)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


@pytest.mark.parametrize("array", [
    np.array([1, 2], "m8[s]"), np.array(["2020-01-01"], "M8[D]"),
    np.array([1.0], np.longdouble), np.array([1.0], np.clongdouble),
    np.array([object()], object), np.array([1.0, 2.0], object), np.zeros(2, "V4"),
], ids=["timedelta", "datetime", "longdouble", "clongdouble", "object", "object-numbers",
        "void"])
@pytest.mark.parametrize("use", [tf.constant, tf.exp, tf.Variable, tf.convert_to_tensor])
def test_unsupported_numpy_dtypes_raise_value_error_at_conversion(array, use):
    with pytest.raises(ValueError, match="Failed to convert a NumPy array"):
        use(array)


# --- self-referencing lists -------------------------------------------------------------

def _self_referencing():
    loop = [1.0]
    loop.append(loop)
    return loop


def test_self_referencing_list_raises_recursion_error_in_nest_and_tape():
    loop = _self_referencing()
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * 2.0
        with pytest.raises(RecursionError):
            t.watch(loop)
    for call in (lambda: tf.nest.flatten(loop), lambda: t.gradient(y, loop),
                 lambda: t.gradient(loop, x), lambda: t.jacobian(y, loop)):
        with pytest.raises(RecursionError):
            call()
    assert float(t.gradient(y, x)) == 2.0          # the tape is still usable
    with pytest.raises(ValueError, match="mixed types"):
        tf.constant(loop)


# --- loose inputs -----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [{1, 2}, {1: 2}, object(), None],
                         ids=["set", "dict", "object", "None"])
def test_unordered_or_foreign_shapes_raise_value_error(shape):
    with pytest.raises(ValueError, match="unsupported type"):
        tf.broadcast_to(2, shape)
    with pytest.raises(ValueError, match="unsupported type"):
        tf.reshape([1, 2], shape)


@pytest.mark.parametrize("shape", [b"\x01\x02", [1.5], ["2"]])
def test_string_or_float_shapes_raise_invalid_argument(shape):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tidx"):
        tf.broadcast_to(2, shape)


@pytest.mark.parametrize("values", [{1.0, 2.0}, {0: 1.0, 1: 2.0}, b"ab"])
def test_stack_refuses_sets_dicts_and_bytes(values):
    with pytest.raises(TypeError, match="Expected list"):
        tf.stack(values)


def test_sum_to_shape_refuses_a_shape_that_does_not_broadcast():
    g = tf.ones((3, 4))
    for bad in [(2, 3, 4), (5,), (2, 4)]:
        with pytest.raises(tf.errors.InvalidArgumentError, match="does not broadcast"):
            tf.sum_to_shape(g, bad)
    assert tf.sum_to_shape(g, (1, 4)).shape == (1, 4)


def test_gradient_and_jacobian_refuse_number_sources_alike():
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * 3.0
    for call in (lambda: t.gradient(y, 3.0), lambda: t.jacobian(y, 3.0)):
        with pytest.raises(TypeError, match="must be a Tensor or Variable"):
            call()
    assert float(t.jacobian(y, x)) == 3.0


# --- matvec ---------------------------------------------------------------------------

@pytest.mark.parametrize("a_shape,b_shape,transpose", [
    ((3, 3), (3, 3), False), ((3, 3), (3, 3), True), ((2, 2), (2, 2), False),
    ((1, 3, 3), (2, 3), False), ((2, 3, 4), (2, 4), False), ((3, 4), (5, 4), False),
    ((4, 3), (3, 4), True),
])
def test_matvec_gradients_match_finite_differences(a_shape, b_shape, transpose):
    rng = np.random.default_rng(1)
    a0, b0 = rng.normal(size=a_shape), rng.normal(size=b_shape)
    w = rng.normal(size=np.broadcast_shapes(a_shape[:-2], b_shape[:-1]) + (a_shape[-1]
                   if transpose else a_shape[-2],))

    def f(a, b):
        out = tf.linalg.matvec(a, b, transpose_a=transpose)
        return tf.reduce_sum(out * w) + tf.reduce_sum(a * a)     # a second use of a

    a, b = tf.Variable(a0), tf.Variable(b0)
    with tf.GradientTape() as t:
        y = f(a, b)
    ga, gb = t.gradient(y, [a, b])
    assert ga.shape == a_shape and gb.shape == b_shape
    for which, x0, g in ((0, a0, ga), (1, b0, gb)):
        numeric = np.zeros_like(x0)
        for idx in np.ndindex(x0.shape):
            hi, lo = x0.copy(), x0.copy()
            hi[idx] += 1e-6
            lo[idx] -= 1e-6
            args_hi = (hi, b0) if which == 0 else (a0, hi)
            args_lo = (lo, b0) if which == 0 else (a0, lo)
            numeric[idx] = (float(f(*args_hi)) - float(f(*args_lo))) / 2e-6
        np.testing.assert_allclose(g.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_matvec_jacobian_with_batch_equal_to_vector_length():
    rng = np.random.default_rng(2)
    a, b = tf.Variable(rng.normal(size=(3, 3))), tf.constant(rng.normal(size=(3, 3)))
    with tf.GradientTape(persistent=True) as t:
        y = tf.linalg.matvec(a, b)
    fast = t.jacobian(y, a)
    slow = t.jacobian(y, a, experimental_use_pfor=False)
    assert fast.shape == (3, 3, 3, 3)
    np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-12)
    expected = np.einsum("ik,bj->bikj", np.eye(3), b.numpy())   # dy[b,i]/da[k,j]
    np.testing.assert_allclose(fast.numpy(), expected, rtol=1e-12)


# --- uninitialised objects ------------------------------------------------------------

@pytest.mark.parametrize("use", [
    bool, len, float, iter, lambda t: t.shape, lambda t: t.dtype, lambda t: t.numpy(),
    np.asarray, tf.exp, lambda t: t + 1.0, lambda t: t == 1.0, lambda t: t[0],
    tf.Variable, lambda t: tf.Variable(1.0).assign(t), lambda t: tf.stack([t, t]),
    lambda t: tf.constant(t),
])
def test_uninitialised_tensor_raises_value_error_on_use(use):
    blank = tf.Tensor.__new__(tf.Tensor)
    with pytest.raises(ValueError, match="never initialised"):
        use(blank)
    assert "uninitialised" in repr(blank) and "uninitialised" in str(blank)


def test_variable_unchanged_after_assigning_uninitialised_tensor():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        v.assign(tf.Tensor.__new__(tf.Tensor))
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
