"""Candidate sampling (tf.random.*_candidate_sampler, tf.nn.compute_accidental_hits) and
the sampled losses built on it (tf.nn.nce_loss, tf.nn.sampled_softmax_loss).

Samplers draw from numpy Generators seeded as the other random ops (tf.random.set_seed
and the op seed), so the candidates differ from TF's; the expected counts follow TF's
formulas: num_sampled * p(k) with replacement, and 1 - (1 - p(k)) ** tries for unique
sampling, where tries is how many draws it took to find num_sampled distinct classes.

The losses compose recorded ops exactly as TF does (embedding lookups, a matmul, the
log-q correction, the cross-entropy), so they are differentiable to any order in the
weights, biases and inputs; the sampled values carry no gradient.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape.ops import elementwise as ew
from fasttape.ops import indexing, linalg, nn, reductions, shape
from fasttape.ops._registry import export
from fasttape.ops.creation import _SEEDS


def _true_classes(true_classes, num_true, range_max=None):
    arr = np.asarray(convert_to_tensor(true_classes))
    if arr.dtype != np.int64:
        raise errors.InvalidArgumentError(
            f"`true_classes` must be an int64 tensor, got {arr.dtype} [Op:CandidateSampler]")
    if arr.ndim != 2 or arr.shape[1] != num_true:
        raise errors.InvalidArgumentError(
            f"true_classes must be a matrix with num_true={num_true} columns, got shape "
            f"{list(arr.shape)} [Op:CandidateSampler]")
    if range_max is not None and ((arr < 0) | (arr >= range_max)).any():
        bad = arr[(arr < 0) | (arr >= range_max)][0]
        raise errors.InvalidArgumentError(
            f"`true_candidate` out of range [0, {range_max}), received {bad} "
            f"[Op:CandidateSampler]")
    return arr


def _sample(draw, prob, true_classes, num_true, num_sampled, unique, range_max, seed):
    """(candidates, true expected counts, sampled expected counts) for a sampler with
    `draw(gen, n)` (n class ids) and `prob(ids)` (their probabilities)."""
    num_sampled, range_max = int(num_sampled), int(range_max)
    classes = _true_classes(true_classes, num_true, range_max)
    if num_sampled < 0 or range_max < 1:
        raise errors.InvalidArgumentError("num_sampled must be >= 0 and range_max >= 1")
    if unique and num_sampled > range_max:
        raise errors.InvalidArgumentError(
            f"Sampler's range is too small: range_max={range_max} < num_sampled="
            f"{num_sampled} with unique=True")
    gen = _SEEDS.generator(seed)
    if unique:
        found, seen, tries = [], set(), 0
        while len(found) < num_sampled:
            for k in draw(gen, max(num_sampled - len(found), 1) * 2).tolist():
                tries += 1
                if k not in seen:
                    seen.add(k)
                    found.append(k)
                    if len(found) == num_sampled:
                        break
        sampled = np.array(found, dtype=np.int64)

        def expected(ids):
            return -np.expm1(tries * np.log1p(-np.minimum(prob(ids), 1 - 1e-12)))
    else:
        sampled = draw(gen, num_sampled).astype(np.int64)

        def expected(ids):
            return num_sampled * prob(ids)
    true_expected = expected(classes).astype(np.float32)
    sampled_expected = expected(sampled).astype(np.float32)
    return (_engine.wrap(sampled), _engine.wrap(true_expected), _engine.wrap(sampled_expected))


@export("random")
def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """num_sampled classes drawn uniformly from [0, range_max) (distinct if unique)."""
    return _sample(lambda gen, n: gen.integers(0, int(range_max), n),
                   lambda ids: np.full(np.shape(ids), 1.0 / int(range_max)),
                   true_classes, num_true, num_sampled, unique, range_max, seed)


@export("random")
def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """Classes drawn with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (Zipfian)."""
    log_range = np.log(int(range_max) + 1.0)

    def draw(gen, n):
        return np.minimum(np.floor(np.exp(gen.random(n) * log_range)).astype(np.int64) - 1,
                          int(range_max) - 1)

    def prob(ids):
        ids = np.asarray(ids, dtype=np.float64)
        return (np.log(ids + 2.0) - np.log(ids + 1.0)) / log_range
    return _sample(draw, prob, true_classes, num_true, num_sampled, unique, range_max, seed)


@export("random", "nn")
def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None, name=None):
    """Classes drawn with probability proportional to unigrams ** distortion (ids below
    num_reserved_ids have weight 0; the given unigrams follow them).

    Raises:
        NotImplementedError: for a vocab_file or sharding (give `unigrams` instead).
    """
    if vocab_file or num_shards != 1:
        raise NotImplementedError("fixed_unigram_candidate_sampler: only `unigrams` (no "
                                  "vocab_file, no sharding) is supported")
    weights = np.concatenate([np.zeros(int(num_reserved_ids)),
                              np.asarray(unigrams, dtype=np.float64) ** float(distortion)])
    if weights.size != int(range_max):
        raise errors.InvalidArgumentError(
            f"range_max {range_max} must equal num_reserved_ids + len(unigrams) = "
            f"{weights.size}")
    p = weights / weights.sum()
    return _sample(lambda gen, n: gen.choice(p.size, n, p=p), lambda ids: p[np.asarray(ids)],
                   true_classes, num_true, num_sampled, unique, range_max, seed)


@export("random", "nn")
def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """The classes 0 .. num_sampled - 1, each with expected count 1."""
    classes = _true_classes(true_classes, num_true, int(num_sampled))
    sampled = np.arange(int(num_sampled), dtype=np.int64)
    return (_engine.wrap(sampled), _engine.wrap(np.ones(classes.shape, np.float32)),
            _engine.wrap(np.ones(sampled.shape, np.float32)))


@export("nn")
def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """(rows, positions, weights) for every sampled candidate equal to one of its row's
    true classes; the weights are -FLT_MAX (to be added to those logits)."""
    classes = _true_classes(true_classes, num_true)
    sampled = np.asarray(convert_to_tensor(sampled_candidates))
    # one hit per (row, true class, candidate) match, as TF (a repeated true class
    # hits twice)
    rows, _, cols = np.nonzero(classes[:, :, None] == sampled[None, None, :])
    weights = np.full(rows.shape, -np.finfo(np.float32).max, np.float32)
    return (_engine.wrap(rows.astype(np.int32)), _engine.wrap(cols.astype(np.int64)),
            _engine.wrap(weights))


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                    sampled_values, subtract_log_q, remove_accidental_hits, seed):
    """(logits [batch, num_true + num_sampled], labels) as TF's _compute_sampled_logits."""
    if isinstance(weights, (list, tuple)):
        if len(weights) != 1:
            raise NotImplementedError("sharded `weights` (a list of several) are not supported")
        weights = weights[0]
    if isinstance(biases, (list, tuple)):
        biases = biases[0]
    weights, biases, inputs = (convert_to_tensor(t) for t in (weights, biases, inputs))
    labels = convert_to_tensor(labels)
    if labels.dtype != dtypes.int64:
        labels = ew.cast(labels, dtypes.int64)
    labels_np = np.asarray(labels).reshape(-1, num_true)
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(labels_np, num_true, num_sampled, True,
                                                       num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (ew.stop_gradient(convert_to_tensor(v))
                                                for v in sampled_values)
    sampled = ew.cast(sampled, dtypes.int64)
    flat = shape.reshape(labels, [-1])
    all_ids = shape.concat([flat, sampled], 0)
    n_true = int(np.asarray(flat).size)
    all_w = indexing.gather(weights, all_ids)
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    sampled_logits = linalg.matmul(inputs, sampled_w, transpose_b=True)
    all_b = indexing.gather(biases, all_ids)
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]
    dim = weights.shape.as_list()[1]
    dots = shape.expand_dims(inputs, 1) * shape.reshape(true_w, [-1, num_true, dim])
    true_logits = reductions.reduce_sum(dots, axis=2) + shape.reshape(true_b, [-1, num_true])
    sampled_logits = sampled_logits + sampled_b
    if remove_accidental_hits:
        rows, cols, hit = compute_accidental_hits(labels_np, np.asarray(sampled), num_true)
        mask = np.zeros(tuple(sampled_logits.shape.as_list()), sampled_logits.dtype.as_numpy_dtype)
        # a repeated hit is written, not summed (-FLT_MAX twice would overflow)
        mask[np.asarray(rows), np.asarray(cols)] = np.asarray(hit)
        sampled_logits = sampled_logits + _engine.wrap(mask)
    if subtract_log_q:
        true_logits = true_logits - ew.log(ew.cast(true_expected, true_logits.dtype))
        sampled_logits = sampled_logits - ew.log(ew.cast(sampled_expected, true_logits.dtype))
    logits = shape.concat([true_logits, sampled_logits], 1)
    targets = shape.concat([ew.ones_like(true_logits) / num_true,
                            ew.zeros_like(sampled_logits)], 1)
    return logits, targets


