"""Keras 3 losses (`tf.keras.losses`): per-sample functions and reducing Loss objects.

Functions (`mse`, `categorical_crossentropy`, ...) return one value per sample (the last
axis is reduced) in the inputs' dtype. A Loss object matches the ranks of `y_true` and
`y_pred`, computes in its `dtype` (float32 unless given), weights by `sample_weight` and
reduces. Everything is built from differentiable fasttape ops (log-softmax and the
stable logits forms for cross-entropies), so gradients of any order work.
"""

import math

import numpy as np

from fasttape import _convert, nn
from fasttape import math as tfm
from fasttape.ops import (
    abs as _abs, cast, clip_by_value, expand_dims, log, matmul, maximum, one_hot,
    reduce_logsumexp, reduce_max, reduce_mean, reduce_sum, square, squeeze, where,
)

softplus = nn.softplus

EPSILON = 1e-7
REDUCTIONS = ("sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "none", None)


def _pair(y_true, y_pred):
    y_pred = _convert.convert_to_tensor(y_pred)
    if not y_pred.dtype.is_floating:
        y_pred = cast(y_pred, "float32")
    y_true = cast(_convert.convert_to_tensor(y_true), y_pred.dtype)
    return y_true, y_pred


def _match_rank(a, b, expand_rank_1=True):
    """Squeeze or expand a trailing axis of 1 so `a` and `b` have the same rank."""
    ra, rb = len(a.shape), len(b.shape)
    if ra == rb + 1 and a.shape[-1] == 1:
        if rb == 1 and expand_rank_1:
            b = expand_dims(b, -1)
        else:
            a = squeeze(a, -1)
    elif rb == ra + 1 and b.shape[-1] == 1:
        if ra == 1 and expand_rank_1:
            a = expand_dims(a, -1)
        else:
            b = squeeze(b, -1)
    return a, b


# ---- per-sample functions ------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return reduce_mean(square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return reduce_mean(_abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    diff = _abs((y_true - y_pred) / maximum(_abs(y_true), EPSILON))
    return 100.0 * reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    first = log(maximum(y_pred, EPSILON) + 1.0)
    second = log(maximum(y_true, EPSILON) + 1.0)
    return reduce_mean(square(first - second), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """½x² where |x| <= delta, else delta·(|x| − ½delta); averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = _abs(y_pred - y_true)
    quad = 0.5 * square(x)
    lin = delta * x - 0.5 * delta * delta
    return reduce_mean(where(x <= delta, quad, lin), axis=-1)


def log_cosh(y_true, y_pred):
    """log(cosh(x)) as x + softplus(−2x) − log 2 (no overflow for large |x|)."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return reduce_mean(x + softplus(-2.0 * x) - math.log(2.0), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per = nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        per = -(y_true * log(p) + (1.0 - y_true) * log(1.0 - p))
    return reduce_mean(per, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                             axis=-1):
    y_true, y_pred = _pair(y_true, y_pred)
    if len(y_true.shape) < 1:
        raise ValueError("Arguments `target` and `output` must be at least rank 1. "
                         f"Received: target.shape={y_true.shape}, output.shape={y_pred.shape}")
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={y_true.shape}, output.shape={y_pred.shape}")
    if label_smoothing:
        classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        return -reduce_sum(y_true * nn.log_softmax(y_pred, axis=axis), axis=axis)
    p = y_pred / reduce_sum(y_pred, axis=axis, keepdims=True)
    p = clip_by_value(p, EPSILON, 1.0 - EPSILON)
    return -reduce_sum(y_true * log(p), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    y_pred = _convert.convert_to_tensor(y_pred)
    if not y_pred.dtype.is_floating:
        y_pred = cast(y_pred, "float32")
    labels = _convert.convert_to_tensor(y_true)
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = squeeze(labels, -1)
    if tuple(labels.shape) != tuple(y_pred.shape)[:-1]:
        raise ValueError(
            "Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
            f"target.shape={labels.shape}, output.shape={y_pred.shape}")
    labels = cast(labels, "int64")
    valid = None
    if ignore_class is not None:
        valid = cast(tfm.not_equal(labels, ignore_class), y_pred.dtype)
        labels = where(tfm.equal(labels, ignore_class), 0 * labels, labels)
    classes = y_pred.shape[-1]
    bad = np.asarray(labels)
    if bad.size and (bad.min() < 0 or bad.max() >= classes):
        from fasttape import errors
        raise errors.InvalidArgumentError(
            f"Received a label value of {int(bad.max() if bad.max() >= classes else bad.min())}"
            f" which is outside the valid range of [0, {classes}).")
    target = one_hot(labels, classes, dtype=y_pred.dtype)
    if from_logits:
        logp = nn.log_softmax(y_pred, axis=-1)
    else:
        p = y_pred / reduce_sum(y_pred, axis=-1, keepdims=True)
        logp = log(clip_by_value(p, EPSILON, 1.0 - EPSILON))
    per = -reduce_sum(target * logp, axis=-1)
    return per if valid is None else per * valid


def kl_divergence(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    t = clip_by_value(y_true, EPSILON, 1.0)
    p = clip_by_value(y_pred, EPSILON, 1.0)
    return reduce_sum(t * log(t / p), axis=-1)


def poisson(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return reduce_mean(y_pred - y_true * log(y_pred + EPSILON), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine of the angle between the vectors along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return -reduce_sum(nn.l2_normalize(y_true, axis=axis) * nn.l2_normalize(y_pred, axis=axis),
                       axis=axis)


def _signed(y_true):
    """{0, 1} labels as {−1, 1} (labels already in {−1, 1} are kept)."""
    arr = np.asarray(y_true)
    if arr.size and np.all((arr == 0) | (arr == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return reduce_mean(maximum(1.0 - _signed(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return reduce_mean(square(maximum(1.0 - _signed(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    pos = reduce_sum(y_true * y_pred, axis=-1)
    neg = reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return maximum(neg - pos + 1.0, 0.0)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy scaled by (1 − p_t)^gamma (and by alpha with class balancing)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = tfm.sigmoid(y_pred)
    p = clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
    bce = -(y_true * log(p) + (1.0 - y_true) * log(1.0 - p))
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = tfm.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return reduce_mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy with each class term scaled by alpha·(1 − p)^gamma."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    if from_logits:
        y_pred = nn.softmax(y_pred, axis=axis)
    p = y_pred / reduce_sum(y_pred, axis=axis, keepdims=True)
    p = clip_by_value(p, EPSILON, 1.0 - EPSILON)
    return reduce_sum(alpha * tfm.pow(1.0 - p, gamma) * (-y_true * log(p)), axis=axis)


def dice(y_true, y_pred, axis=None):
    """1 − 2·sum(y·p) / (sum(y) + sum(p) + ε)."""
    y_true, y_pred = _pair(y_true, y_pred)
    inter = reduce_sum(y_true * y_pred, axis=axis)
    return 1.0 - 2.0 * inter / (reduce_sum(y_true, axis=axis) + reduce_sum(y_pred, axis=axis)
                                + EPSILON)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 − TP / (TP + alpha·FP + beta·FN + ε), with soft counts."""
    y_true, y_pred = _pair(y_true, y_pred)
    tp = reduce_sum(y_true * y_pred, axis=axis)
    fp = reduce_sum((1.0 - y_pred) * y_true, axis=axis)
    fn = reduce_sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - tp / (tp + alpha * fp + beta * fn + EPSILON)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 − p_true^q) / q for integer labels (robust to label noise)."""
    y_pred = _convert.convert_to_tensor(y_pred)
    labels = cast(_convert.convert_to_tensor(y_true), "int64")
    p = reduce_sum(y_pred * one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype), axis=-1)
    return (1.0 - tfm.pow(p, q)) / q


# ---- Loss objects ----------------------------------------------------------------------

def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) of L2-normalised embeddings `y_pred` with integer
    labels `y_true`, against reference embeddings and labels (default: the batch).
    One value per query row."""
    y_pred = _convert.convert_to_tensor(y_pred)
    labels = np.asarray(_convert.convert_to_tensor(y_true)).astype(np.int32).reshape(-1)
    refs = y_pred if ref_embeddings is None else _convert.convert_to_tensor(ref_embeddings)
    ref_labels = labels if ref_labels is None else np.asarray(
        _convert.convert_to_tensor(ref_labels)).astype(np.int32).reshape(-1)
    positive = labels[:, None] == ref_labels[None, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(labels.size, ref_labels.size, dtype=bool)
    dist = maximum(1 - matmul(y_pred, refs, transpose_b=True), 0.0)
    dt = dist.dtype.as_numpy_dtype
    # the weights (1 + m ± d, clipped at 0) are part of the graph, as in Keras
    pos_w = maximum((margin + dist) * positive.astype(dt), 0.0)
    neg_w = maximum((1 + margin - dist) * negative.astype(dt), 0.0)
    pos = -1 * gamma * pos_w * (margin - dist)
    neg = gamma * neg_w * ((1 - margin) - dist)
    p_loss = reduce_logsumexp(where(positive, pos, -math.inf), axis=1)
    n_loss = reduce_logsumexp(where(negative, neg, -math.inf), axis=1)
    return softplus(p_loss + n_loss)


def ctc(y_true, y_pred):
    """The CTC loss of integer label rows `y_true` (batch, max_length), where 0 is the
    blank and pads, against logits `y_pred` (batch, frames, classes). One value per
    sequence. float64 logits are computed in float32 (as Keras does) and cast back."""
    y_true = _convert.convert_to_tensor(y_true)
    y_pred = _convert.convert_to_tensor(y_pred)
    if len(y_true.shape) != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape "
                         "`(batch_size, max_length)` in integer format. "
                         f"Received: y_true.shape={tuple(y_true.shape)}")
    if len(y_pred.shape) != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape "
                         "`(batch_size, max_length, num_classes)`. "
                         f"Received: y_pred.shape={tuple(y_pred.shape)}")
    labels = np.asarray(y_true).astype(np.int32)
    batch, frames = y_pred.shape[0], y_pred.shape[1]
    result = np.result_type(y_pred.dtype.as_numpy_dtype, np.float32)
    compute = np.float32 if result == np.float64 else result
    loss = nn.ctc_loss(labels, cast(y_pred, compute),
                       (labels != 0).sum(axis=-1).astype(np.int32),
                       np.full(batch, frames, dtype=np.int32), logits_time_major=False,
                       blank_index=0)
    return cast(loss, result)


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{REDUCTIONS}. Received: reduction={reduction}")
    return reduction


class Loss:
    """The base class: `loss(y_true, y_pred, sample_weight=None)` reduces `call`."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        from fasttape.module import _snake_case
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = _check_reduction(reduction)
        self._dtype = dtype or "float32"

    @property
    def dtype(self):
        return self._dtype

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} does not define call()")

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = cast(_convert.convert_to_tensor(y_pred), self._dtype)
        y_true = cast(_convert.convert_to_tensor(y_true), self._dtype)
        y_true, y_pred = _match_rank(y_true, y_pred)
        values = self.call(y_true, y_pred)
        return _reduce(values, sample_weight, self.reduction, self._dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _reduce(values, sample_weight, reduction, dtype):
    if sample_weight is not None:
        w = cast(_convert.convert_to_tensor(sample_weight), dtype)
        values, w = _match_rank(values, w)
        try:
            np.broadcast_shapes(tuple(values.shape), tuple(w.shape))
        except ValueError:
            from fasttape import errors
            raise errors.InvalidArgumentError(
                f"Incompatible shapes: losses {list(values.shape)} vs. sample_weight "
                f"{list(w.shape)}") from None
        values = values * w
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    total = reduce_sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = cast(reduce_sum(w), total.dtype)
    else:
        divisor = _convert.constant(float(np.prod(values.shape)), dtype=total.dtype)
    return tfm.divide_no_nan(total, divisor)


class LossFunctionWrapper(Loss):
    """A Loss over a per-sample function and its keyword arguments."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


def _loss_class(class_name, fn, doc, default_name=None, **defaults):
    """A Loss class over `fn`, taking `defaults` as keyword arguments."""
    def __init__(self, *args, reduction="sum_over_batch_size", name=None, dtype=None, **kw):
        names = list(defaults)
        if len(args) > len(names):
            raise TypeError(f"{class_name} takes at most {len(names)} positional arguments")
        options = dict(defaults)
        options.update(zip(names, args))
        unknown = set(kw) - set(names)
        if unknown:
            raise TypeError(f"{class_name}.__init__() got an unexpected keyword argument "
                            f"{sorted(unknown)[0]!r}")
        options.update(kw)
        LossFunctionWrapper.__init__(self, fn, reduction=reduction,
                                     name=name or default_name, dtype=dtype, **options)

    return type(class_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error,
                               "The mean of squared differences.")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error,
                                "The mean of absolute differences.")
MeanAbsolutePercentageError = _loss_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "100 times the mean relative absolute difference.")
MeanSquaredLogarithmicError = _loss_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "The mean squared difference of log(1 + x).")
Huber = _loss_class("Huber", huber, "Quadratic near zero, linear beyond `delta`.",
                    default_name="huber_loss", delta=1.0)
LogCosh = _loss_class("LogCosh", log_cosh, "The mean of log(cosh(error)).")
BinaryCrossentropy = _loss_class(
    "BinaryCrossentropy", binary_crossentropy, "Cross-entropy of independent binary labels.",
    from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy", categorical_crossentropy,
    "Cross-entropy of one-hot (or soft) labels.", from_logits=False, label_smoothing=0.0,
    axis=-1)
KLDivergence = _loss_class("KLDivergence", kl_divergence,
                           "Kullback-Leibler divergence sum(y·log(y/p)).")
Poisson = _loss_class("Poisson", poisson, "The Poisson negative log-likelihood (up to a "
                      "constant).")
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity,
                               "Minus the cosine similarity.", axis=-1)
Hinge = _loss_class("Hinge", hinge, "The hinge loss of ±1 (or {0, 1}) labels.")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "The squared hinge loss.")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge,
                               "The hinge loss of one-hot labels.")
BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy,
    "Binary cross-entropy focused on hard examples.", apply_class_balancing=False,
    alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy,
    "Categorical cross-entropy focused on hard examples.", alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1)
Dice = _loss_class("Dice", dice, "The Dice loss.", axis=None)
Tversky = _loss_class("Tversky", tversky, "The Tversky loss.", alpha=0.5, beta=0.5,
                      axis=None)
CategoricalGeneralizedCrossEntropy = _loss_class(
    "CategoricalGeneralizedCrossEntropy", categorical_generalized_cross_entropy,
    "Generalized cross-entropy of integer labels.", q=0.5)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels; `ignore_class` samples count 0 and leave the
    mean's denominator."""

    def __init__(self, from_logits=False, ignore_class=None,
                 reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = cast(_convert.convert_to_tensor(y_pred), self._dtype)
        labels = _convert.convert_to_tensor(y_true)
        values = sparse_categorical_crossentropy(labels, y_pred, **self._fn_kwargs)
        ignore = self._fn_kwargs["ignore_class"]
        if ignore is not None:
            lab = np.asarray(labels).reshape(tuple(values.shape))
            mask = (lab != ignore).astype(self._dtype)
            if sample_weight is None:
                sample_weight = mask
            else:
                sample_weight = np.asarray(sample_weight, dtype=self._dtype) * mask
            if self.reduction in ("sum_over_batch_size", "mean"):
                return _reduce(values, sample_weight, "mean_with_sample_weight", self._dtype)
        return _reduce(values, sample_weight, self.reduction, self._dtype)


class CTC(LossFunctionWrapper):
    """The CTC loss of integer label rows (0 is the blank) against logits."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)


class Circle(LossFunctionWrapper):
    """Circle loss of L2-normalised embeddings and integer labels. Rows with a zero loss
    are masked out: the mean is over the rows with a positive loss."""

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = cast(_convert.convert_to_tensor(y_pred), self._dtype)
        values = circle(y_true, y_pred, **self._fn_kwargs)
        valid = np.asarray(values) > 0
        if self.reduction in ("mean", "sum_over_batch_size"):
            # valid rows weigh total/valid, so the mean divides by the valid count
            weight = valid * (valid.size / valid.sum() if valid.any() else 0.0)
        else:
            weight = valid.astype(np.float64)
        if sample_weight is not None:
            weight = np.asarray(sample_weight, dtype=self._dtype) * weight
        return _reduce(values, weight.astype(self._dtype), self.reduction, self._dtype)


class Reduction:
    """The reduction names a Loss accepts."""

    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    MEAN = "mean"
    MEAN_WITH_SAMPLE_WEIGHT = "mean_with_sample_weight"
    NONE = "none"

    @classmethod
    def all(cls):
        return (cls.SUM, cls.SUM_OVER_BATCH_SIZE, cls.MEAN, cls.MEAN_WITH_SAMPLE_WEIGHT,
                cls.NONE)

    @classmethod
    def validate(cls, key):
        _check_reduction(key)


# Keras' short names (one object per function: `get('mse') is mse`)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

_CLASSES = {c.__name__: c for c in (
    Loss, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Huber, LogCosh, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, KLDivergence, Poisson, CosineSimilarity, Hinge,
    SquaredHinge, CategoricalHinge, BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
    Dice, Tversky, CategoricalGeneralizedCrossEntropy, Circle, CTC)}
_FUNCTIONS = {
    "circle": circle, "ctc": ctc,
    "mse": mse, "mae": mae, "mape": mape, "msle": msle, "kld": kld,
    "kullback_leibler_divergence": kld, "logcosh": logcosh, "log_cosh": logcosh,
    "huber": huber, "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "poisson": poisson, "cosine_similarity": cosine_similarity, "hinge": hinge,
    "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
    "mean_squared_error": mse, "mean_absolute_error": mae,
    "mean_absolute_percentage_error": mape, "mean_squared_logarithmic_error": msle,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy, "dice": dice,
    "tversky": tversky,
    "categorical_generalized_cross_entropy": categorical_generalized_cross_entropy,
}


def serialize(loss):
    """A loss as a config dict, or a function's name."""
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    return loss.__name__


def deserialize(name, custom_objects=None):
    """The loss a `serialize` result names."""
    objects = dict(_CLASSES, **_FUNCTIONS, **(custom_objects or {}))
    if isinstance(name, dict):
        cls = objects.get(name.get("class_name"))
        if cls is None:
            raise ValueError(f"Unknown loss: {name.get('class_name')!r}")
        return cls.from_config(name.get("config", {}))
    if name not in objects:
        raise ValueError(f"Could not interpret loss identifier: {name}")
    return objects[name]


def get(identifier):
    """A loss from a name ('mse'), a config dict, or a callable (returned as is)."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier}")
