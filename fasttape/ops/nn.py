"""Neural-network ops (tf.nn): activations, softmax and the cross-entropy losses.

TensorFlow's conventions, checked against TF 2.21:

* Kinks: relu6 has derivative 0 at 0 and at 6; leaky_relu has derivative alpha for
  x <= 0 (0 included); elu and selu take the x >= 0 branch at 0 (derivative 1, and
  scale for selu).
* softmax and log_softmax are max-shifted ([1000, 1000, 1000] gives thirds); their
  gradients are (g - sum(g s)) s and g - sum(g) exp(log_softmax).
* The cross-entropies are single ops computed in one numpy pass. The softmax ones keep
  the exponentials of the forward for their backward, which is one op as well
  (`(softmax - labels) * g`), itself differentiable, so second derivatives work. The
  dense one is differentiable w.r.t. labels too (-log_softmax(logits)).
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import defop, export
from fasttape.ops.elementwise import _sigmoid_array
from fasttape.ops.math_ops import _flush_subnormal, _flushed_sigmoid, erfc
from fasttape.ops.reductions import reduce_sum
from fasttape.ops.shape import reshape

# --- activations --------------------------------------------------------------------

@defop(batches=True, namespaces=("nn",))
def relu6(features):
    """min(max(features, 0), 6); its derivative is 0 at 0 and at 6. Integers allowed."""
    if features.dtype == np.bool_:
        raise errors.InvalidArgumentError(
            "Value for attr 'T' of bool is not in the list of allowed values [Op:Relu6]")
    return np.minimum(np.maximum(features, 0), 6)


@relu6.defvjp
def _relu6_vjp(g, features):
    return _relu6_grad(g, features)


@defop(broadcasts=True, public=False, batches=True)
def _relu6_grad(dy, features):
    """dy where 0 < features < 6, else 0."""
    return np.where((features > 0) & (features < 6), dy, np.zeros((), dy.dtype))


@_relu6_grad.defvjp
def _relu6_grad_vjp(g, features, needs):
    # linear in dy; w.r.t. features TF gives zeros (not None) at second order
    return (_relu6_grad(g, features) if needs[0] else None,
            ew.zeros_like(features) if needs[1] else None)


@defop(float_only=True, public=False, batches=True)
def _leaky_relu(features, alpha=0.2):
    return np.where(features > 0, features, features * alpha)


@_leaky_relu.defvjp
def _leaky_relu_vjp(g, features, alpha):
    return _engine.apply(_leaky_relu_grad.op, (g, features), (alpha,))


@defop(broadcasts=True, public=False, batches=True)
def _leaky_relu_grad(dy, features, alpha=0.2):
    """dy where features > 0, alpha * dy elsewhere (0 included)."""
    return np.where(features > 0, dy, dy * alpha)


@_leaky_relu_grad.defvjp
def _leaky_relu_grad_vjp(g, features, alpha, needs):
    # linear in dy; w.r.t. features TF gives zeros (not None) at second order
    return (_engine.apply(_leaky_relu_grad.op, (g, features), (alpha,)) if needs[0] else None,
            ew.zeros_like(features) if needs[1] else None)


@export("nn")
def leaky_relu(features, alpha=0.2, name=None):
    """features where positive, alpha * features elsewhere.

    Integer features are converted to float32, as in TF. The derivative at 0 is alpha.

    Raises:
        TypeError: `alpha` is a tensor (TF takes a Python float).
    """
    features = convert_to_tensor(features)
    if features.dtype.is_integer:
        features = ew.cast(features, dtypes.float32)
    if isinstance(alpha, _TensorLike):
        raise TypeError(f"Expected float for argument 'alpha' not {alpha!r}.")
    return _engine.apply(_leaky_relu.op, (features,), (float(alpha),))


@defop(float_only=True, batches=True, namespaces=("nn",))
def elu(features):
    """exp(features) - 1 where negative, features elsewhere; derivative 1 at 0."""
    return np.where(features < 0, np.exp(features) - 1, features)


@elu.defvjp
def _elu_vjp(g, ans):
    return ew.where(ew.less(ans, 0), g * (ans + 1), g)


_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123   # scale * alpha


@defop(float_only=True, batches=True, namespaces=("nn",))
def selu(features):
    """scale * elu with alpha 1.6733, scale 1.0507 (self-normalising); derivative
    scale at 0."""
    return np.where(features < 0, _SELU_SCALE_ALPHA * (np.exp(features) - 1),
                    _SELU_SCALE * features).astype(features.dtype, copy=False)


@selu.defvjp
def _selu_vjp(g, ans):
    return ew.where(ew.less(ans, 0), g * (ans + _SELU_SCALE_ALPHA), g * _SELU_SCALE)


@export("nn")
def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit, x * P(X <= x) for a standard normal X.

    Args:
        features: A float tensor.
        approximate: If True, use the tanh approximation
            0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
        name: Ignored.

    Raises:
        ValueError: for non-float features (as TF).

    Composed of recorded ops exactly as TF composes it, so every derivative order works.
    """
    features = convert_to_tensor(features)
    if not features.dtype.is_floating:
        raise ValueError("`features.dtype` must be a floating point tensor."
                         f"Received:features.dtype={features.dtype}")
    if approximate:
        cubic = features + 0.044715 * ew.pow(features, 3)
        return 0.5 * features * (1.0 + ew.tanh(0.7978845608028654 * cubic))
    return 0.5 * features * erfc(-features * 0.7071067811865476)


