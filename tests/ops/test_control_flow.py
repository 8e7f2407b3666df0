"""cond / case / switch_case / while_loop / identity_n: TF 2.21's eager behaviour.

The expected values, container types and error classes below were observed with
TensorFlow 2.21 in eager mode.
"""

import collections

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError


def _count_calls():
    calls = []

    def fn(value):
        def branch():
            calls.append(value)
            return value
        return branch
    return calls, fn


# --- comparisons as loop conditions ------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("less", [True, False, False]), ("greater", [False, False, True]),
    ("less_equal", [True, True, False]), ("greater_equal", [False, True, True]),
    ("equal", [False, True, False]), ("not_equal", [True, False, True]),
])
def test_comparisons_exist_and_give_bool_tensors(name, expected):
    out = getattr(tf, name)(tf.constant([1, 2, 3]), 2)
    assert out.dtype == tf.bool
    assert out.numpy().tolist() == expected
    assert getattr(tf.math, name) is getattr(tf, name)


def test_logical_ops_exist():
    a, b = tf.constant([True, True, False]), tf.constant([True, False, False])
    assert tf.logical_and(a, b).numpy().tolist() == [True, False, False]
    assert tf.logical_or(a, b).numpy().tolist() == [True, True, False]
    assert tf.logical_not(a).numpy().tolist() == [False, False, True]


def test_scalar_comparison_is_a_python_truth_value():
    i = tf.constant(2)
    assert bool(i < 3) and not bool(i > 3)
    assert bool(tf.logical_and(i < 3, i >= 2))
    assert not tf.logical_not(i < 3)
    steps = 0
    while i < 5:  # a tensor condition drives a plain Python loop
        i += 1
        steps += 1
    assert steps == 3 and int(i) == 5


# --- cond --------------------------------------------------------------------------------

@pytest.mark.parametrize("pred, taken", [
    (True, "t"), (False, "f"), (2, "t"), (0.0, "f"), (np.bool_(False), "f"),
    (tf.constant(True), "t"), (tf.constant(False), "f"), (tf.constant([True]), "t"),
    (tf.constant([[False]]), "f"), (tf.constant(3), "t"), (tf.Variable(True), "t"),
])
def test_cond_calls_only_the_branch_taken(pred, taken):
    calls, fn = _count_calls()
    assert tf.cond(pred, fn("t"), fn("f")) == taken
    assert calls == [taken]


def test_cond_returns_the_branch_result_unchanged():
    nested = [1, (tf.constant(2.0),), {"a": None}]
    assert tf.cond(True, lambda: nested, lambda: 0) is nested
    assert tf.cond(True, lambda: [1], lambda: 2) == [1]  # strict: no unwrapping
    assert tf.cond(True, lambda: None, lambda: 2) is None
    assert type(tf.cond(False, lambda: 1, lambda: 2)) is int


def test_cond_accepts_positional_and_keyword_functions():
    assert tf.cond(True, lambda: 1, lambda: 2, "name") == 1
    assert tf.cond(pred=False, true_fn=lambda: 1, false_fn=lambda: 2, name="c") == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"false_fn": lambda: 2}, "'true_fn' argument required"),
    ({"true_fn": lambda: 1}, "'false_fn' argument required"),
    ({"true_fn": 1, "false_fn": lambda: 2}, "'true_fn' must be callable"),
    ({"true_fn": lambda: 1, "false_fn": 2}, "'false_fn' must be callable"),
])
def test_cond_rejects_missing_or_uncallable_functions(kwargs, message):
    with pytest.raises(TypeError, match=message):
        tf.cond(True, **kwargs)


@pytest.mark.parametrize("pred", [tf.constant([True, True]), tf.constant([], tf.bool), None])
def test_cond_rejects_predicates_without_one_truth_value(pred):
    with pytest.raises(ValueError):
        tf.cond(pred, lambda: 1, lambda: 2)


def test_cond_gradient_is_that_of_the_branch_taken():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y_true = tf.cond(x > 2.0, lambda: x * x, lambda: 3.0 * x)
        y_false = tf.cond(x < 2.0, lambda: x * x, lambda: 3.0 * x)
        y_const = tf.cond(x < 2.0, lambda: x * x, lambda: tf.constant(1.0))
    assert float(y_true) == 9.0 and float(tape.gradient(y_true, x)) == 6.0
    assert float(y_false) == 9.0 and float(tape.gradient(y_false, x)) == 3.0
    assert tape.gradient(y_const, x) is None


