"""tf.debugging: each assertion passes silently when it holds, and otherwise raises
TF's exception class with TF's message (as observed in TF 2.21)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fasttape as tf

X = tf.constant([1.0, 2.0])
Y = tf.constant([1.0, 3.0])


def _raises(cls, fn, message):
    with pytest.raises(cls) as info:
        fn()
    assert str(info.value) == message


def test_assert_equal_reports_first_differences():
    _raises(tf.errors.InvalidArgumentError, lambda: tf.debugging.assert_equal(X, Y),
            "Condition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
            "Corresponding x values:\n[2.]\nCorresponding y values:\n[3.]\n"
            "First 2 elements of x:\n[1. 2.]\nFirst 2 elements of y:\n[1. 3.]")


def test_assert_equal_message_and_summarize():
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_equal(X, Y, message="hi", summarize=1),
            "hi\nCondition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
            "Corresponding x values:\n[2.]\nCorresponding y values:\n[3.]\n"
            "First 1 elements of x:\n[1.]\nFirst 1 elements of y:\n[1.]")


def test_assert_equal_2d_and_default_summarize():
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_equal(tf.constant([[1, 2], [3, 4]]),
                                              tf.constant([[1, 0], [0, 4]])),
            "Condition x == y did not hold.\nIndices of first 2 different values:\n"
            "[[0 1]\n [1 0]]\nCorresponding x values:\n[2 3]\nCorresponding y values:\n[0 0]\n"
            "First 3 elements of x:\n[1 2 3]\nFirst 3 elements of y:\n[1 0 0]")


def test_broadcast_and_scalar_comparisons_show_no_indices():
    _raises(tf.errors.InvalidArgumentError, lambda: tf.debugging.assert_equal(X, 1.0),
            "Condition x == y did not hold.\nFirst 2 elements of x:\n[1. 2.]\n"
            "First 1 elements of y:\n[1.]")
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.assert_equal(tf.constant(1.0), tf.constant(2.0)),
            "Condition x == y did not hold.\nFirst 1 elements of x:\n[1.]\n"
            "First 1 elements of y:\n[2.]")


@pytest.mark.parametrize("fn, symbol", [
    (tf.debugging.assert_less, "<"), (tf.debugging.assert_greater_equal, ">="),
    (tf.debugging.assert_none_equal, "!="),
])
def test_other_comparisons_name_their_condition(fn, symbol):
    with pytest.raises(tf.errors.InvalidArgumentError, match=f"Condition x {symbol} y"):
        fn(X, Y)


def test_holding_assertions_return_none():
    assert tf.debugging.assert_equal(X, X) is None
    assert tf.debugging.assert_less_equal(X, Y) is None
    assert tf.debugging.assert_greater(Y + 1.0, X) is None
    assert tf.debugging.assert_positive([1, 2]) is None
    assert tf.debugging.assert_near(X, X + 1e-7) is None
    assert tf.debugging.Assert(True, [X]) is None
    assert tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", "Q")),
                                       (tf.zeros([2]), ("N",))]) is None


def test_comparison_of_mismatched_operands_raises_the_ops_error():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.assert_equal(X, tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.assert_equal(tf.constant([1]), tf.constant([1.0]))


def test_sign_assertions():
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_positive(tf.constant([1, -2])),
            "\nCondition x > 0 did not hold element-wise:\nx (shape=(2,) dtype=int32) = \n"
            "['1', '-2']")
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_negative(tf.constant([1.0, 2, 3, 4, 5]), message="m"),
            "m.  \nCondition x < 0 did not hold element-wise:\nx (shape=(5,) dtype=float32) = "
            "\n['1.0', '2.0', '3.0', '...']")
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_non_negative(tf.constant([[-1.0, 2], [3, 4]]),
                                                     summarize=2),
            "\nCondition x >= 0 did not hold element-wise:\nx (shape=(2, 2) dtype=float32) = "
            "\n['-1.0', '2.0', '...']")
    with pytest.raises(tf.errors.InvalidArgumentError, match="x <= 0"):
        tf.debugging.assert_non_positive(tf.constant([0.0, 1.0]))


def test_assert_near():
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_near(tf.constant([1.0, 2.0], tf.float64),
                                             tf.constant([1.0, 3.0], tf.float64),
                                             message="m", rtol=0.1),
            "Expected 'fasttape.Tensor(False, shape=(), dtype=bool)' to be true. Summarized "
            "data: m.  \nx and y not equal to tolerance rtol = fasttape.Tensor(0.1, shape=(), "
            "dtype=float64), atol = fasttape.Tensor(2.220446049250313e-15, shape=(), "
            "dtype=float64)\nx (shape=(2,) dtype=float64) = \n1.0, 2.0\n"
            "y (shape=(2,) dtype=float64) = \n1.0, 3.0")


def test_Assert():
    _raises(tf.errors.InvalidArgumentError, lambda: tf.Assert(False, [X, "s"]),
            "Expected 'False' to be true. Summarized data: 1.0, 2.0\nb's'")
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.Assert(tf.constant(False), ["a", tf.constant([1, 2, 3, 4, 5])],
                                        summarize=2),
            "Expected 'fasttape.Tensor(False, shape=(), dtype=bool)' to be true. Summarized "
            "data: b'a'\n1, 2, ...")
    with pytest.raises(ValueError):
        tf.debugging.Assert(tf.constant([True, False]), ["a"])


def test_rank_assertions():
    _raises(ValueError, lambda: tf.debugging.assert_rank(X, 2),
            "Tensor  must have rank 2.  Received rank 1, shape (2,)")
    _raises(ValueError, lambda: tf.assert_rank(X, 2, message="m"),
            "m.  Tensor  must have rank 2.  Received rank 1, shape (2,)")
    _raises(ValueError, lambda: tf.debugging.assert_rank_at_least(X, 2),
            "Tensor  must have rank at least 2.  Received rank 1, shape (2,)")
    _raises(ValueError, lambda: tf.debugging.assert_rank_in(X, [0, 2]),
            "Tensor  must have rank in (0, 2).  Received rank 1, shape (2,)")
    assert tf.debugging.assert_rank(X, tf.constant(1)) is None
    _raises(ValueError, lambda: tf.debugging.assert_scalar(X),
            "Expected scalar shape, saw shape: (2,).")


def test_assert_shapes():
    _raises(ValueError,
            lambda: tf.debugging.assert_shapes([(X, ("N",)), (tf.zeros([3, 2]), ("N", 2))]),
            "Specified by tensor shape=(2,) dtype=float32 dimension 0.  Tensor shape=(3, 2) "
            "dtype=float32 dimension 0 must have size 2.  Received size 3, shape (3, 2)")
    _raises(ValueError, lambda: tf.debugging.assert_shapes([(tf.zeros([2, 3]), (2, 4))]),
            "Specified explicitly.  Tensor shape=(2, 3) dtype=float32 dimension 1 must have "
            "size 4.  Received size 3, shape (2, 3)")
    _raises(ValueError, lambda: tf.debugging.assert_shapes([(tf.zeros([2, 3, 4]), ("N", "Q"))]),
            "Tensor  must have rank 2.  Received rank 3, shape (2, 3, 4)")
    assert tf.debugging.assert_shapes([(tf.zeros([]), ("N",))]) is None
    assert tf.debugging.assert_shapes([(tf.zeros([5, 2, 3]), ("...", "N", 3))]) is None
    assert tf.debugging.assert_shapes([(tf.zeros([2, 3]), "NQ")]) is None
    with pytest.raises(ValueError):
        tf.debugging.assert_shapes([(tf.zeros([2, 3]), "NN")])


def test_dtype_assertions():
    _raises(TypeError, lambda: tf.debugging.assert_type(X, tf.int32),
            "tensor must be of type tf.int32; got tf.float32")
    _raises(TypeError, lambda: tf.debugging.assert_integer(X, message="m"),
            "m.  Expected \"x\" to be integer type.  Found: tensor of dtype <dtype: 'float32'>")
    assert tf.debugging.assert_integer(tf.constant([1])) is None
    _raises(TypeError, lambda: tf.debugging.assert_proper_iterable("abc"),
            "Expected argument \"values\" to be a \"proper\" iterable.  Found: <class 'str'>")
    assert tf.debugging.assert_proper_iterable([X]) is None
    assert tf.debugging.assert_same_float_dtype([X]) == tf.float32
    assert tf.debugging.assert_same_float_dtype(None, tf.float64) == tf.float64
    with pytest.raises(ValueError, match="must be of the same type"):
        tf.debugging.assert_same_float_dtype([X, tf.constant([1.0], tf.float64)])
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.debugging.assert_same_float_dtype([tf.constant(1)])
    assert tf.debugging.is_numeric_tensor(X)
    assert not tf.debugging.is_numeric_tensor(tf.constant(True))
    assert not tf.debugging.is_numeric_tensor(1.0)


def test_check_numerics():
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.check_numerics(tf.constant([1.0, np.inf]), "bad"),
            "bad : Tensor had Inf values [Op:CheckNumerics]")
    _raises(tf.errors.InvalidArgumentError,
            lambda: tf.debugging.assert_all_finite(tf.constant([1.0, np.nan]), "bad"),
            "bad : Tensor had NaN values [Op:CheckNumerics]")
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed"):
        tf.debugging.check_numerics(tf.constant([1]), "m")
    ok = tf.debugging.check_numerics(X, "m")
    np.testing.assert_array_equal(ok, X)


def test_check_numerics_checks_the_gradient_too():
    x = tf.constant([0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.square(tf.debugging.check_numerics(x, "x"))
    np.testing.assert_array_equal(tape.gradient(y, x), [0.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sqrt(tf.debugging.check_numerics(x, "x"))     # d sqrt = inf at 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="detected in gradient. x"):
        tape.gradient(y, x)


def test_enable_check_numerics_names_the_op():
    tf.debugging.enable_check_numerics()
    try:
        tf.debugging.enable_check_numerics()        # a second call adds nothing
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match='op "log".*\n.*\n.*\n  # of -Inf elements: 1\n  # of \\+NaN'):
            tf.math.log(tf.constant([-1.0, 0.0]))
        assert np.asarray(tf.math.log(tf.constant([1.0]))) == 0.0
    finally:
        tf.debugging.disable_check_numerics()
    assert np.isnan(np.asarray(tf.math.log(tf.constant([-1.0])))).all()


def test_settings_round_trip():
    assert tf.debugging.get_log_device_placement() is False
    tf.debugging.set_log_device_placement(True)
    assert tf.debugging.get_log_device_placement() is True
    tf.debugging.set_log_device_placement(False)
    assert tf.debugging.is_traceback_filtering_enabled()
    tf.debugging.disable_traceback_filtering()
    assert not tf.debugging.is_traceback_filtering_enabled()
    tf.debugging.enable_traceback_filtering()


def test_top_level_aliases_are_the_same_functions():
    for name in ["Assert", "assert_equal", "assert_less", "assert_greater", "assert_rank"]:
        assert getattr(tf, name) is getattr(tf.debugging, name)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-5, 5)),
       arrays(np.float64, st.integers(1, 6), elements=st.floats(-5, 5)))
def test_assert_less_agrees_with_numpy(a, b):
    if a.shape != b.shape:
        b = np.resize(b, a.shape)
    holds = bool(np.all(a < b))
    try:
        tf.debugging.assert_less(tf.constant(a), tf.constant(b))
        raised = False
    except tf.errors.InvalidArgumentError as exc:
        raised = True
        first = np.argwhere(~(a < b))[:3]
        assert str(first) in str(exc)
    assert raised != holds
