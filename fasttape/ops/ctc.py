"""Connectionist temporal classification (tf.nn.ctc_loss with dense labels) and the
label helpers collapse_repeated and ctc_unique_labels; also in_top_k.

ctc_loss runs the forward-backward recursion in log space over the batch at once
(one step per frame). The loss keeps the logits gradient it computes, softmax minus
the label posteriors, for its rule. That gradient is held as a constant, so a second
derivative through ctc_loss is None (TF raises LookupError there).
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike, apply
from fasttape.ops import shape
from fasttape.ops._registry import defop, export


def _logsumexp(*terms):
    stacked = np.stack(terms)
    top = np.max(stacked, axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.sum(np.exp(stacked - safe), axis=0))


def _forward_backward(log_probs, labels, label_length, logit_length, blank):
    """(loss [batch], d loss / d logits [time, batch, classes]) for time-major
    log-softmax `log_probs`."""
    time, batch, _ = log_probs.shape
    width = 2 * labels.shape[1] + 1
    ext = np.full((batch, width), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    s_index = np.arange(width)
    valid = s_index[None, :] < 2 * label_length[:, None] + 1
    # a skip from s - 2 is allowed onto a label that differs from the one two back
    skip = np.zeros((batch, width), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    emit = np.take_along_axis(log_probs, np.broadcast_to(ext[None], (time,) + ext.shape),
                              axis=2)                                   # [time, batch, width]
    neg = -np.inf
    alpha = np.full((time, batch, width), neg)
    alpha[0, :, 0] = emit[0, :, 0]
    alpha[0, :, 1] = np.where(label_length > 0, emit[0, :, 1], neg)
    alpha[0] = np.where(valid, alpha[0], neg)
    for t in range(1, time):
        prev = alpha[t - 1]
        one = np.concatenate([np.full((batch, 1), neg), prev[:, :-1]], axis=1)
        two = np.concatenate([np.full((batch, 2), neg), prev[:, :-2]], axis=1)
        two = np.where(skip, two, neg)
        alpha[t] = np.where(valid, _logsumexp(prev, one, two) + emit[t], neg)
    beta = np.full((time, batch, width), neg)
    last = np.maximum(logit_length - 1, 0)
    rows = np.arange(batch)
    end = 2 * label_length
    beta[last, rows, end] = emit[last, rows, end]
    has_label = label_length > 0
    beta[last[has_label], rows[has_label], end[has_label] - 1] = emit[
        last[has_label], rows[has_label], end[has_label] - 1]
    skip_next = np.zeros((batch, width), bool)
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(time - 2, -1, -1):
        nxt = beta[t + 1]
        one = np.concatenate([nxt[:, 1:], np.full((batch, 1), neg)], axis=1)
        two = np.concatenate([nxt[:, 2:], np.full((batch, 2), neg)], axis=1)
        two = np.where(skip_next, two, neg)
        step = np.where(valid, _logsumexp(nxt, one, two) + emit[t], neg)
        active = (t < last)[:, None]
        beta[t] = np.where(active, step, beta[t])
    final = alpha[last, rows]
    log_p = _logsumexp(final[rows, end], np.where(has_label, final[rows, np.maximum(end - 1, 0)],
                                                  neg))
    loss = -log_p
    posterior = np.exp(alpha + beta - emit - log_p[None, :, None])
    posterior = np.where(np.isfinite(log_p)[None, :, None], posterior, 0.0)
    grad = np.exp(log_probs)
    occupancy = np.zeros_like(grad)
    t_idx = np.broadcast_to(np.arange(time)[:, None, None], posterior.shape)
    b_idx = np.broadcast_to(rows[None, :, None], posterior.shape)
    np.add.at(occupancy, (t_idx, b_idx, np.broadcast_to(ext[None], posterior.shape)),
              np.nan_to_num(posterior))
    grad = grad - occupancy
    in_time = (np.arange(time)[:, None] < logit_length[None, :])[..., None]
    grad = np.where(in_time & np.isfinite(log_p)[None, :, None], grad, 0.0)
    return loss, grad


def _loss_and_grad(logits, labels, label_length, logit_length, blank):
    work = logits.astype(np.float64)
    shifted = work - work.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    loss, grad = _forward_backward(log_probs, labels.astype(np.int64),
                                   label_length.astype(np.int64),
                                   logit_length.astype(np.int64), blank)
    return loss.astype(logits.dtype), grad.astype(logits.dtype)


@defop(float_only=True, same_dtype=False, public=False)
def _ctc_loss(logits, labels, label_length, logit_length, blank=0, cache=None):
    loss, grad = _loss_and_grad(logits, labels, label_length, logit_length, blank)
    cache.append(grad)
    return loss


@defop(float_only=True, same_dtype=False, public=False, differentiable=False)
def _ctc_grad(logits, labels, label_length, logit_length, blank=0):
    # the loss's gradient as an op of its own, for traced functions (see the rule)
    return _loss_and_grad(logits, labels, label_length, logit_length, blank)[1]


@_ctc_loss.defvjp
def _ctc_loss_vjp(g, logits, labels, label_length, logit_length, blank, cache):
    # the held gradient is a constant of the graph: no second derivative flows. A
    # traced program would replay that array as a stale constant, so while tracing
    # the gradient is recomputed by an op instead
    if _engine.current_tracer() is not None:
        grad = apply(_ctc_grad.op, (logits, labels, label_length, logit_length), (blank,))
    else:
        grad = _engine.wrap(cache[0])
    return shape.reshape(g, [1, -1, 1]) * grad, None, None, None


def _int_vector(value, what, size=None):
    arr = np.asarray(convert_to_tensor(value))
    if arr.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(f"`{what}` must be an integer tensor, got "
                                          f"{arr.dtype}")
    if arr.ndim != 1 or (size is not None and arr.shape[0] != size):
        raise errors.InvalidArgumentError(
            f"`{what}` must be a vector of length {size}, got shape {list(arr.shape)}")
    return arr


@export("nn")
def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None,
             blank_index=None, name=None):
    """The CTC loss -log p(labels | logits) of each sequence in the batch.

    Args:
        labels: Dense int [batch, max_label_length] labels (SparseTensor labels are not
            supported).
        logits: Float [frames, batch, classes] (or [batch, frames, classes] when not
            logits_time_major) unnormalised log-probabilities.
        label_length: Int [batch]: how many of each row's labels count.
        logit_length: Int [batch]: how many frames each sequence has.
        logits_time_major: See logits.
        unique: Ignored (an accelerator hint in TF).
        blank_index: The blank class (default 0; negative counts from the end).
        name: Ignored.

    Returns:
        The float [batch] losses (inf for a sequence too short for its labels, whose
        gradient is then zero; TF gives a large finite value there). The logits
        gradient is softmax minus the label posteriors; differentiating it again gives
        None (TF raises LookupError).
    """
    logits = convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        raise errors.InvalidArgumentError(f"`logits` must be a float tensor, got {logits.dtype}")
    if len(logits.shape) != 3:
        raise errors.InvalidArgumentError(
            f"`logits` must be 3-D, got shape {logits.shape.as_list()}")
    if not logits_time_major:
        logits = shape.transpose(logits, [1, 0, 2])
    time, batch, classes = logits.shape.as_list()
    labels_arr = np.asarray(convert_to_tensor(labels))
    if labels_arr.dtype.kind not in "iu" or labels_arr.ndim != 2 or labels_arr.shape[0] != batch:
        raise errors.InvalidArgumentError(
            f"`labels` must be an integer [batch={batch}, max_label_length] tensor, got "
            f"{labels_arr.dtype} of shape {list(labels_arr.shape)}")
    label_len = _int_vector(label_length, "label_length", batch)
    logit_len = _int_vector(logit_length, "logit_length", batch)
    if (label_len < 0).any() or (label_len > labels_arr.shape[1]).any():
        raise errors.InvalidArgumentError("`label_length` must be within [0, max_label_length]")
    if (logit_len < 0).any() or (logit_len > time).any():
        raise errors.InvalidArgumentError(f"`logit_length` must be within [0, {time}]")
    blank = 0 if blank_index is None else int(blank_index)
    if blank < 0:
        blank += classes
    if not 0 <= blank < classes:
        raise errors.InvalidArgumentError(f"`blank_index` {blank_index} is out of range for "
                                          f"{classes} classes")
    used = np.arange(labels_arr.shape[1])[None, :] < label_len[:, None]
    if ((labels_arr < 0) | (labels_arr >= classes))[used].any():
        raise errors.InvalidArgumentError(f"`labels` must be in [0, {classes})")
    args = (labels_arr.astype(np.int64), label_len.astype(np.int64), logit_len.astype(np.int64))
    return apply(_ctc_loss.op, (logits,) + tuple(_engine.wrap(a) for a in args), (blank, []))


@export("nn")
def collapse_repeated(labels, seq_length, name=None):
    """Merge runs of repeated labels: (labels with each run kept once, left-aligned and
    zero-padded to the longest result, new lengths)."""
    arr = np.asarray(convert_to_tensor(labels))
    lengths = _int_vector(seq_length, "seq_length", arr.shape[0] if arr.ndim == 2 else None)
    if arr.ndim != 2:
        raise errors.InvalidArgumentError(f"`labels` must be 2-D, got shape {list(arr.shape)}")
    in_seq = np.arange(arr.shape[1])[None, :] < lengths[:, None]
    keep = np.ones(arr.shape, bool)
    keep[:, 1:] = arr[:, 1:] != arr[:, :-1]
    keep &= in_seq
    new_len = keep.sum(axis=1)
    width = int(new_len.max()) if new_len.size else 0
    out = np.zeros((arr.shape[0], width), arr.dtype)
    for b in range(arr.shape[0]):
        out[b, :new_len[b]] = arr[b][keep[b]]
    return _engine.wrap(out), _engine.wrap(new_len.astype(lengths.dtype))


@export("nn")
def ctc_unique_labels(labels, name=None):
    """[per row, the unique labels in order of appearance (int64, zero-padded), each
    label's index into them (int32)]."""
    arr = np.asarray(convert_to_tensor(labels))
    if arr.ndim != 2:
        raise errors.InvalidArgumentError(f"`labels` must be 2-D, got shape {list(arr.shape)}")
    unique = np.zeros(arr.shape, np.int64)
    index = np.zeros(arr.shape, np.int32)
    for b, row in enumerate(arr):
        values, first, inverse = np.unique(row, return_index=True, return_inverse=True)
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        unique[b, :values.size] = values[order]
        index[b] = rank[inverse.ravel()]
    return [_engine.wrap(unique), _engine.wrap(index)]


@export("nn")
def in_top_k(targets, predictions, k, name=None):
    """Whether each row's target class scores among the k highest of `predictions`
    (ties at the boundary count as in; a non-finite score or an out-of-range target is
    not)."""
    # TF's op takes float32 only; other arguments than tensors are converted to it
    preds = (predictions if isinstance(predictions, _TensorLike)
             else convert_to_tensor(np.asarray(predictions, dtype=np.float32)))
    if preds.dtype != dtypes.float32:
        raise ValueError(f"Tensor conversion requested dtype float32 for Tensor with dtype "
                         f"{preds.dtype.name}: `predictions`")
    p = np.asarray(preds)
    t = np.asarray(convert_to_tensor(targets))
    if p.ndim != 2:
        raise errors.InvalidArgumentError(
            f"predictions must be 2-dimensional, got {list(p.shape)} [Op:InTopKV2]")
    if t.ndim != 1 or t.shape[0] != p.shape[0]:
        raise errors.InvalidArgumentError(
            f"First dimension of predictions {p.shape[0]} must match length of targets "
            f"{t.shape[0] if t.ndim else t.size} [Op:InTopKV2]")
    k = int(np.asarray(k))
    inside = (t >= 0) & (t < p.shape[1])
    score = p[np.arange(p.shape[0]), np.where(inside, t, 0)]
    higher = (p > score[:, None]).sum(axis=1)
    out = inside & np.isfinite(score) & (higher < k) & np.isfinite(p).all(axis=1)
    return _engine.wrap(out)