def test_cond_second_derivative_through_nested_tapes():
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.cond(x > 0.0, lambda: x ** 3, lambda: -x)
        dy = inner.gradient(y, x)
    assert float(dy) == 12.0
    assert float(outer.gradient(dy, x)) == 12.0


# --- case --------------------------------------------------------------------------------

T, F = tf.constant(True), tf.constant(False)


@pytest.mark.parametrize("preds, expected", [
    ((T, T), "a"), ((F, T), "b"), ((F, F), "default"),
])
def test_case_calls_the_first_true_function_or_the_default(preds, expected):
    calls, fn = _count_calls()
    pairs = [(preds[0], fn("a")), (preds[1], fn("b"))]
    assert tf.case(pairs, default=fn("default")) == expected
    assert calls == [expected]


def test_case_without_default_uses_the_last_pair_guarded_by_its_predicate():
    assert tf.case([(F, lambda: 1), (T, lambda: 2)]) == 2
    assert tf.case([(T, lambda: 1)]) == 1
    with pytest.raises(InvalidArgumentError, match="None of conditions"):
        tf.case([(F, lambda: 1), (F, lambda: 2)])
    with pytest.raises(InvalidArgumentError):
        tf.case([(F, lambda: 1)])


def test_case_exclusive_checks_all_but_the_implicit_default():
    with pytest.raises(InvalidArgumentError, match="exclusive"):
        tf.case([(T, lambda: 1), (T, lambda: 2)], default=lambda: 3, exclusive=True)
    # TF leaves the last predicate out of the check when it serves as the default.
    assert tf.case([(T, lambda: 1), (T, lambda: 2)], exclusive=True) == 1
    assert tf.case([(T, lambda: 1), (F, lambda: 2)], exclusive=True) == 1


def test_case_unwraps_singletons_unless_strict():
    assert tf.case([(T, lambda: [5])], default=lambda: 0) == 5
    assert tf.case([(T, lambda: [5])], default=lambda: 0, strict=True) == [5]
    assert tf.case([(F, lambda: 1)], default=lambda: (7,)) == 7
    # every nesting level unwraps once, as TF's chain of non-strict conds does
    assert tf.case([(F, lambda: 1), (T, lambda: [[5]])], default=lambda: 0) == 5
    # a lone pair without default is called directly: nothing to unwrap
    assert tf.case([(T, lambda: [1])]) == [1]


@pytest.mark.parametrize("pairs, error", [
    (3, TypeError), ([], ValueError), ([[T, lambda: 1]], TypeError),
    ([(True, lambda: 1)], TypeError), ([(tf.constant(1), lambda: 1)], TypeError),
    ([(tf.Variable(True), lambda: 1)], TypeError), ([(T, 1)], TypeError),
    ([(tf.constant([True, False]), lambda: 1)], ValueError),
])
def test_case_rejects_malformed_pairs(pairs, error):
    with pytest.raises(error):
        tf.case(pairs, default=lambda: 0)


def test_case_dict_needs_exclusive_and_non_callable_default_fails():
    with pytest.raises(ValueError, match="Unordered dictionaries"):
        tf.case({1: lambda: 1}, default=lambda: 0)
    with pytest.raises(TypeError, match="pred must be a Tensor"):
        tf.case(collections.OrderedDict([(True, lambda: 1)]), default=lambda: 0)
    with pytest.raises(TypeError, match="'false_fn' must be callable"):
        tf.case([(T, lambda: 1)], default=3)


def test_case_gradient_flows_through_the_selected_function():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.case([(x < 0.0, lambda: -x), (x < 5.0, lambda: x * x)], default=lambda: x)
    assert float(tape.gradient(y, x)) == 4.0


# --- switch_case ---------------------------------------------------------------------

@pytest.mark.parametrize("index, default, expected", [
    (0, None, "a"), (2, None, "c"), (5, None, "c"), (-1, None, "c"), (5, True, "default"),
    (1, True, "b"),
])
def test_switch_case_selects_by_index(index, default, expected):
    calls, fn = _count_calls()
    out = tf.switch_case(tf.constant(index), [fn("a"), fn("b"), fn("c")],
                         default=fn("default") if default else None)
    assert out == expected and calls == [expected]


