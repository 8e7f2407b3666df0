"""Control flow for eager code: `cond`, `case`, `switch_case`, `while_loop`, `identity_n`.

Eager TensorFlow runs these as ordinary Python: `cond` calls the one branch its
predicate selects, `while_loop` calls `cond` and `body` until the condition is false.
They are therefore not ops and record nothing themselves; a tape sees exactly the ops
that the branch taken, or the iterations run, executed, so gradients flow through them
as through straight-line code (and a branch not taken contributes None, not zeros).

What is converted, and when, follows TF 2.21 in eager mode:

* `cond` returns whatever the branch returns (Python values stay Python values).
* `while_loop` passes the loop variables to `cond` and `body` as they are (a Python
  int stays an int, only Variables are read into Tensors first) and converts every
  leaf of the final loop variables to a Tensor.
"""

import collections
import functools

import numpy as np

from fasttape import errors, nest
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, Variable
from fasttape.ops._registry import export
from fasttape.ops.elementwise import identity, logical_and

# --- cond / case ----------------------------------------------------------------------

def _holds(pred):
    """The truth of a predicate under numpy's rules (0-d or one element; else ValueError)."""
    return bool(np.asarray(convert_to_tensor(pred).numpy()))


def _cond(pred, true_fn, false_fn, strict):
    if true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    result = true_fn() if _holds(pred) else false_fn()
    # Non-strict mode (tf.case's default) unwraps one-element lists and tuples.
    if not strict and isinstance(result, (list, tuple)) and len(result) == 1:
        return result[0]
    return result


@export("")
def cond(pred, true_fn=None, false_fn=None, name=None):
    """Returns `true_fn()` if `pred` is true and `false_fn()` otherwise.

    Only the selected function is called, so a tape records only its ops: the
    gradient through `cond` is the gradient of the branch taken.

    >>> import fasttape as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = tf.cond(x > 2.0, lambda: x * x, lambda: 3.0 * x)
    >>> float(y), float(tape.gradient(y, x))
    (9.0, 6.0)

    Args:
        pred: A Python bool or number, or a tensor with one element (any dtype),
            judged by its truth value.
        true_fn: A callable taking no arguments.
        false_fn: A callable taking no arguments.
        name: Ignored (TF's op name).

    Returns:
        What the called function returns, unchanged (nests and Python values
        included).

    Raises:
        TypeError: If `true_fn` or `false_fn` is missing or not callable.
        ValueError: If `pred` has more than one element, or none, or cannot be
            converted to a tensor.
    """
    return _cond(pred, true_fn, false_fn, strict=True)


def _case_pairs(pred_fn_pairs, exclusive):
    """Validates tf.case's pairs; returns (predicates, actions) as lists."""
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError("'pred_fn_pairs' must be a list, tuple, or dict. "
                        f"Received: {type(pred_fn_pairs)}")
    if isinstance(pred_fn_pairs, dict):
        if not exclusive and not isinstance(pred_fn_pairs, collections.OrderedDict):
            raise ValueError("Unordered dictionaries are not supported for the "
                             "'pred_fn_pairs' argument when `exclusive=False` and eager "
                             "mode is enabled.")
        pred_fn_pairs = list(pred_fn_pairs.items())
    if not pred_fn_pairs:
        raise ValueError("'pred_fn_pairs' must hold at least one (predicate, callable) pair")
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if pred.dtype.name != "bool":
            raise TypeError(f"pred must be Tensor of type bool, got {pred.dtype.name}: {pred}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred} must be callable.")
    return [p for p, _ in pred_fn_pairs], [f for _, f in pred_fn_pairs]


def _count_true(predicates):
    return sum(int(np.count_nonzero(p.numpy())) for p in predicates)


