"""`tf.debugging`: assertions on values, shapes and dtypes, and numeric checks.

In eager mode an assertion checks at once: it returns None when it holds and raises
otherwise. Value assertions (`assert_equal`, `assert_positive`, `Assert`, ...) raise
InvalidArgumentError; static ones (rank, shape, dtype) raise ValueError or TypeError,
as TensorFlow does, with TensorFlow's messages.

`enable_check_numerics()` checks the output of every op the calling thread runs from
then on (until `disable_check_numerics()`) and raises at the first op that produces a
NaN or an Inf, naming it.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, _TensorLike
from fasttape.ops import elementwise, namespace
from fasttape.ops._registry import export
from fasttape.ops.numerics import _bad_values

_SUMMARIZE = 3     # elements shown by default, as TF


def _prefix(message, sep):
    return f"{message}{sep}" if message else ""


def _element_texts(a, summarize):
    flat = np.asarray(a).reshape(-1)
    n = flat.size if summarize is None or summarize < 0 else min(summarize, flat.size)
    texts = [str(v) for v in flat[:n]]
    return texts + ["..."] if n < flat.size else texts


# --- value comparisons ----------------------------------------------------------------

def _compare(op, symbol, x, y, message, summarize):
    holds = op(x, y)         # TF's dtype and broadcasting errors come from the op
    cond = np.asarray(holds)
    if cond.all():
        return None
    xv, yv = np.asarray(convert_to_tensor(x)), np.asarray(convert_to_tensor(y))
    n = _SUMMARIZE if summarize is None else summarize
    lines = [f"Condition x {symbol} y did not hold."]
    if xv.shape == yv.shape and xv.ndim > 0:
        where = np.argwhere(~cond)[:n]
        picked = tuple(where.T)
        lines += [f"Indices of first {len(where)} different values:", str(where),
                  "Corresponding x values:", str(xv[picked]),
                  "Corresponding y values:", str(yv[picked])]
    for label, v in (("x", xv), ("y", yv)):
        flat = v.reshape(-1)[:n]
        lines += [f"First {flat.size} elements of {label}:", str(flat)]
    raise errors.InvalidArgumentError(_prefix(message, "\n") + "\n".join(lines))


def _comparison(op, symbol, tf_name, top_level=False):
    def assertion(x, y, message=None, summarize=None, name=None):
        return _compare(op, symbol, x, y, message, summarize)
    assertion.__name__ = assertion.__qualname__ = tf_name
    assertion.__doc__ = (f"Check that `x {symbol} y` holds for every element (broadcasting)."
                         f"\n\nRaises:\n    InvalidArgumentError: it does not; the message "
                         f"shows the first offending indices and values.")
    return export(*(("", "debugging") if top_level else ("debugging",)))(assertion)


assert_equal = _comparison(elementwise.equal, "==", "assert_equal", top_level=True)
assert_none_equal = _comparison(elementwise.not_equal, "!=", "assert_none_equal")
assert_less = _comparison(elementwise.less, "<", "assert_less", top_level=True)
assert_less_equal = _comparison(elementwise.less_equal, "<=", "assert_less_equal")
assert_greater = _comparison(elementwise.greater, ">", "assert_greater", top_level=True)
assert_greater_equal = _comparison(elementwise.greater_equal, ">=", "assert_greater_equal")


def _sign_check(op, symbol, tf_name):
    def assertion(x, message=None, summarize=None, name=None):
        t = convert_to_tensor(x)
        if np.asarray(op(t, np.zeros((), t.dtype.as_numpy_dtype))).all():
            return None
        n = _SUMMARIZE if summarize is None else summarize
        raise errors.InvalidArgumentError(
            f"{_prefix(message, '.  ')}\nCondition x {symbol} 0 did not hold element-wise:\n"
            f"x (shape={tuple(t.shape)} dtype={t.dtype.name}) = \n"
            f"{_element_texts(t, n)}")
    assertion.__name__ = assertion.__qualname__ = tf_name
    assertion.__doc__ = (f"Check that `x {symbol} 0` holds for every element.\n\nRaises:\n"
                         f"    InvalidArgumentError: it does not.")
    return export("debugging")(assertion)


assert_positive = _sign_check(elementwise.greater, ">", "assert_positive")
assert_negative = _sign_check(elementwise.less, "<", "assert_negative")
assert_non_negative = _sign_check(elementwise.greater_equal, ">=", "assert_non_negative")
assert_non_positive = _sign_check(elementwise.less_equal, "<=", "assert_non_positive")


@export("debugging")
def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Check that |x - y| <= atol + rtol * |y| elementwise.

    rtol and atol default to 10 * eps of the dtype (float16 and float32: float32's).

    Raises:
        InvalidArgumentError: some element is farther apart.
    """
    xt = convert_to_tensor(x)
    yt = convert_to_tensor(y, dtype=xt.dtype)
    if xt.dtype != yt.dtype:
        raise errors.InvalidArgumentError(f"x and y must have the same dtype: {xt.dtype} "
                                          f"vs {yt.dtype}")
    eps = np.finfo(np.float64 if xt.dtype == dtypes.float64 else np.float32).eps
    real = xt.dtype.real_dtype.as_numpy_dtype if xt.dtype.is_complex else xt.dtype.as_numpy_dtype
    rtol = np.asarray(10 * eps if rtol is None else rtol, dtype=real)
    atol = np.asarray(10 * eps if atol is None else atol, dtype=real)
    xv, yv = np.asarray(xt), np.asarray(yt)
    if (np.abs(xv - yv) <= atol + rtol * np.abs(yv)).all():
        return None
    n = _SUMMARIZE if summarize is None else summarize
    lines = [f"Expected '{_engine.wrap(np.array(False))!s}' to be true. Summarized data: "
             f"{_prefix(message, '.  ')}",
             f"x and y not equal to tolerance rtol = {_engine.wrap(rtol)!s}, "
             f"atol = {_engine.wrap(atol)!s}",
             f"x (shape={xv.shape} dtype={xt.dtype.name}) = ", ", ".join(_element_texts(xv, n)),
             f"y (shape={yv.shape} dtype={yt.dtype.name}) = ", ", ".join(_element_texts(yv, n))]
    raise errors.InvalidArgumentError("\n".join(lines))