@export("nn")
def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, name="nce_loss"):
    """Noise-contrastive estimation loss per example: logistic losses of the true
    classes (label 1 / num_true) and sampled classes (label 0), log-q corrected.

    Args:
        weights: [num_classes, dim] class embeddings (or a one-element list).
        biases: [num_classes] class biases.
        labels: int [batch, num_true] target classes.
        inputs: [batch, dim] activations.
        num_sampled, num_classes, num_true: As named.
        sampled_values: A sampler's (candidates, true_expected, sampled_expected);
            log_uniform_candidate_sampler(unique=True) when None.
        remove_accidental_hits: Mask sampled classes that are true classes.
        name: Ignored.
    """
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled,
                                      num_classes, num_true, sampled_values, True,
                                      remove_accidental_hits, None)
    losses = nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits)
    return reductions.reduce_sum(losses, axis=1)


@export("nn")
def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         seed=None, name="sampled_softmax_loss"):
    """The softmax cross-entropy over the true and sampled classes only (log-q
    corrected), one loss per example; arguments as nce_loss."""
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled,
                                      num_classes, num_true, sampled_values, True,
                                      remove_accidental_hits, seed)
    return nn.softmax_cross_entropy_with_logits(labels=ew.stop_gradient(targets),
                                                logits=logits)