@export("")
def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Calls the function of the first true predicate (an if/elif/else chain).

    Predicates are tested in order and only the selected function is called.
    Without `default`, the last pair serves as the default: its function runs only
    if its predicate is true, and InvalidArgumentError is raised when no predicate
    is true.

    >>> import fasttape as tf
    >>> x = tf.constant(5)
    >>> int(tf.case([(x < 0, lambda: -1), (x < 10, lambda: 1)], default=lambda: 2))
    1

    Args:
        pred_fn_pairs: A list or tuple of `(predicate, callable)` pairs, where each
            predicate is a bool Tensor (or an OrderedDict from predicates to callables;
            a dict is accepted only with `exclusive=True`).
        default: Optional callable used when no predicate is true.
        exclusive: If True, raise InvalidArgumentError when more than one predicate
            is true. As in TF, when `default` is None the last predicate is left out
            of this check.
        strict: If False (the default), a one-element list or tuple returned by the
            selected function is unwrapped, as by `tf.cond`'s non-strict mode.
        name: Ignored (TF's op name).

    Returns:
        What the selected function returns.

    Raises:
        TypeError: If `pred_fn_pairs` is not a list, tuple or dict, an entry is not
            a pair, a predicate is not a bool Tensor, or a function is not callable.
        ValueError: If `pred_fn_pairs` is empty or an unordered dict without
            `exclusive`, or a predicate has more than one element.
        InvalidArgumentError: If no predicate is true and there is no `default`,
            or `exclusive` is set and several predicates are true.
    """
    predicates, actions = _case_pairs(pred_fn_pairs, exclusive)
    if default is None:
        # The last pair becomes the default, guarded by its own predicate.
        last_pred, last_action = predicates.pop(), actions.pop()

        def guarded_last():
            if not _holds(last_pred):
                raise errors.InvalidArgumentError(
                    "Input error: None of conditions evaluated as True: "
                    f"{[_holds(p) for p in predicates + [last_pred]]}")
            return last_action()

        default = guarded_last
    if exclusive and _count_true(predicates) > 1:
        raise errors.InvalidArgumentError(
            f"Input error: exclusive=True: more than 1 conditions evaluated as True: "
            f"{[_holds(p) for p in predicates]}")
    # Nested conds, built from the innermost: cond(p0, f0, cond(p1, f1, ... default)).
    fn = default
    for pred, action in reversed(list(zip(predicates, actions, strict=True))):
        fn = functools.partial(_cond, pred, action, fn, strict)
    return fn()


def _switch_actions(branch_fns, default):
    """Validates tf.switch_case's branches; returns the callables by key, default last."""
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    pairs = list(branch_fns.items()) if isinstance(branch_fns, dict) else list(branch_fns)
    if all(callable(fn) for fn in pairs):
        pairs = list(enumerate(pairs))
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'branch_fns' must be a 2-tuple. Received {pair}.")
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = sorted(key for key, _ in pairs)
    if keys != list(range(len(keys))):
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                         f"{len(keys)}) but found {{{','.join(map(str, keys))}}}")
    actions = [fn for _, fn in sorted(pairs, key=lambda pair: pair[0])]
    if default is not None:
        actions.append(default)
    return actions