@export("", "debugging")
def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's name
    """Raise InvalidArgumentError showing `data` (a list of tensors and strings) unless
    the scalar boolean `condition` is true.

    Raises:
        InvalidArgumentError: condition is false.
        ValueError: condition has more than one element.
    """
    # np.asarray reads a tensor through its value hook: a traced function guards on it
    cond = np.asarray(_engine.read(condition) if isinstance(condition, _TensorLike)
                      else condition)
    if cond.size != 1:
        raise ValueError("The truth value of an array with more than one element is "
                         "ambiguous. Use a.any() or a.all()")
    if bool(cond.reshape(())):
        return None
    n = _SUMMARIZE if summarize is None else summarize
    shown = []
    for item in data:
        if isinstance(item, (str, bytes)):
            shown.append(repr(item.encode() if isinstance(item, str) else item))
        else:
            shown.append(", ".join(_element_texts(convert_to_tensor(item), n)))
    raise errors.InvalidArgumentError(f"Expected '{condition!s}' to be true. Summarized data: "
                                      + "\n".join(shown))


# --- ranks, shapes and dtypes ---------------------------------------------------------

def _static_shape(x):
    return tuple(convert_to_tensor(x).shape)


def _int_value(v):
    return int(np.asarray(v))


def _rank_error(message, what, shape):
    raise ValueError(f"{_prefix(message, '.  ')}Tensor  must have rank {what}.  Received rank "
                     f"{len(shape)}, shape {shape}")


@export("", "debugging")
def assert_rank(x, rank, message=None, name=None):
    """Check that `x` has rank `rank`.

    Raises:
        ValueError: it has another rank.
    """
    shape = _static_shape(x)
    if len(shape) != _int_value(rank):
        _rank_error(message, _int_value(rank), shape)


