"""GradientTape: the recording model and gradient() (as TensorFlow 2.21 behaves).

One test per behaviour; each states TensorFlow 2.21's observed behaviour, which
fasttape reproduces (exception classes included). Jacobians and nested tapes have
their own files.
"""

import logging

import numpy as np
import pytest

import fasttape as tf
from fasttape import tape as tape_module
from fasttape.errors import InvalidArgumentError

SINGLE_USE = "A non-persistent GradientTape can only be used to compute one set of gradients"


def value(t):
    """The numpy value of a tensor, for comparisons."""
    return np.asarray(t)


@pytest.fixture
def fresh_warnings(monkeypatch):
    """Reset the facade's once-per-process warning counters for this test."""
    monkeypatch.setattr(tape_module, "_warned", {"int_watch": 0, "persistent_inside": False})


# --- 1.1 constructor and recording model --------------------------------------------------

def test_constructor_defaults_are_non_persistent_and_watching():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = x * x
    assert value(t.gradient(y, x)) == 6.0
    with pytest.raises(RuntimeError, match=SINGLE_USE):
        t.gradient(y, x)


def test_constructor_arguments_are_positional_too():
    x = tf.Variable(3.0)
    with tf.GradientTape(True, False) as t:
        y = x * x
    assert t.gradient(y, x) is None          # variable not auto-watched
    assert t.gradient(y, x) is None          # and the tape is persistent


def test_enter_returns_the_tape_itself():
    t = tf.GradientTape()
    with t as entered:
        assert entered is t


def test_nested_tapes_both_record():
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
    assert value(inner.gradient(y, x)) == 12.0
    assert value(outer.gradient(y, x)) == 12.0


def test_tapes_opened_in_one_with_statement_both_record():
    x = tf.Variable(2.0)
    with tf.GradientTape() as a, tf.GradientTape() as b:
        y = x * x
    assert value(a.gradient(y, x)) == 4.0
    assert value(b.gradient(y, x)) == 4.0


def test_op_recorded_only_on_tapes_watching_its_inputs():
    x, z = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape(persistent=True) as a, tf.GradientTape(persistent=True) as b:
        a.watch(x)
        b.watch(z)
        y = x * z
    assert value(a.gradient(y, x)) == 5.0
    assert a.gradient(y, z) is None
    assert value(b.gradient(y, z)) == 2.0
    assert b.gradient(y, x) is None
    assert a._tape.num_nodes == 1 and b._tape.num_nodes == 1


def test_op_recorded_through_derived_values():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        u = x * 3.0
        y = u * u            # depends on x only through u
    assert value(t.gradient(y, x)) == 2 * 6.0 * 3.0


def test_variable_read_before_the_tape_is_a_constant():
    x = tf.Variable(3.0)
    v = x.read_value()
    u = x + 0
    with tf.GradientTape() as t:
        y = v * u
    assert t.gradient(y, x) is None


def test_variable_created_inside_the_tape_has_no_link_to_its_initial_value():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as t:
        v = tf.Variable(x * 3.0)
        y = v * v
    assert t.gradient(y, x) is None
    assert value(t.gradient(y, v)) == 12.0          # the new variable is auto-watched


def test_watch_is_not_retroactive():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        y = x * x
        t.watch(x)
    assert t.gradient(y, x) is None


def test_ops_after_the_block_are_not_recorded():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = x * x
    z = y * x
    assert t.gradient(z, x) is None


def test_watch_on_an_exited_tape_records_nothing():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        pass
    t.watch(x)
    y = x * x
    assert t.gradient(y, x) is None


def test_reentering_an_exited_tape_continues_recording():
    x = tf.Variable(3.0)
    t = tf.GradientTape(persistent=True)
    with t:
        y = x * x
    with t:
        z = y * x                       # recorded on the same tape, through y
    assert value(t.gradient(z, x)) == 27.0
    assert value(t.gradient(y, x)) == 6.0


def test_reentering_an_active_tape_raises_value_error():
    with tf.GradientTape() as t:
        with pytest.raises(ValueError, match="Tape is still recording"):
            with t:
                pass