@export("")
def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Calls the function whose key equals `branch_index` (a C-like switch).

    An index outside `[0, len(branch_fns))` selects `default`, or, without one, the
    function with the largest key. Only the selected function is called.

    >>> import fasttape as tf
    >>> int(tf.switch_case(tf.constant(1), [lambda: 10, lambda: 20], default=lambda: -1))
    20

    Args:
        branch_index: A scalar integer Tensor (not a Python int, not a Variable).
        branch_fns: A list of callables (the position is the key), a list of
            `(int, callable)` pairs, or a dict from ints to callables; the keys must
            be exactly 0 .. n-1.
        default: Optional callable for an index out of range.
        name: Ignored (TF's op name).

    Returns:
        What the selected function returns, unchanged.

    Raises:
        TypeError: If `branch_index` is not an integer Tensor, `branch_fns` is not a
            list, tuple or dict, or an entry is malformed or not callable.
        ValueError: If `branch_fns` is empty or its keys are not 0 .. n-1.
        InvalidArgumentError: If `branch_index` is not a scalar.
    """
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if not branch_index.dtype.is_integer:
        raise TypeError(f"'branch_index' must be an integer Tensor, got {branch_index.dtype}")
    actions = _switch_actions(branch_fns, default)
    if branch_index.shape.rank != 0:
        raise errors.InvalidArgumentError(
            f"'branch_index' must be a scalar, but saw shape: {branch_index.shape}")
    index = int(branch_index.numpy())
    if not 0 <= index < len(actions):
        index = len(actions) - 1
    return actions[index]()


# --- while_loop -----------------------------------------------------------------------

def _read_variable(value):
    return convert_to_tensor(value) if isinstance(value, Variable) else value


def _loop_value(value):
    """A loop variable's final form: a Tensor, or itself for loop-carried objects
    such as TensorArray (marked `_fasttape_loop_value`)."""
    if getattr(type(value), "_fasttape_loop_value", False):
        return value
    return convert_to_tensor(value)


def _check_convertible(value):
    # Fail before running the loop on leaves TF cannot hold either (None, objects).
    if not isinstance(value, Tensor):
        _loop_value(value)


def _returned_vars(returned):
    """The list of loop variables `body` returned (any iterable, as in TF)."""
    try:
        return list(returned)
    except TypeError:
        raise TypeError("'body' must return a list or tuple with one entry per loop "
                        f"variable, got {type(returned).__name__}: {returned!r}") from None


@export("")
def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    The loop runs in Python. `cond` and `body` receive the loop variables as they
    are: a Python number stays a Python number (`i < 3` is then a Python bool),
    while Variables are read into Tensors once, before the first iteration. `body`
    must return a list or tuple with the same nested structure as `loop_vars`;
    dtypes and shapes may change between iterations. The result is the last loop
    variables, in the container `body` last returned (or `loop_vars` if it never
    ran), with every leaf converted to a Tensor. Gradients flow through the ops
    the iterations recorded.

    >>> import fasttape as tf
    >>> x = tf.constant(2.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     i, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x),
    ...                          [0, tf.constant(1.0)])
    >>> int(i), float(y), float(tape.gradient(y, x))
    (3, 8.0, 12.0)

    Args:
        cond: A callable taking the loop variables and returning their truth value
            (a Python bool, or a bool tensor with one element).
        body: A callable taking the loop variables and returning new ones.
        loop_vars: A non-empty list or tuple (possibly nested) of loop variables.
        shape_invariants: Ignored: shapes may change freely in eager code.
        parallel_iterations: Must be a positive number; otherwise ignored.
        back_prop: Ignored (deprecated in TF too).
        swap_memory: Ignored.
        maximum_iterations: Optional scalar: at most this many iterations. `cond`
            is still called once after the last one. As in TF, `body` must then
            return the same container type (list or tuple) as `loop_vars`.
        name: Ignored (TF's op name).

    Returns:
        The final loop variables, their leaves converted to Tensors.

    Raises:
        TypeError: If `cond` or `body` is not callable, `parallel_iterations` < 1,
            `loop_vars` has no length, `body` returns something not iterable, or
            returns containers of another type than `loop_vars` holds.
        ValueError: If `loop_vars` is empty, `maximum_iterations` is not a scalar,
            a loop variable cannot become a Tensor, or `body` returns a different
            nested structure.
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    loop_vars = nest.map_structure(_read_variable, loop_vars)
    if not loop_vars:
        raise ValueError("'loop_vars' must be provided.")
    scalar_tensor = isinstance(loop_vars, Tensor) and loop_vars.shape.rank == 0
    if scalar_tensor or not hasattr(type(loop_vars), "__len__"):
        raise TypeError("'loop_vars' must be a list or tuple of loop variables, got "
                        f"{type(loop_vars).__name__}: {loop_vars!r}")
    if maximum_iterations is not None:
        cond, body, loop_vars = _counted(cond, body, loop_vars, maximum_iterations)

    structure = list(loop_vars)
    for leaf in nest.flatten(structure):
        _check_convertible(leaf)
    while cond(*loop_vars):
        loop_vars = body(*loop_vars)
        nest.assert_same_structure(structure, _returned_vars(loop_vars))
    result = nest.map_structure(_loop_value, loop_vars)
    return result if maximum_iterations is None else result[1]


def _counted(cond, body, loop_vars, maximum_iterations):
    """Wraps the loop in an iteration counter: loop variables become (i, loop_vars).

    The user's loop variables become a nested entry, so (as in TF) `body` returning
    a list for tuple loop variables, or the reverse, is a structure mismatch here.
    """
    limit = convert_to_tensor(maximum_iterations)
    if limit.shape.rank != 0:
        raise ValueError(f"'maximum_iterations' must be a scalar. Received shape: "
                         f"{limit.shape}")
    limit = int(limit.numpy())

    def counted_cond(i, inner):
        # The user's cond is evaluated even when the count is reached, as in TF.
        return logical_and(i < limit, cond(*inner))

    def counted_body(i, inner):
        return i + 1, body(*inner)

    return counted_cond, counted_body, (0, loop_vars)


# --- identity_n -----------------------------------------------------------------------

@export("")
def identity_n(input, name=None):  # noqa: A002 - TF's name
    """Returns a list of tensors equal to the entries of `input`.

    Each entry is converted as by `tf.identity` (a nested list becomes one tensor),
    and the gradient of each output flows to its own input.

    >>> import fasttape as tf
    >>> [t.numpy().tolist() for t in tf.identity_n([1.0, [2, 3]])]
    [1.0, [2, 3]]

    Args:
        input: A non-empty list or tuple of tensors or values convertible to one
            (a tensor of rank >= 1 is iterated along its first axis).
        name: Ignored (TF's op name).

    Returns:
        A list of Tensors, one per entry.

    Raises:
        InvalidArgumentError: If `input` is empty.
        TypeError: If `input` is not iterable (for example a scalar tensor).
    """
    outputs = [identity(value) for value in input]
    if not outputs:
        raise errors.InvalidArgumentError("identity_n needs at least one input, got 0")
    return outputs
