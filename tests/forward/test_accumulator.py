"""ForwardAccumulator: TF's rules for tangents, None vs zeros, nesting and errors."""

import numpy as np
import pytest

import fasttape as tf
from fasttape import _engine

FA = tf.autodiff.ForwardAccumulator


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def test_jvp_of_a_chain_and_a_matmul():
    x = tf.constant([1.0, 2.0])
    with FA(x, tf.constant([1.0, 0.5])) as acc:
        y = tf.reduce_sum(tf.sin(x) * x)
        m = tf.reshape(x, (1, 2)) @ tf.reshape(x, (2, 1))
    close(acc.jvp(y), np.sum((np.cos([1, 2]) * [1, 2] + np.sin([1, 2])) * [1, 0.5]))
    close(acc.jvp(m), [[2 * (1 * 1 + 2 * 0.5)]])
    assert acc.jvp(y).dtype == tf.float32


def test_jvp_is_linear_in_the_tangents_of_several_primals():
    x, z = tf.constant(2.0), tf.constant(3.0)
    with FA([x, z], [tf.constant(1.0), tf.constant(-2.0)]) as acc:
        y = x * z
    close(acc.jvp(y), 3.0 * 1.0 + 2.0 * -2.0)


def test_variables_as_primals_and_their_reads():
    v = tf.Variable([1.0, 2.0])
    with FA(v, tf.constant([1.0, 0.0])) as acc:
        y = v * v
        z = tf.reduce_sum(v.read_value() ** 3)
    close(acc.jvp(y), [2.0, 0.0])
    close(acc.jvp(z), 3.0)
    close(acc.jvp(v), [1.0, 0.0])


def test_none_for_unconnected_constant_integer_and_stopped_values():
    x = tf.constant([1.0, 2.0])
    before = tf.sin(x)
    with FA(x, tf.constant([1.0, 1.0])) as acc:
        c = tf.constant(3.0) * 2.0
        i = tf.cast(x, tf.int32)
        back = tf.cast(i, tf.float32)
        s = tf.stop_gradient(x) * 2.0
        inside = acc.jvp(tf.exp(x))
    after = tf.sin(x)
    assert acc.jvp([before, c, i, back, s, after]) == [None] * 6
    close(inside, np.exp([1.0, 2.0]))
    zero = acc.jvp(i, unconnected_gradients="zero")
    assert zero.dtype == tf.int32 and zero.shape == (2,)
    assert np.all(np.asarray(zero) == 0)
    zf = acc.jvp(c, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert zf.dtype == tf.float32 and float(zf) == 0.0


def test_jvp_keeps_the_nest():
    x = tf.constant([1.0, 2.0])
    with FA(x, tf.constant([1.0, 0.0])) as acc:
        y = tf.square(x)
    out = acc.jvp({"a": [y, x], "b": (y,)})
    close(out["a"][0], [2.0, 0.0])
    close(out["a"][1], [1.0, 0.0])
    assert isinstance(out["b"], tuple)


def test_integer_primals_keep_their_tangent_but_ops_on_them_get_none():
    n = tf.constant([1, 2])
    with FA(n, tf.constant([1, 1])) as acc:
        m = n * 2
        f = tf.cast(n, tf.float32) * 2.0
    assert acc.jvp(m) is None and acc.jvp(f) is None
    assert acc.jvp(n).dtype == tf.int32
    assert np.asarray(acc.jvp(n)).tolist() == [1, 1]


def test_stop_recording_does_not_pause_an_accumulator():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with FA(x, tf.constant(1.0)) as acc:
            with tape.stop_recording():
                y = x * x
    close(acc.jvp(y), 4.0)
    assert tape.gradient(y, x) is None


def test_forward_over_reverse_hvp_matches_nested_tapes():
    x = tf.Variable([1.0, 2.0, 3.0])
    v = tf.constant([1.0, 0.5, -1.0])

    def f():
        return tf.reduce_sum(tf.tanh(x) * x ** 2) + tf.reduce_prod(x)

    with FA(x, v) as acc:
        with tf.GradientTape() as tape:
            y = f()
        g = tape.gradient(y, x)
    hvp = acc.jvp(g)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f()
        g = inner.gradient(y, x)
    close(hvp, outer.gradient(g, x, output_gradients=v))


def test_reverse_over_forward_hvp():
    x = tf.Variable([0.5, -1.0])
    v = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        with FA(x, v) as acc:
            y = tf.reduce_sum(tf.exp(x) * tf.sin(x))
        jv = acc.jvp(y)
    xs = np.array([0.5, -1.0])
    hess_diag = 2 * np.exp(xs) * np.cos(xs)      # (e^x sin x)'' = 2 e^x cos x
    close(tape.gradient(jv, x), hess_diag * [1.0, 2.0])


def test_nested_accumulators_give_second_directional_derivatives():
    x = tf.constant(2.0)
    with FA(x, tf.constant(1.0)) as outer:
        with FA(x, tf.constant(1.0)) as inner:
            y = x ** 3
        inner_jvp = inner.jvp(y)
    close(inner_jvp, 12.0)
    close(outer.jvp(inner_jvp), 12.0)       # 6x
    close(outer.jvp(y), 12.0)               # the outer one tracks the primal too
    assert inner.jvp(outer.jvp(y)) is None  # the inner one ignores the outer's JVPs


def test_jvp_through_control_flow():
    x = tf.constant(1.5)
    with FA(x, tf.constant(1.0)) as acc:
        y = tf.cond(x > 1.0, lambda: x * x, lambda: x)
        _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * x), [0, x])
    close(acc.jvp(y), 3.0)
    close(acc.jvp(z), 4 * 1.5 ** 3)