@defop(float_only=True, broadcasts=True, public=False, batches=True)
def _silu(features, beta):
    return _flush_subnormal(features * _sigmoid_array(beta * features))


@_silu.defvjp
def _silu_vjp(g, features, beta, needs):
    # d/dx = s (1 + b x (1 - s)) and d/db = x^2 s (1 - s), s = sigmoid(b x)
    bx = beta * features
    s = _flushed_sigmoid(bx)
    g_x = g * (s * (1 + bx * (1 - s))) if needs[0] else None
    g_beta = g * ew.square(features) * (s * (1 - s)) if needs[1] else None
    return g_x, g_beta


@export("nn", name="swish")
@export("nn")
def silu(features, beta=1.0, name=None):
    """features * sigmoid(beta * features) (tf.nn.silu, also tf.nn.swish).

    `beta` may be a Python float or a tensor (cast to features' dtype, as in TF); the
    gradient flows to a tensor beta too.
    """
    features = convert_to_tensor(features)
    beta = convert_to_tensor(beta)
    if beta.dtype != features.dtype:
        beta = ew.cast(beta, features.dtype)
    return _engine.apply(_silu.op, (features, beta), ())


swish = silu


@export("nn")
def bias_add(value, bias, data_format=None, name=None):
    """value + bias, the 1-D bias added along the channel axis (the last one, or axis 1
    for an 'NC...' data_format).

    Raises:
        InvalidArgumentError: value of rank < 2, bias not 1-D, or a size mismatch.
        ValueError: a data_format neither 'N...C' nor 'NC...'.
    """
    channels_first = False
    if data_format is not None:
        if data_format.startswith("NC"):
            channels_first = True
        elif not (data_format.startswith("N") and data_format.endswith("C")):
            raise ValueError("`data_format` must be of the form `N...C` or `NC...`. "
                             f"Received: data_format={data_format}")
    value, bias = convert_inputs((value, bias))
    shape, bias_shape = list(value.shape), list(bias.shape)
    if len(shape) < 2:
        raise errors.InvalidArgumentError(
            f"Input tensor must be at least 2D: {shape} [Op:BiasAdd]")
    if len(bias_shape) != 1:
        raise errors.InvalidArgumentError(f"Biases must be 1D: {bias_shape} [Op:BiasAdd]")
    channels = shape[1] if channels_first else shape[-1]
    if bias_shape[0] != channels:
        raise errors.InvalidArgumentError(
            "Must provide as many biases as the last dimension of the input tensor: "
            f"{bias_shape} vs. {shape} [Op:BiasAdd]")
    if channels_first:
        bias = reshape(bias, [channels] + [1] * (len(shape) - 2))
    return ew.add(value, bias)