@export("debugging")
def assert_rank_at_least(x, rank, message=None, name=None):
    """Check that `x` has rank `rank` or more.

    Raises:
        ValueError: its rank is lower.
    """
    shape = _static_shape(x)
    if len(shape) < _int_value(rank):
        _rank_error(message, f"at least {_int_value(rank)}", shape)


@export("debugging")
def assert_rank_in(x, ranks, message=None, name=None):
    """Check that the rank of `x` is one of `ranks`.

    Raises:
        ValueError: it is none of them.
    """
    shape = _static_shape(x)
    allowed = tuple(_int_value(r) for r in ranks)
    if len(shape) not in allowed:
        _rank_error(message, f"in {allowed}", shape)


@export("debugging")
def assert_scalar(tensor, message=None, name=None):
    """Check that `tensor` is a scalar (rank 0).

    Raises:
        ValueError: it is not.
    """
    shape = _static_shape(tensor)
    if shape:
        raise ValueError(f"{_prefix(message, '.  ')}Expected scalar shape, saw shape: {shape}.")


def _describe(t):
    return f"shape={tuple(t.shape)} dtype={t.dtype.name}"


@export("debugging")
def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Check tensors' shapes against specs that share symbolic dimensions.

    Args:
        shapes: pairs (tensor, spec), a list or a dict {tensor: spec}. A spec lists one
            entry per dimension: an int (that size), a string (a symbol: every use of it
            must have one size) or `"..."`/Ellipsis first (any leading dimensions). A
            string spec such as `"NQ"` names one dimension per character. A spec of one
            entry also admits a scalar.

    Raises:
        ValueError: a rank or a dimension does not match.
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes = {}                      # symbol -> (size, the tensor that fixed it)
    for x, spec in pairs:
        t = convert_to_tensor(x)
        shape = tuple(t.shape)
        spec = list(spec)
        leading = bool(spec) and (spec[0] is Ellipsis or spec[0] == "...")
        if leading:
            spec = spec[1:]
            if len(shape) < len(spec):
                _rank_error(message, f"at least {len(spec)}", shape)
            shape_tail = shape[len(shape) - len(spec):]
        else:
            if len(spec) == 1 and not shape:
                continue             # a one-entry spec admits a scalar, as in TF
            if len(shape) != len(spec):
                _rank_error(message, len(spec), shape)
            shape_tail = shape
        offset = len(shape) - len(spec)
        for k, (want, got) in enumerate(zip(spec, shape_tail)):
            if isinstance(want, str):
                held = sizes.setdefault(want, (got, t))
                size, origin = held
                source = f"Specified by tensor {_describe(origin)} dimension {k + offset}"
            else:
                size, source = int(want), "Specified explicitly"
            if got != size:
                raise ValueError(
                    f"{_prefix(message, '.  ')}{source}.  Tensor {_describe(t)} dimension "
                    f"{k + offset} must have size {size}.  Received size {got}, shape {shape}")


@export("debugging")
def assert_type(tensor, tf_type, message=None, name=None):
    """Check that `tensor` has dtype `tf_type`.

    Raises:
        TypeError: it has another.
    """
    want = dtypes.as_dtype(tf_type)
    got = convert_to_tensor(tensor).dtype
    if got != want:
        raise TypeError(f"{_prefix(message, '.  ')}tensor must be of type tf.{want.name}; "
                        f"got tf.{got.name}")


@export("debugging")
def assert_integer(x, message=None, name=None):
    """Check that `x` has an integer dtype.

    Raises:
        TypeError: it does not.
    """
    dtype = convert_to_tensor(x).dtype
    if not dtype.is_integer:
        raise TypeError(f'{_prefix(message, ".  ")}Expected "x" to be integer type.  Found: '
                        f"tensor of dtype {dtype}")