@pytest.mark.parametrize("branch_fns", [
    {1: lambda: "b", 0: lambda: "a"}, [(1, lambda: "b"), (0, lambda: "a")],
    ((0, lambda: "a"), (True, lambda: "b")),
])
def test_switch_case_key_forms(branch_fns):
    assert tf.switch_case(tf.constant(1, tf.int64), branch_fns) == "b"


@pytest.mark.parametrize("index, branch_fns, error", [
    (1, [lambda: 1], TypeError), (tf.constant(1.0), [lambda: 1], TypeError),
    (tf.Variable(0), [lambda: 1], TypeError), (tf.constant(0), [], ValueError),
    (tf.constant(0), lambda: 1, TypeError), (tf.constant(0), {1: lambda: 1}, ValueError),
    (tf.constant(0), [(0, lambda: 1), (0, lambda: 2)], ValueError),
    (tf.constant(0), [(0.0, lambda: 1)], TypeError), (tf.constant(0), [(0, 1)], TypeError),
    (tf.constant(0), [[0, lambda: 1]], TypeError),
    (tf.constant([0]), [lambda: 1], InvalidArgumentError),
])
def test_switch_case_errors(index, branch_fns, error):
    with pytest.raises(error):
        tf.switch_case(index, branch_fns)


def test_switch_case_result_is_unchanged_and_differentiable():
    assert tf.switch_case(tf.constant(0), [lambda: [1], lambda: 2]) == [1]
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.switch_case(tf.constant(1), [lambda: x, lambda: x ** 3])
    assert float(tape.gradient(y, x)) == 12.0


# --- while_loop ----------------------------------------------------------------------

def test_while_loop_keeps_python_loop_vars_inside_and_converts_the_result():
    seen = []

    def body(i, x):
        seen.append((type(i), type(x)))
        return i + 1, x * 2.0

    out = tf.while_loop(lambda i, x: i < 3, body, [0, tf.constant(1.0)])
    assert seen == [(int, tf.Tensor)] * 3
    assert type(out) is tuple  # the container body returned
    i, x = out
    assert (i.dtype, int(i)) == (tf.int32, 3)
    assert (x.dtype, float(x)) == (tf.float32, 8.0)


def test_while_loop_cond_gets_python_values_too():
    seen = []

    def cond(i, x):
        seen.append(type(i < 3))
        return i < 3

    tf.while_loop(cond, lambda i, x: (i + 1, x), (0, 1.0))
    assert seen == [bool] * 4


def test_while_loop_result_container_follows_body_or_loop_vars():
    body_list = tf.while_loop(lambda i, x: i < 3, lambda i, x: [i + 1, x], (0, 1.0))
    assert type(body_list) is list
    no_iteration = tf.while_loop(lambda i, x: i < 0, lambda i, x: (i + 1, x), [0, 1.0])
    assert type(no_iteration) is list
    assert [t.dtype for t in no_iteration] == [tf.int32, tf.float32]
    nested = tf.while_loop(lambda i, x: False, lambda i, x: (i, x), (0, [1.0, 2]))
    assert isinstance(nested[1], list) and nested[1][1].dtype == tf.int32
    single = tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), [0])
    assert type(single) is tuple and int(single[0]) == 3


def test_while_loop_python_float_and_numpy_leaves_take_tf_dtypes():
    _, x = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [0, 1.0])
    assert (x.dtype, float(x)) == (tf.float32, 8.0)
    _, x = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0),
                         [0, np.float64(1.0)])
    assert x.dtype == tf.float64
    _, a = tf.while_loop(lambda i, a: i < 1, lambda i, a: (i + 1, a), [0, np.ones(2)])
    assert a.dtype == tf.float64 and a.shape == (2,)


def test_while_loop_reads_variables_once_before_the_loop():
    v = tf.Variable(1.0)
    seen = []

    def body(i, x):
        seen.append(type(x))
        v.assign(5.0)  # does not change the loop variable, already read
        return i + 1, x

    _, x = tf.while_loop(lambda i, x: i < 2, body, [0, v])
    assert seen == [tf.Tensor, tf.Tensor]
    assert float(x) == 1.0 and not isinstance(x, tf.Variable)