def test_repr_is_the_default_object_repr():
    t = tf.GradientTape()
    assert repr(t) == object.__repr__(t)


# --- 1.2 watch ----------------------------------------------------------------------------

@pytest.mark.parametrize("pack", [
    lambda a, b: [a, b],
    lambda a, b: (a, b),
    lambda a, b: {"a": a, "b": b},
    lambda a, b: [a, {"k": (b,)}],
], ids=["list", "tuple", "dict", "nested"])
def test_watch_accepts_a_nest(pack):
    a, b = tf.constant(2.0), tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as t:
        t.watch(pack(a, b))
        y = a * b
    ga, gb = t.gradient(y, [a, b])
    assert value(ga) == 3.0 and value(gb) == 2.0


def test_watching_twice_is_harmless():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        t.watch(x)
        y = x * x
    assert value(t.gradient(y, x)) == 4.0


@pytest.mark.parametrize("thing, type_name", [
    (3.0, "float"), (np.array([1.0]), "ndarray"), ([1.0, 2.0], "float"),
], ids=["float", "ndarray", "list-of-floats"])
def test_watch_rejects_non_tensors_with_value_error(thing, type_name):
    with tf.GradientTape() as t:
        with pytest.raises(ValueError, match=f"of type '{type_name}', not tf.Tensor"):
            t.watch(thing)


def test_watch_of_an_int_tensor_warns_and_its_gradient_is_none(fresh_warnings, caplog):
    x = tf.constant(3)
    with caplog.at_level(logging.WARNING):
        with tf.GradientTape() as t:
            t.watch(x)
            y = x * x
    assert "The dtype of the watched tensor must be floating" in caplog.text
    assert "int32" in caplog.text
    assert t.gradient(y, x) is None


def test_int_watch_warning_is_logged_at_most_five_times(fresh_warnings, caplog):
    x = tf.constant(3)
    with caplog.at_level(logging.WARNING):
        for _ in range(7):
            with tf.GradientTape() as t:
                t.watch(x)
    assert caplog.text.count("must be floating") == 5


def test_watch_before_entering_raises_attribute_error():
    with pytest.raises(AttributeError):
        tf.GradientTape().watch(tf.constant(1.0))


# --- 1.3 watched_variables ----------------------------------------------------------------

def test_watched_variables_come_in_creation_order():
    a, b, c = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b"), tf.Variable(3.0, name="c")
    with tf.GradientTape() as t:
        _ = c * 1.0
        _ = b * 1.0
        _ = a * 1.0
    watched = t.watched_variables()
    assert isinstance(watched, tuple)
    assert [v.name for v in watched] == ["a:0", "b:0", "c:0"]
    assert all(w is v for w, v in zip(watched, (a, b, c), strict=True))


def test_watched_variables_exclude_watched_tensors():
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
    assert t.watched_variables() == ()


def test_watched_variables_include_explicitly_watched_non_trainable_ones():
    v = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as t:
        t.watch(v)
    assert t.watched_variables() == (v,) or t.watched_variables()[0] is v


def test_watched_variables_exclude_unwatched_non_trainable_ones():
    v = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as t:
        _ = v * 2.0
    assert t.watched_variables() == ()


def test_watched_variables_include_int_variables_that_were_read():
    f, i = tf.Variable(1.0, name="f"), tf.Variable(2, name="i")
    with tf.GradientTape() as t:
        _ = i + 1
        _ = f * 1.0
    assert [v.name for v in t.watched_variables()] == ["f:0", "i:0"]
    assert t.gradient(i + 1, i) is None


def test_watched_variables_exclude_reads_inside_stop_recording():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    with tf.GradientTape() as t:
        _ = a * 1.0
        with t.stop_recording():
            _ = b * 1.0
    assert [v.name for v in t.watched_variables()] == ["a:0"]