# --- softmax ------------------------------------------------------------------------

def _working(a):
    """float16 is computed in float32 (as TF does)."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


# numpy reduces short contiguous rows slowly (per-row loop overhead); for the last axis
# of a batch of few classes, a transposed copy (max) or a matrix-vector product (sum)
# is about twice as fast. Same values (sums up to rounding order), same nan/inf rules.
_FEW_CLASSES = 64


def _max_keepdims(x, axis):
    if axis == -1 and x.ndim == 2 and 0 < x.shape[1] <= _FEW_CLASSES:
        return np.ascontiguousarray(x.T).max(axis=0)[:, None]
    return x.max(axis=axis, keepdims=True, initial=-np.inf)


def _sum(x, axis, keepdims=True):
    if axis == -1 and x.ndim >= 1 and x.dtype in (np.float32, np.float64):
        total = x @ np.ones(x.shape[-1], x.dtype)
        return total[..., None] if keepdims else np.asarray(total)
    return x.sum(axis=axis, keepdims=keepdims)


def _shifted(logits, axis):
    """logits - max(logits) along axis: exp of it cannot overflow."""
    return logits - _max_keepdims(logits, axis)


@defop(float_only=True, public=False, batches=True)
def _softmax(logits, axis=-1):
    e = np.exp(_shifted(_working(logits), axis))
    e /= _sum(e, axis)
    return e.astype(logits.dtype, copy=False)


@_softmax.defvjp
def _softmax_vjp(g, ans, axis):
    return _engine.apply(_softmax_grad.op, (g, ans), (axis,))


@defop(broadcasts=True, public=False, batches=True)
def _softmax_grad(dy, softmax, axis=-1):
    """(dy - sum(dy * s)) * s along axis: the softmax's vjp, in one pass."""
    out = dy * softmax
    out -= _sum(out, axis) * softmax
    return out


@_softmax_grad.defvjp
def _softmax_grad_vjp(g, dy, softmax, axis, needs):
    # the map dy -> vjp is self-adjoint; d/ds = g (dy - sum(dy s)) - dy sum(g s)
    g_dy = _engine.apply(_softmax_grad.op, (g, softmax), (axis,)) if needs[0] else None
    g_s = None
    if needs[1]:
        g_s = (g * (dy - reduce_sum(dy * softmax, axis, keepdims=True))
               - dy * reduce_sum(g * softmax, axis, keepdims=True))
    return g_dy, g_s


@defop(float_only=True, public=False, batches=True)
def _log_softmax(logits, axis=-1):
    z = _shifted(_working(logits), axis)
    z -= np.log(_sum(np.exp(z), axis))
    return z.astype(logits.dtype, copy=False)


@_log_softmax.defvjp
def _log_softmax_vjp(g, ans, axis):
    return _engine.apply(_log_softmax_grad.op, (g, ans), (axis,))


@defop(broadcasts=True, public=False, batches=True)
def _log_softmax_grad(dy, log_softmax, axis=-1):
    """dy - sum(dy) * exp(log_softmax) along axis: the log_softmax's vjp (TF's formula)."""
    return dy - _sum(dy, axis) * np.exp(log_softmax)


@_log_softmax_grad.defvjp
def _log_softmax_grad_vjp(g, dy, log_softmax, axis, needs):
    # d/d dy = g - sum(g p); d/d log_softmax = -g p sum(dy), with p = exp(log_softmax)
    p = ew.exp(log_softmax)
    g_dy = g - reduce_sum(g * p, axis, keepdims=True) if needs[0] else None
    g_ls = -(g * p) * reduce_sum(dy, axis, keepdims=True) if needs[1] else None
    return g_dy, g_ls