def test_while_loop_allows_dtype_and_shape_changes():
    (x,) = tf.while_loop(lambda i: i < 3, lambda i: [tf.cast(i, tf.float32) + 1],
                         [tf.constant(0)])
    assert (x.dtype, float(x)) == (tf.float32, 3.0)
    def grow(v):
        return [tf.broadcast_to(v[:1], [v.shape[0] + 1])]

    (v,) = tf.while_loop(lambda v: v.shape[0] < 3, grow, [tf.constant([1])])
    assert v.numpy().tolist() == [1, 1, 1]


def test_while_loop_dict_and_nested_loop_vars():
    (d,) = tf.while_loop(lambda d: d["i"] < 3, lambda d: [{"i": d["i"] + 1}], [{"i": 0}])
    assert int(d["i"]) == 3
    (p,) = tf.while_loop(lambda p: p[0] < 3, lambda p: [(p[0] + 1, p[1])], [(0, 1.0)])
    assert type(p) is tuple and int(p[0]) == 3


def test_while_loop_maximum_iterations():
    loop = (lambda i, x: i < 100, lambda i, x: (i + 1, x * 2.0))
    i, x = tf.while_loop(*loop, (0, tf.constant(1.0)), maximum_iterations=5)
    assert (int(i), float(x)) == (5, 32.0)
    out = tf.while_loop(loop[0], lambda i, x: [i + 1, x], [0, 1.0],
                        maximum_iterations=tf.constant(2))
    assert type(out) is list and int(out[0]) == 2
    assert int(tf.while_loop(*loop, (0, 1.0), maximum_iterations=2.7)[0]) == 2
    for limit in (0, -1):
        assert int(tf.while_loop(*loop, (0, 1.0), maximum_iterations=limit)[0]) == 0
    # the condition stops the loop first when it turns false first
    assert int(tf.while_loop(lambda i, x: i < 3, loop[1], (0, 1.0),
                             maximum_iterations=10)[0]) == 3


def test_while_loop_maximum_iterations_still_calls_cond_at_the_limit():
    calls = []

    def cond(i, x):
        calls.append(i)
        return i < 100

    tf.while_loop(cond, lambda i, x: (i + 1, x), (0, 1.0), maximum_iterations=3)
    assert calls == [0, 1, 2, 3]


def test_while_loop_maximum_iterations_requires_the_same_container_type():
    # TF nests the loop variables under a counter, so list vs tuple becomes a mismatch.
    with pytest.raises(TypeError):
        tf.while_loop(lambda i, x: i < 9, lambda i, x: (i + 1, x), [0, 1.0],
                      maximum_iterations=2)
    with pytest.raises(ValueError, match="must be a scalar"):
        tf.while_loop(lambda i, x: i < 9, lambda i, x: (i + 1, x), (0, 1.0),
                      maximum_iterations=[5])


def test_while_loop_cond_truth_values():
    out = tf.while_loop(lambda i: tf.constant([i < 3]), lambda i: [i + 1], [0])
    assert int(out[0]) == 3
    assert int(tf.while_loop(lambda i: None, lambda i: [i + 1], [0])[0]) == 0
    with pytest.raises(ValueError):
        tf.while_loop(lambda i: tf.constant([True, False]), lambda i: [i + 1], [0])


def test_while_loop_one_element_tensor_loop_vars_are_unpacked():
    out = tf.while_loop(lambda a: a < 3, lambda a: [a + 1], tf.constant([1]))
    assert type(out) is list and int(out[0]) == 3
    with pytest.raises(ValueError, match="must be provided"):  # its truth value is False
        tf.while_loop(lambda a: a < 3, lambda a: [a + 1], tf.constant([0]))


@pytest.mark.parametrize("loop_vars", [[], None, 0, tf.constant(0), ()])
def test_while_loop_needs_loop_vars(loop_vars):
    with pytest.raises(ValueError, match="'loop_vars' must be provided"):
        tf.while_loop(lambda *a: False, lambda *a: a, loop_vars)


@pytest.mark.parametrize("loop_vars", [5, tf.constant(5)])
def test_while_loop_rejects_a_bare_loop_variable(loop_vars):
    with pytest.raises(TypeError):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, loop_vars)