def test_watched_variables_after_reset_keep_only_later_reads():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    with tf.GradientTape() as t:
        _ = a * 1.0
        t.reset()
        _ = b * 1.0
    assert [v.name for v in t.watched_variables()] == ["b:0"]


def test_watched_variables_of_a_fresh_tape_is_empty():
    assert tf.GradientTape().watched_variables() == ()


def test_watched_variables_survive_the_single_gradient_call():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = v * v
    t.gradient(y, v)
    assert len(t.watched_variables()) == 1 and t.watched_variables()[0] is v


# --- 1.4 stop_recording -------------------------------------------------------------------

def test_stop_recording_pauses_only_this_tape():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer, tf.GradientTape() as inner:
        with inner.stop_recording():
            y = x * x
    assert inner.gradient(y, x) is None
    assert value(outer.gradient(y, x)) == 6.0


def test_stop_recording_resumes_after_the_block():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        with t.stop_recording():
            c = x * x                 # a constant for t
        y = c * x
    assert value(t.gradient(y, x)) == 9.0


def test_stop_recording_does_not_auto_watch_variables_read_inside():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        with t.stop_recording():
            _ = x * 1.0
    assert t.watched_variables() == ()


def test_paused_outer_tape_still_differentiates_the_inner_gradient():
    c = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(c)
        with tf.GradientTape() as inner:
            inner.watch(c)
            with outer.stop_recording():
                y = c * c * c
        dy = inner.gradient(y, c)          # backward ops run while outer records
    assert value(dy) == 27.0
    assert value(outer.gradient(dy, c)) == 12.0     # as TF: through the saved c's


def test_stop_recording_on_a_never_entered_tape_raises_runtime_error():
    with pytest.raises(RuntimeError, match="Trying to stop recording a tape which is not "
                                           "recording."):
        with tf.GradientTape().stop_recording():
            pass


def test_stop_recording_on_an_exited_tape_raises_value_error():
    with tf.GradientTape() as t:
        pass
    with pytest.raises(ValueError, match="Tape is not recording."):
        with t.stop_recording():
            pass


# --- 1.5 reset ----------------------------------------------------------------------------

def test_reset_forgets_everything_recorded():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * x
        t.reset()
        z = x * 2.0
    assert t.gradient(y, x) is None
    assert value(t.gradient(z, x)) == 2.0


def test_reset_behaves_like_a_new_tape():
    x = tf.Variable(3.0)
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(c)
        y = x * x
        t.reset()
        z = x * 2.0 + y * c
    assert value(t.gradient(z, x)) == 2.0          # y is now a constant
    assert t.gradient(z, c) is None                # the watch was forgotten too


@pytest.mark.parametrize("entered", [False, True], ids=["never-entered", "exited"])
def test_reset_outside_an_active_context_raises_value_error(entered):
    t = tf.GradientTape()
    if entered:
        with t:
            pass
    with pytest.raises(ValueError, match="Tape is not recording."):
        t.reset()


# --- 1.6 gradient: single use -------------------------------------------------------------

@pytest.mark.parametrize("second", ["gradient", "jacobian", "batch_jacobian"])
def test_second_use_of_a_non_persistent_tape_raises_runtime_error(second):
    x = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as t:
        y = x * x
    t.gradient(y, x)
    with pytest.raises(RuntimeError, match=SINGLE_USE):
        getattr(t, second)(y, x)


def test_gradient_on_a_never_entered_tape_raises_the_single_use_error():
    x = tf.constant(1.0)
    with pytest.raises(RuntimeError, match=SINGLE_USE):
        tf.GradientTape().gradient(x, x)


def test_persistent_tape_gives_identical_results_every_time():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        y = tf.reduce_sum(tf.sin(x) * x)
    first = value(t.gradient(y, x))
    for _ in range(3):
        np.testing.assert_array_equal(value(t.gradient(y, x)), first)


# --- 1.6 gradient inside the with block ---------------------------------------------------