@export("debugging")
def assert_proper_iterable(values):
    """Check that `values` is an iterable other than a Tensor, an ndarray or a string.

    Raises:
        TypeError: it is not.
    """
    if isinstance(values, (_TensorLike, np.ndarray, str, bytes)) or hasattr(
            values, "_as_dense_tensor"):
        raise TypeError(f'Expected argument "values" to be a "proper" iterable.  Found: '
                        f"{type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


@export("debugging")
def assert_same_float_dtype(tensors=None, dtype=None):
    """The float dtype shared by `tensors` (and `dtype`, when given); float32 when
    neither says.

    Raises:
        ValueError: the dtypes differ, or the shared one is not floating.
    """
    want = None if dtype is None else dtypes.as_dtype(dtype)
    first = None
    for x in tensors or ():
        t = convert_to_tensor(x)
        if want is None:
            want, first = t.dtype, t
        elif t.dtype != want:
            against = f" as {first!s}" if first is not None else ""
            raise ValueError(f"{t!s}, type={t.dtype}, must be of the same type ({want}){against}.")
    if want is None:
        return dtypes.float32
    if not want.is_floating:
        raise ValueError(f"Expected floating point type, got {want}.")
    return want


@export("debugging")
def is_numeric_tensor(tensor):
    """True for a Tensor (or Variable) of a numeric dtype; False for anything else,
    Python numbers included."""
    if not isinstance(tensor, _TensorLike):
        return False
    dtype = tensor.dtype
    return dtype.is_floating or dtype.is_integer or dtype.is_complex


# --- numeric checks for every op -------------------------------------------------------

def _check_op_output(op, inputs, attrs, out):
    a = out._value
    if a.dtype.kind not in "fc":
        return
    bad = _bad_values(a)
    if bad is None:
        return
    counts = [f"  # of {label} elements: {int(n)}" for label, n in (
        ("-Inf", np.sum(np.isneginf(a.real))), ("+Inf", np.sum(np.isposinf(a.real))),
        ("+NaN", np.sum(np.isnan(a)))) if n]
    shown = "\n".join(f"  Input tensor: {x!s}" for x in inputs if isinstance(x, _TensorLike))
    raise errors.InvalidArgumentError(
        f"\n\n!!! Detected Infinity or NaN in output 0 of eagerly-executing op "
        f'"{op.name}" (# of outputs: 1) !!!\n  dtype: {out.dtype!r}\n  shape: '
        f"{tuple(out.shape)}\n" + "\n".join(counts) + f"\n\n{shown}\n\n : Tensor had {bad} "
        f"values")


@export("debugging")
def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """From now on, raise InvalidArgumentError at the first op this thread runs whose
    output holds a NaN or an Inf. Calling it again has no further effect."""
    if _check_op_output not in _engine.active_observers():
        _engine.push_observer(_check_op_output)


@export("debugging")
def disable_check_numerics():
    """Stop the checks `enable_check_numerics` started (no effect if none runs)."""
    _engine.pop_observer(_check_op_output)


# --- settings fasttape accepts for compatibility ----------------------------------------

_settings = {"log_device_placement": False, "traceback_filtering": True}


@export("debugging")
def set_log_device_placement(enabled):
    """Record whether op placement should be logged (fasttape runs every op on the
    CPU and logs nothing)."""
    _settings["log_device_placement"] = bool(enabled)


@export("debugging")
def get_log_device_placement():
    """What `set_log_device_placement` last set (False by default)."""
    return _settings["log_device_placement"]


@export("debugging")
def enable_traceback_filtering():
    """Record that tracebacks should be filtered (fasttape's are never rewritten)."""
    _settings["traceback_filtering"] = True


@export("debugging")
def disable_traceback_filtering():
    """Record that tracebacks should not be filtered."""
    _settings["traceback_filtering"] = False


@export("debugging")
def is_traceback_filtering_enabled():
    """What the two calls above last recorded (True by default)."""
    return _settings["traceback_filtering"]


globals().update(namespace("DEBUGGING"))