def _softmax_args(logits, axis, op_name):
    logits = convert_to_tensor(logits)
    rank = len(logits.shape)
    if rank == 0:
        raise errors.InvalidArgumentError(
            f"logits must have >= 1 dimension, got [] [Op:{op_name}]")
    if axis is None:
        axis = -1
    elif isinstance(axis, _TensorLike):
        axis = np.asarray(axis).item()
    elif isinstance(axis, (list, tuple)):
        raise TypeError(f"`axis` must be an integer, got {axis!r}")
    axis = int(axis)
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"`dim` must be in the range [{-rank}, {rank}) where {rank} is the number of "
            f"dimensions in the input. Received: dim={axis}")
    # negative, so that the rules also apply to stacked (batched) cotangents
    return logits, axis - rank if axis >= 0 else axis


@export("math", "nn")
def softmax(logits, axis=None, name=None):
    """exp(logits) / sum(exp(logits)) along `axis` (default the last), max-shifted.

    Raises:
        InvalidArgumentError: scalar or non-float logits, or axis out of range.

    >>> softmax([1000., 1000., 1000.]).numpy()
    array([0.33333334, 0.33333334, 0.33333334], dtype=float32)
    """
    logits, axis = _softmax_args(logits, axis, "Softmax")
    return _engine.apply(_softmax.op, (logits,), (axis,))


@export("math", "nn")
def log_softmax(logits, axis=None, name=None):
    """logits - log(sum(exp(logits))) along `axis` (default the last), max-shifted."""
    logits, axis = _softmax_args(logits, axis, "LogSoftmax")
    return _engine.apply(_log_softmax.op, (logits,), (axis,))


# --- cross-entropies ----------------------------------------------------------------

def _expand(t, axis):
    """Insert a size-1 axis at (negative) position `axis` of the result."""
    shape = list(t.shape)
    shape.insert(len(shape) + 1 + axis, 1)
    return reshape(t, shape)


def _exp_and_sum(logits, axis, cache):
    """exp(logits - max) and its sum along axis, from the forward's cache if there."""
    if cache:
        return cache
    e = np.exp(_shifted(logits, axis))
    return e, _sum(e, axis)


@defop(float_only=True, broadcasts=True, public=False)
def _softmax_xent(labels, logits, axis=-1, cache=None):
    z = _shifted(logits, axis)
    e = np.exp(z)
    total = _sum(e, axis)
    if cache is not None:
        cache.extend((e, total))      # what the backward needs for the softmax
    z = np.subtract(np.log(total), z, out=z)       # -log_softmax, in place
    if labels.shape == z.shape:
        z *= labels
    else:
        z = labels * z
    return _sum(z, axis, keepdims=False)


@_softmax_xent.defvjp
def _softmax_xent_vjp(g, labels, logits, axis, cache, needs):
    g_labels = g_logits = None
    if needs[0]:
        g_labels = _expand(g, axis) * -_engine.apply(_log_softmax.op, (logits,), (axis,))
    if needs[1]:
        g_logits = _engine.apply(_softmax_xent_grad.op, (g, labels, logits), (axis, cache))
    return g_labels, g_logits


@defop(broadcasts=True, public=False)
def _softmax_xent_grad(dy, labels, logits, axis=-1, cache=None):
    """dy * (softmax(logits) - labels), the logits gradient of the softmax cross-entropy."""
    e, total = _exp_and_sum(logits, axis, cache)
    out = e / total
    if labels.shape == out.shape:
        out -= labels
    else:
        out = out - labels
    shape = list(dy.shape)
    shape.insert(len(shape) + 1 + axis, 1)
    out *= dy.reshape(shape)
    return out


@_softmax_xent_grad.defvjp
def _softmax_xent_grad_vjp(g, dy, labels, logits, axis, needs):
    s = _engine.apply(_softmax.op, (logits,), (axis,))
    g_dy = reduce_sum(g * (s - labels), axis) if needs[0] else None
    weighted = g * _expand(dy, axis)
    g_labels = -weighted if needs[1] else None
    g_logits = None
    if needs[2]:        # the softmax's vjp
        g_logits = (weighted - reduce_sum(weighted * s, axis, keepdims=True)) * s
    return g_dy, g_labels, g_logits