def test_gradient_inside_the_block_of_a_non_persistent_tape_stops_recording(caplog):
    x = tf.Variable(3.0)
    with caplog.at_level(logging.WARNING):
        with tf.GradientTape() as t:
            y = x * x
            g = t.gradient(y, x)
            z = y * x                      # not recorded: the tape stopped
    assert value(g) == 6.0
    assert caplog.text == ""
    with pytest.raises(RuntimeError, match=SINGLE_USE):
        t.gradient(z, x)


def test_leaving_the_block_after_an_inner_gradient_call_is_fine():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = x * x
        t.gradient(y, x)
    assert not tf._engine.any_recording()


def test_gradient_inside_the_block_of_a_persistent_tape_warns_once(fresh_warnings, caplog):
    x = tf.Variable(3.0)
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            with tf.GradientTape(persistent=True) as t:
                y = x * x
                t.gradient(y, x)
    assert caplog.text.count("inside its context") == 1


def test_gradient_inside_a_persistent_block_is_itself_recorded():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * x * x
        g = t.gradient(y, x)               # 3x^2, recorded
        z = g * 1.0                        # recording goes on
    assert value(g) == 27.0
    assert value(t.gradient(g, x)) == 18.0
    assert value(t.gradient(z, x)) == 18.0


# --- 1.6 target ---------------------------------------------------------------------------

def test_non_scalar_target_is_summed():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    np.testing.assert_array_equal(value(t.gradient(y, x)), [2.0, 4.0, 6.0])


def test_nested_targets_are_summed():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        a, b = x * x, x * 3.0
    assert value(t.gradient({"a": a, "rest": [b, (a,)]}, x)) == 4.0 + 3.0 + 4.0


def test_repeated_target_counts_twice():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        a = x * x
    assert value(t.gradient([a, a], x)) == 8.0


def test_variable_target():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        pass
    assert value(t.gradient(v, v)) == 1.0


def test_empty_target_list_gives_none_for_every_source():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        _ = x * x
    assert t.gradient([], [x, x]) == [None, None]


def test_target_none_raises_type_error():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        _ = x * x
    with pytest.raises(TypeError, match="Argument `target` should be"):
        t.gradient(None, x)


@pytest.mark.parametrize("bad", [3.0, np.float32(3.0), np.ones(2)],
                         ids=["float", "numpy-scalar", "ndarray"])
def test_non_tensor_target_raises(bad):
    # TF raises AttributeError by accident; a clear TypeError is fine
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        _ = x * x
    with pytest.raises((TypeError, AttributeError)):
        t.gradient(bad, x)


# --- 1.6 sources and the result structure -------------------------------------------------

def test_result_keeps_the_sources_structure():
    a, b, c = tf.Variable(1.0), tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        y = a * b * c
    g = t.gradient(y, {"a": a, "rest": [b, (c,)]})
    assert isinstance(g, dict) and set(g) == {"a", "rest"}
    assert isinstance(g["rest"], list) and isinstance(g["rest"][1], tuple)
    assert value(g["a"]) == 6.0 and value(g["rest"][0]) == 3.0
    assert value(g["rest"][1][0]) == 2.0


@pytest.mark.parametrize("container", [list, tuple])
def test_result_container_type_matches(container):
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = a * b
    assert type(t.gradient(y, container([a, b]))) is container


def test_single_source_gives_a_single_result():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    g = t.gradient(y, x)
    assert isinstance(g, tf.Tensor)


def test_duplicated_source_gets_the_full_gradient_in_each_slot():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    ga, gb = t.gradient(y, [x, x])
    assert value(ga) == 4.0 and value(gb) == 4.0


def test_empty_sources_give_an_empty_list():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    assert t.gradient(y, []) == []


def test_sources_none_raises_type_error():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(TypeError):
        t.gradient(y, None)


@pytest.mark.parametrize("bad", [3.0, np.ones(2)], ids=["float", "ndarray"])
def test_non_tensor_source_raises(bad):
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises((TypeError, AttributeError)):
        t.gradient(y, bad)


def test_intermediate_tensor_as_source():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = x * x
        z = y * y
    assert value(t.gradient(z, y)) == 18.0
    assert t.gradient(y, z) is None            # upstream w.r.t. downstream