def test_custom_gradient_defines_the_jvp():
    @tf.custom_gradient
    def double_grad(x):
        return tf.identity(x), lambda g: 2.0 * g

    x = tf.constant(3.0)
    with FA(x, tf.constant(1.0)) as acc:
        y = double_grad(x)
    close(acc.jvp(y), 2.0)


def test_jacobian_under_an_accumulator():
    x = tf.constant([1.0, 2.0])
    with FA(x, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3
        jac = tape.jacobian(y, x)
    close(acc.jvp(jac), [[6.0, 0.0], [0.0, 0.0]])


def test_reentering_while_recording_raises_and_after_exit_works():
    x = tf.constant(1.0)
    acc = FA(x, tf.constant(1.0))
    with acc:
        with pytest.raises(ValueError, match="already recording"):
            acc.__enter__()
    with acc:
        y = tf.exp(x)
    close(acc.jvp(y), np.e)
    assert not _engine.active_observers()
    assert not _engine.any_recording()


@pytest.mark.parametrize("tangent", [tf.constant([1.0, 2.0], tf.float64), None,
                                     [tf.constant([1.0, 2.0])]])
def test_bad_tangents_raise_value_error(tangent):
    with pytest.raises(ValueError):
        FA(tf.constant([1.0, 2.0]), tangent)


def test_float_tangent_for_an_int_primal_raises():
    with pytest.raises(ValueError, match="int32"):
        FA(tf.constant([1, 2]), tf.constant([1.0, 2.0]))


def test_tangent_shape_is_checked_at_first_use():
    x = tf.constant([1.0, 2.0])
    acc = FA(x, tf.constant([1.0, 2.0, 3.0]))      # not checked here
    with acc:
        with pytest.raises(ValueError, match="tangents"):
            tf.sin(x)


def test_python_tangents_are_converted_to_the_primal_dtype():
    x = tf.constant(2.0, tf.float64)
    with FA(x, 1.0) as acc:
        y = x * x
    assert acc.jvp(y).dtype == tf.float64


def test_non_tensor_primals_and_jvp_arguments():
    with pytest.raises(AttributeError, match="primals"):
        FA(1.0, 1.0)
    acc = FA(tf.constant(1.0), tf.constant(1.0))
    with pytest.raises(AttributeError, match="primals"):
        acc.jvp(3.0)
    with pytest.raises(ValueError):
        acc.jvp(tf.constant(1.0), unconnected_gradients="bogus")


def test_autodiff_namespace():
    assert tf.autodiff.GradientTape is tf.GradientTape


def test_an_accumulator_sees_only_its_own_thread():
    import threading

    x = tf.constant(2.0)
    box = {}
    with FA(x, tf.constant(1.0)) as acc:
        worker = threading.Thread(target=lambda: box.setdefault("y", x * x))
        worker.start()
        worker.join()
        z = x * x
    assert acc.jvp(box["y"]) is None
    close(acc.jvp(z), 4.0)


def test_an_exception_inside_the_block_leaves_nothing_registered():
    x = tf.constant(1.0)
    with pytest.raises(ZeroDivisionError):
        with FA(x, tf.constant(1.0)):
            1 / 0
    assert not _engine.active_observers()
    assert not _engine.any_recording()