def _half_to_single(*tensors):
    return tuple(ew.cast(t, dtypes.float32) for t in tensors)


@export("nn")
def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) along `axis`: one loss per row.

    Args:
        labels: Class probabilities, broadcastable against logits; converted to the
            logits' dtype (as TF does). Differentiable: the gradient is
            -log_softmax(logits) times the upstream.
        logits: A float tensor of rank >= 1.
        axis: The class axis.
        name: Ignored.

    Returns:
        The losses: the broadcast shape of labels and logits without `axis`. Their
        gradient w.r.t. logits is (softmax(logits) - labels) times the upstream.

    Raises:
        InvalidArgumentError: scalar or non-float logits, a bad axis, or shapes that
            do not broadcast.
    """
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    if labels.dtype != logits.dtype:
        labels = ew.cast(labels, logits.dtype)
    rank = logits._value.ndim
    if rank == 0:
        raise errors.InvalidArgumentError(
            "logits must have >= 1 dimension, got [] [Op:SoftmaxCrossEntropyWithLogits]")
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"axis {axis} is out of range for logits of rank {rank} "
            "[Op:SoftmaxCrossEntropyWithLogits]")
    labels_shape, logits_shape = labels._value.shape, logits._value.shape
    if labels_shape != logits_shape:
        try:
            np.broadcast_shapes(labels_shape, logits_shape)
        except ValueError:
            raise errors.InvalidArgumentError(
                f"logits and labels must be broadcastable: logits_size={list(logits_shape)} "
                f"labels_size={list(labels_shape)} [Op:SoftmaxCrossEntropyWithLogits]"
            ) from None
    half = logits.dtype == dtypes.float16
    if half:
        labels, logits = _half_to_single(labels, logits)
    attrs = (axis - rank if axis >= 0 else axis, [])
    loss = _engine.apply(_softmax_xent.op, (labels, logits), attrs)
    return ew.cast(loss, dtypes.float16) if half else loss


def _one_hot(labels, depth, dtype):
    out = np.zeros(labels.shape + (depth,), dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out


@defop(float_only=True, same_dtype=False, public=False)
def _sparse_xent(logits, labels, cache=None):
    depth = logits.shape[-1]
    if depth == 0:
        raise errors.InvalidArgumentError(
            f"Must have at least one class, but got logits shape {list(logits.shape)} "
            "[Op:SparseSoftmaxCrossEntropyWithLogits]")
    bad = (labels < 0) | (labels >= depth)
    if bad.any():
        shown = " ".join(str(v) for v in labels.ravel()[:100])
        raise errors.InvalidArgumentError(
            f"Received a label value of {labels[bad].ravel()[0]} which is outside the "
            f"valid range of [0, {depth}).  Label values: {shown} "
            "[Op:SparseSoftmaxCrossEntropyWithLogits]")
    z = _shifted(logits, -1)
    e = np.exp(z)
    total = _sum(e, -1)
    cache.extend((e, total))
    picked = np.take_along_axis(z, labels[..., None].astype(np.intp), axis=-1)
    return (np.log(total) - picked)[..., 0]


@_sparse_xent.defvjp
def _sparse_xent_vjp(g, logits, labels, cache):
    return _engine.apply(_sparse_xent_grad.op, (g, logits, labels), (cache,)), None


@defop(same_dtype=False, public=False)
def _sparse_xent_grad(dy, logits, labels, cache=None):
    """dy * (softmax(logits) - one_hot(labels)), the sparse cross-entropy's gradient."""
    e, total = _exp_and_sum(logits, -1, cache)
    out = e / total
    index = labels[..., None].astype(np.intp)
    np.put_along_axis(out, index, np.take_along_axis(out, index, axis=-1) - 1, axis=-1)
    out *= dy[..., None]
    return out