def test_target_that_is_the_source_gives_ones_even_unwatched():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        pass
    np.testing.assert_array_equal(value(t.gradient(x, x)), [1.0, 1.0])


def test_target_that_is_the_source_is_scaled_by_output_gradients():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t:
        pass
    g = t.gradient(x, x, output_gradients=tf.constant([3.0, 4.0]))
    np.testing.assert_array_equal(value(g), [3.0, 4.0])


# --- 1.6 dtypes and shapes of the result --------------------------------------------------

def test_gradient_has_the_source_shape_after_broadcasting():
    a = tf.Variable([[1.0], [2.0]])               # (2, 1)
    b = tf.Variable([10.0, 20.0, 30.0])           # (3,)
    s = tf.Variable(2.0)                          # ()
    with tf.GradientTape() as t:
        y = a * b * s
    ga, gb, gs = t.gradient(y, [a, b, s])
    assert ga.shape == (2, 1) and gb.shape == (3,) and gs.shape == ()
    np.testing.assert_allclose(value(ga), [[120.0], [120.0]])
    np.testing.assert_allclose(value(gb), [6.0, 6.0, 6.0])
    assert value(gs) == 180.0


def test_float32_source_cast_to_float64_inside_gets_a_float32_gradient():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = tf.cast(x, tf.float64) ** 2
    g = t.gradient(y, x)
    assert g.dtype == tf.float32 and value(g) == 4.0


def test_float64_source_gets_a_float64_gradient():
    x = tf.Variable(np.array([1.0, 2.0]))
    with tf.GradientTape() as t:
        y = x * x
    assert t.gradient(y, x).dtype == tf.float64


# --- 1.6 non-float sources ----------------------------------------------------------------

def test_int_variable_source_gets_none():
    v = tf.Variable(3)
    with tf.GradientTape() as t:
        t.watch(v)
        y = v * v
    assert t.gradient(y, v) is None


def test_int_variable_source_gets_int_zeros_with_zero_option():
    v = tf.Variable([3, 4])
    with tf.GradientTape() as t:
        y = v * v
    g = t.gradient(y, v, unconnected_gradients="zero")
    assert g.dtype == tf.int32
    np.testing.assert_array_equal(value(g), [0, 0])


def test_int_target_that_is_the_source_gives_int_ones():
    # TF: the seed itself, even for an int32 variable (with either option)
    v = tf.Variable(3)
    with tf.GradientTape(persistent=True) as t:
        pass
    for option in ("none", "zero"):
        g = t.gradient(v, v, unconnected_gradients=option)
        assert g is not None and g.dtype == tf.int32 and value(g) == 1