@pytest.mark.parametrize("kwargs, error", [
    ({"cond": 3}, TypeError), ({"body": 3}, TypeError),
    ({"parallel_iterations": 0}, TypeError),
    ({"loop_vars": [0, None]}, ValueError), ({"loop_vars": [0, object()]}, ValueError),
    ({"body": lambda i, x: i + 1}, TypeError),  # not a list: int is not iterable
    ({"body": lambda i, x: (i + 1,)}, ValueError),  # wrong length
    ({"body": lambda i, x: (i + 1, (x, x))}, ValueError),  # wrong nesting
    ({"body": lambda i, x: (i + 1, None)}, ValueError),  # None cannot become a Tensor
])
def test_while_loop_errors(kwargs, error):
    args = {"cond": lambda i, x: i < 3, "body": lambda i, x: (i + 1, x),
            "loop_vars": [0, 1.0]}
    args.update(kwargs)
    with pytest.raises(error):
        tf.while_loop(**args)


def test_while_loop_nested_container_type_mismatch_is_a_type_error():
    with pytest.raises(TypeError):
        tf.while_loop(lambda p: p[0] < 3, lambda p: [[p[0] + 1, p[1]]], [(0, 1.0)])
    with pytest.raises(ValueError):
        tf.while_loop(lambda d: d["i"] < 3, lambda d: [{"i": d["i"] + 1, "j": 1}],
                      [{"i": 0}])


def test_while_loop_ignores_graph_only_arguments():
    i, = tf.while_loop(lambda i: i < 2, lambda i: [i + 1], [0], shape_invariants=[None],
                       parallel_iterations=1, back_prop=False, swap_memory=True, name="w")
    assert int(i) == 2


@pytest.mark.parametrize("n", [0, 1, 4])
def test_while_loop_gradient_of_x_to_the_n(n):
    x = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x),
                             [0, tf.constant(1.0)])
    grad = tape.gradient(y, x)
    assert float(y) == pytest.approx(1.5 ** n)
    if n == 0:
        assert grad is None  # no iteration touched x
    else:
        assert float(grad) == pytest.approx(n * 1.5 ** (n - 1))


def test_while_loop_gradient_with_a_tensor_condition_and_second_order():
    x = tf.constant(2.0, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            # repeated squaring while below 100: x -> x^2 -> x^4 -> x^8 = 256
            y = tf.while_loop(lambda y: y < 100.0, lambda y: [y * y], [x])[0]
        dy = inner.gradient(y, x)
    assert float(y) == 256.0
    assert float(dy) == pytest.approx(8 * 2.0 ** 7)
    assert float(outer.gradient(dy, x)) == pytest.approx(56 * 2.0 ** 6)


def test_while_loop_gradient_through_a_loop_carried_vector():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        _, acc = tf.while_loop(lambda k, acc: k < 3,
                               lambda k, acc: (k + 1, acc + tf.reduce_sum(w * w) * k),
                               (tf.constant(0.0), tf.constant(0.0)))
    # acc = (0 + 1 + 2) * sum(w^2); gradient 3 * 2w
    np.testing.assert_allclose(tape.gradient(acc, w).numpy(), [6.0, 12.0])


# --- identity_n ----------------------------------------------------------------------

def test_identity_n_converts_each_entry():
    out = tf.identity_n([tf.constant(1.0), [1, 2], 3])
    assert type(out) is list
    assert [(t.dtype, t.shape.as_list()) for t in out] == [
        (tf.float32, []), (tf.int32, [2]), (tf.int32, [])]
    rows = tf.identity_n(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert [r.numpy().tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    (v,) = tf.identity_n((tf.Variable(1.0),))
    assert not isinstance(v, tf.Variable) and float(v) == 1.0


@pytest.mark.parametrize("value, error", [
    ([], InvalidArgumentError), (tf.constant(1.0), TypeError), (3.0, TypeError),
    ([None], ValueError),
])
def test_identity_n_errors(value, error):
    with pytest.raises(error):
        tf.identity_n(value)


def test_identity_n_gradient_passes_each_entry_through():
    x, y = tf.constant([1.0, 2.0]), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        a, b = tf.identity_n([x, y])
        z = tf.reduce_sum(a * a) + b * 2.0
    gx, gy = tape.gradient(z, [x, y])
    assert gx.numpy().tolist() == [2.0, 4.0] and float(gy) == 2.0