@_sparse_xent_grad.defvjp
def _sparse_xent_grad_vjp(g, dy, logits, labels, needs):
    s = _engine.apply(_softmax.op, (logits,), (-1,))
    g_dy = g_logits = None
    if needs[0]:
        # integer labels carry no gradient: their one-hot is a constant
        one_hot = _engine.wrap(_one_hot(np.asarray(labels), s.shape[-1], s.dtype.as_numpy_dtype))
        g_dy = reduce_sum(g * (s - one_hot), -1)
    if needs[1]:
        weighted = g * _expand(dy, -1)
        g_logits = (weighted - reduce_sum(weighted * s, -1, keepdims=True)) * s
    return g_dy, g_logits, None


@export("nn")
def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """The softmax cross-entropy with integer class ids: log_softmax(logits)[labels],
    negated, one loss per row.

    Args:
        labels: int32 or int64 ids in [0, num_classes), of shape logits.shape[:-1].
        logits: A float tensor of rank >= 1, classes on the last axis.
        name: Ignored.

    Returns:
        The losses, of labels' shape and logits' dtype. The gradient w.r.t. logits is
        (softmax(logits) - one_hot(labels)) times the upstream; labels have none.

    Raises:
        ValueError: scalar logits, or labels whose shape is not logits.shape[:-1].
        InvalidArgumentError: non-integer labels, ids out of range (as TF on CPU), or
            no classes.
    """
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    logits_shape, labels_shape = tuple(logits.shape), tuple(labels.shape)
    if not logits_shape:
        raise ValueError(f"`logits` cannot be a scalar. Received logits={logits}`")
    if len(labels_shape) != len(logits_shape) - 1:
        raise ValueError(
            "`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
            f"labels.shape={labels_shape} of rank {len(labels_shape)} and "
            f"logits.shape={logits_shape} of rank {len(logits_shape)}")
    if labels_shape != logits_shape[:-1]:
        raise ValueError(
            "`labels.shape` must equal `logits.shape` except for the last dimension. "
            f"Received: labels.shape={labels_shape} and logits.shape={logits_shape}")
    if labels.dtype not in (dtypes.int32, dtypes.int64):
        raise errors.InvalidArgumentError(
            f"Value for attr 'Tlabels' of {labels.dtype.name} is not in the list of "
            "allowed values: int32, int64 [Op:SparseSoftmaxCrossEntropyWithLogits]")
    half = logits.dtype == dtypes.float16
    if half:
        (logits,) = _half_to_single(logits)
    loss = _engine.apply(_sparse_xent.op, (logits, labels), ([],))
    return ew.cast(loss, dtypes.float16) if half else loss


@defop(float_only=True, public=False)
def _sigmoid_xent(labels, logits):
    # max(x, 0) - x z + log(1 + exp(-|x|)): neither exp nor log1p overflows
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


@_sigmoid_xent.defvjp
def _sigmoid_xent_vjp(g, labels, logits, needs):
    g_labels = -(g * logits) if needs[0] else None
    g_logits = g * (ew.sigmoid(logits) - labels) if needs[1] else None
    return g_labels, g_logits


@export("nn")
def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise logistic loss -z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)) for
    labels z and logits x, computed stably as max(x, 0) - x z + log(1 + exp(-|x|)).

    Gradients: sigmoid(logits) - labels w.r.t. logits, -logits w.r.t. labels.

    Raises:
        ValueError: a missing argument, or labels and logits of different shapes.
        InvalidArgumentError: different dtypes (labels are not converted), or non-float.
    """
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for "
                         f"sigmoid_cross_entropy_with_logitsReceived: labels={labels} and "
                         f"logits={logits}")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    if tuple(logits.shape) != tuple(labels.shape):
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({tuple(logits.shape)} vs {tuple(labels.shape)}).")
    return _engine.apply(_sigmoid_xent.op, (labels, logits), ())