def test_int_sources_of_an_int_computation_get_int_zero_with_zero_option():
    v, w = tf.Variable(3), tf.Variable(4)
    with tf.GradientTape() as t:
        y = v * w
    g = t.gradient(y, w, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert g.dtype == tf.int32 and value(g) == 0


def test_float_to_int_cast_cuts_the_path():
    x = tf.Variable(2.5)
    with tf.GradientTape(persistent=True) as t:
        y = tf.cast(tf.cast(x, tf.int32), tf.float32) * x
        z = tf.cast(x, tf.int32)
    assert value(t.gradient(y, x)) == 2.0                   # only the direct path
    assert t.gradient(z, x) is None
    g = t.gradient(z, x, unconnected_gradients="zero")
    assert g.dtype == tf.float32 and value(g) == 0.0


# --- 1.6 unconnected_gradients ------------------------------------------------------------

@pytest.mark.parametrize("option", [tf.UnconnectedGradients.NONE, "none"])
def test_unconnected_source_gives_none(option):
    x, u = tf.Variable(2.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    assert t.gradient(y, u, unconnected_gradients=option) is None


@pytest.mark.parametrize("option", [tf.UnconnectedGradients.ZERO, "zero"])
def test_unconnected_source_gives_zeros_of_its_shape_and_dtype(option):
    x, u = tf.Variable(2.0), tf.Variable(np.zeros((2, 3)))
    with tf.GradientTape() as t:
        y = x * x
    g = t.gradient(y, u, unconnected_gradients=option)
    assert g.shape == (2, 3) and g.dtype == tf.float64
    assert not np.any(value(g))


@pytest.mark.parametrize("bad", ["bogus", "ZERO", "Zero"])
def test_unknown_unconnected_gradients_value_raises_value_error(bad):
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(ValueError, match=f"Unknown value for unconnected_gradients: '{bad}'"):
        t.gradient(y, x, unconnected_gradients=bad)


def test_unconnected_gradients_enum_values_are_lower_case_strings():
    assert tf.UnconnectedGradients.NONE.value == "none"
    assert tf.UnconnectedGradients.ZERO.value == "zero"


def test_unconnected_gradients_str():
    assert str(tf.UnconnectedGradients.ZERO) == "UnconnectedGradients.ZERO"


def test_unconnected_gradients_enum_is_not_equal_to_its_string():
    assert tf.UnconnectedGradients.ZERO != "zero"


# --- 1.6 output_gradients -----------------------------------------------------------------

def test_output_gradients_weight_each_flattened_target():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        a, b = x * x, x * 3.0
    g = t.gradient([a, b], x, output_gradients=[tf.constant([1.0, 10.0]),
                                                tf.constant([2.0, 2.0])])
    np.testing.assert_allclose(value(g), [2.0 + 6.0, 40.0 + 6.0])


def test_output_gradient_for_a_single_target():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    g = t.gradient(y, x, output_gradients=tf.constant([1.0, 10.0]))
    np.testing.assert_allclose(value(g), [2.0, 40.0])


@pytest.mark.parametrize("weight", [tf.constant(3.0), 3.0], ids=["scalar-tensor", "float"])
def test_scalar_output_gradient_broadcasts(weight):
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    np.testing.assert_allclose(value(t.gradient(y, x, output_gradients=weight)), [6.0, 12.0])


def test_fewer_output_gradients_than_targets_use_ones_for_the_rest():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        a, b = x * x, x * 3.0
    assert value(t.gradient([a, b], x, output_gradients=[tf.constant(10.0)])) == 43.0


def test_output_gradient_shape_mismatch_raises_invalid_argument():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs. \[3\]"):
        t.gradient(y, x, output_gradients=tf.constant([1.0, 2.0]))


def test_output_gradient_dtype_mismatch_raises_invalid_argument():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(InvalidArgumentError):
        t.gradient(y, x, output_gradients=tf.constant(np.array([1.0, 2.0])))


def test_none_entry_in_output_gradients_raises_value_error():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        a, b = x * x, x * 3.0
    with pytest.raises(ValueError):
        t.gradient([a, b], x, output_gradients=[None, tf.constant(1.0)])


def test_python_list_output_gradient_for_one_vector_target_is_one_weight():
    # TF's quirk (flattening [1., 10.] into two scalar weights) is not copied
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    g = t.gradient(y, x, output_gradients=[1.0, 10.0])
    assert g.shape == (2,)
    np.testing.assert_allclose(value(g), [2.0, 40.0])


def test_output_gradient_that_broadcasts_up_is_rejected():
    # TF's quirk (a (1, 2) gradient for a (2,) source) is not copied
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(InvalidArgumentError):
        t.gradient(y, x, output_gradients=tf.constant([[1.0, 1.0]]))


# --- 1.6 return types ---------------------------------------------------------------------

def test_connected_gradient_is_a_dense_tensor():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    g = t.gradient(y, x)
    assert type(g) is tf.Tensor and tf.is_tensor(g)


def test_failed_gradient_call_still_consumes_a_non_persistent_tape():
    # TF raises an InternalError here by accident; the single-use error is clearer
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    with pytest.raises(InvalidArgumentError):
        t.gradient(y, x, output_gradients=tf.constant([1.0, 2.0]))
    with pytest.raises(RuntimeError, match=SINGLE_USE):
        t.gradient(y, x)
