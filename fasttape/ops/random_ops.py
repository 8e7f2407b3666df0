"""Stateless random ops (tf.random.stateless_*), seed arithmetic (fold_in, split),
gamma/poisson and the stateful `tf.random.Generator`.

Every draw comes from numpy's Philox bit generator keyed by the seed, so the same seed
gives the same values in every call and every process. The values differ from TF's
(its Philox/ThreeFry streams are not reproduced), and so do the counter positions a
Generator's state moves through; the distributions, shapes, dtypes, argument checks
and the determinism contract are TF's.

Like the stateful ops in `creation`, float results are built as `rnd * scale + shift`
from recorded ops, so they are differentiable with respect to tensor mean/stddev and
minval/maxval (stateless_gamma with respect to beta).
"""

import enum

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import Variable
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import export
from fasttape.ops.creation import (
    _FLOAT_TYPES, _SEEDS, _UNIFORM_TYPES, _affine, _check_dtype, _check_moments, _dims,
    _categorical, _is_python, _standard,
)

_U64 = (1 << 64) - 1
# the stream of each distribution under one seed (so that a uniform and a normal drawn
# with the same seed are not the same bits reinterpreted)
_STREAMS = {"uniform": 1, "normal": 2, "truncated_normal": 3, "categorical": 4,
            "binomial": 5, "gamma": 6, "poisson": 7, "shuffle": 8, "seeds": 9}


@export("random", "random.experimental")
class Algorithm(enum.Enum):
    """The RNG algorithms TF names (fasttape draws every one from numpy's Philox)."""
    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _alg(alg):
    if alg is None:
        return Algorithm.AUTO_SELECT
    if isinstance(alg, Algorithm):
        return alg
    if isinstance(alg, str):
        key = alg.lower()
        for a in Algorithm:
            if a.name.lower() == key:
                return a
    if isinstance(alg, (int, np.integer)):
        for a in Algorithm:
            if a.value == alg:
                return a
    raise errors.InvalidArgumentError(f"Unsupported algorithm id: {alg!r}")


def _seed_pair(seed, op="StatelessRandomGetKeyCounter"):
    """The two ints of a shape-[2] int32/int64 seed."""
    arr = np.asarray(convert_to_tensor(seed))
    if arr.dtype not in (np.int32, np.int64):
        name = {np.float32: "float", np.float64: "double"}.get(arr.dtype.type, arr.dtype.name)
        raise errors.InvalidArgumentError(
            f"Value for attr 'Tseed' of {name} is not in the list of allowed values: "
            f"int32, int64 [Op:{op}]")
    if arr.shape != (2,):
        raise errors.InvalidArgumentError(
            f"seed must have shape [2], not {list(arr.shape)} [Op:{op}]")
    return arr, (int(arr[0]) & _U64, int(arr[1]) & _U64)


def _philox(key, counter, stream):
    # uint64 arrays built from Python ints: a list of big ints would go through float
    words = np.array([key[0], key[1]], dtype=np.uint64)
    count = np.array([0, stream, counter[0], counter[1]], dtype=np.uint64)
    return np.random.Generator(np.random.Philox(key=words, counter=count))


def _stateless_generator(seed, kind):
    """The numpy Generator a stateless op with `seed` draws `kind` from."""
    _, key = _seed_pair(seed)
    return _philox(key, (0, 0), _STREAMS[kind])


def _stateless_uniform_values(gen, dims, dtype, minval, maxval, op):
    if dtype.is_integer:
        if minval is None and maxval is None:
            info = np.iinfo(dtype.as_numpy_dtype)
            return _engine.wrap(gen.integers(info.min, info.max, size=dims, endpoint=True,
                                             dtype=dtype.as_numpy_dtype))
        if minval is None or maxval is None:
            raise ValueError(f"For integer `dtype` argument {dtype!r}, argument `minval` and "
                             f"`maxval` must be both None or not None. Got `minval`={minval} "
                             f"and `maxval`={maxval}.")
        bounds = [np.asarray(convert_to_tensor(v, dtype=dtype)) for v in (minval, maxval)]
        for b, what in zip(bounds, ("minval", "maxval")):
            if b.ndim:
                raise errors.InvalidArgumentError(
                    f"{what} must be 0-D, got shape {list(b.shape)} [Op:{op}]")
        lo, hi = (int(b) for b in bounds)
        if lo >= hi:
            raise errors.InvalidArgumentError(
                f"Need minval < maxval, got {lo} >= {hi} [Op:{op}]")
        return _engine.wrap(gen.integers(lo, hi, size=dims, dtype=dtype.as_numpy_dtype))
    if minval is None:
        minval = 0
    if maxval is None:
        maxval = 1
    lo = minval if _is_python(minval, 0) else convert_to_tensor(minval, dtype=dtype)
    hi = maxval if _is_python(maxval, 1) else convert_to_tensor(maxval, dtype=dtype)
    rnd = _standard(gen.random, dims, dtype)
    rnd = np.minimum(rnd, np.nextafter(dtype.as_numpy_dtype(1), dtype.as_numpy_dtype(0)))
    scale = 1 if _is_python(lo, 0) and _is_python(hi, 1) else hi - lo
    return _affine(rnd, scale, lo, dtype)


def _truncated(gen, dims, lo=-2.0, hi=2.0):
    """Standard normal draws redrawn until inside [lo, hi] (float64)."""
    lo, hi = np.broadcast_to(lo, dims), np.broadcast_to(hi, dims)
    rnd = gen.standard_normal(dims)
    outside = (rnd < lo) | (rnd > hi)
    tries = 0
    while outside.any():
        tries += 1
        if tries > 1000:
            # an interval far in a tail: uniform inside it is what's left
            rnd[outside] = gen.uniform(lo[outside], hi[outside])
            break
        rnd[outside] = gen.standard_normal(int(outside.sum()))
        outside = (rnd < lo) | (rnd > hi)
    return rnd


@export("random")
def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None,
                      alg="auto_select"):
    """Uniform values in [minval, maxval), fixed by `seed` (a shape-[2] int tensor).

    Integer dtypes need both bounds, or neither for the dtype's full range.
    """
    dtype = _check_dtype(dtype, _UNIFORM_TYPES + (dtypes.uint32, dtypes.uint64))
    _alg(alg)
    gen = _stateless_generator(seed, "uniform")
    dims = _dims(shape, vector_only=True, what="shape")
    return _stateless_uniform_values(gen, dims, dtype, minval, maxval,
                                     "StatelessRandomUniformIntV2")


@export("random")
def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None,
                     alg="auto_select"):
    """Normal values `rnd * stddev + mean`, fixed by `seed`."""
    dtype = _check_moments(dtype, mean, stddev)
    _alg(alg)
    gen = _stateless_generator(seed, "normal")
    dims = _dims(shape, vector_only=True, what="shape")
    return _affine(_standard(gen.standard_normal, dims, dtype), stddev, mean, dtype)


@export("random")
def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None, alg="auto_select"):
    """Normal values within two standard deviations of the mean, fixed by `seed`."""
    dtype = _check_moments(dtype, mean, stddev)
    _alg(alg)
    gen = _stateless_generator(seed, "truncated_normal")
    dims = _dims(shape, vector_only=True, what="shape")
    return _affine(_truncated(gen, dims).astype(dtype.as_numpy_dtype), stddev, mean, dtype)


@export("random")
def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0,
                                             minvals=-2.0, maxvals=2.0, name=None):
    """Normal(means, stddevs) values truncated to [minvals, maxvals] (all broadcast
    against `shape`), fixed by `seed`. No gradient."""
    dims = _dims(shape, vector_only=True, what="shape")
    means_t = convert_to_tensor(means)
    dtype = means_t.dtype if means_t.dtype.is_floating else dtypes.float32
    params = [np.asarray(convert_to_tensor(v, dtype=dtype), dtype=np.float64)
              for v in (means, stddevs, minvals, maxvals)]
    try:
        mean, std, lo, hi = (np.broadcast_to(p, dims) for p in params)
    except ValueError:
        raise errors.InvalidArgumentError(
            "means, stddevs, minvals and maxvals must broadcast to shape "
            f"{list(dims)} [Op:StatelessParameterizedTruncatedNormal]") from None
    if np.any(hi <= lo):
        raise errors.InvalidArgumentError(
            "Invalid parameters: maxvals must be greater than minvals "
            "[Op:StatelessParameterizedTruncatedNormal]")
    gen = _stateless_generator(seed, "truncated_normal")
    std_safe = np.where(std > 0, std, 1.0)
    rnd = _truncated(gen, dims, (lo - mean) / std_safe, (hi - mean) / std_safe)
    return _engine.wrap((rnd * std_safe + mean).astype(dtype.as_numpy_dtype))


@export("random")
def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    """Class indices drawn from softmax(logits) per row, fixed by `seed`."""
    gen = _stateless_generator(seed, "categorical")
    return _categorical(logits, num_samples, dtype, lambda: gen)


def _binomial(gen, dims, counts, probs, dtype, op):
    dtype = _check_dtype(dtype, (dtypes.float16, dtypes.float32, dtypes.float64,
                                 dtypes.int32, dtypes.int64))
    n = np.asarray(convert_to_tensor(counts), dtype=np.float64)
    p = np.asarray(convert_to_tensor(probs), dtype=np.float64)
    try:
        n, p = np.broadcast_to(n, dims), np.broadcast_to(p, dims)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"counts and probs must broadcast to shape {list(dims)} [Op:{op}]") from None
    bad = np.isnan(p) | (p < 0) | (p > 1) | (n < 0)
    draws = gen.binomial(np.where(bad, 0, n).astype(np.int64), np.where(bad, 0.5, p))
    out = draws.astype(np.float64)
    out[bad] = np.nan
    if dtype.is_integer:
        out = np.where(bad, 0, out)
    return _engine.wrap(out.astype(dtype.as_numpy_dtype))


@export("random")
def stateless_binomial(shape, seed, counts, probs, output_dtype=dtypes.int32, name=None):
    """Binomial(counts, probs) draws (counts and probs broadcast against `shape`), fixed
    by `seed`."""
    dims = _dims(shape, vector_only=True, what="shape")
    return _binomial(_stateless_generator(seed, "binomial"), dims, counts, probs,
                     output_dtype, "StatelessRandomBinomial")


def _gamma_draws(gen, dims, alpha, beta, dtype, op, trailing):
    """Gamma(alpha, beta) of shape dims (+ alpha's and beta's broadcast shape when
    `trailing`), as rnd / beta recorded where beta is a tensor."""
    dtype = _check_dtype(dtype, _FLOAT_TYPES)
    alpha_t = convert_to_tensor(alpha, dtype=dtype)
    beta_t = None if beta is None else convert_to_tensor(beta, dtype=dtype)
    params = alpha_t.shape.as_list() if beta_t is None else list(
        np.broadcast_shapes(tuple(alpha_t.shape.as_list()), tuple(beta_t.shape.as_list())))
    if trailing:
        dims = tuple(dims) + tuple(params)
    elif list(dims[len(dims) - len(params):]) != params or len(params) > len(dims):
        raise errors.InvalidArgumentError(
            f"Shape passed in must end with broadcasted shape. [Op:{op}]")
    a = np.broadcast_to(np.asarray(alpha_t, dtype=np.float64), dims)
    with np.errstate(invalid="ignore"):
        rnd = gen.standard_gamma(np.where(a > 0, a, 1.0))
    rnd = np.where(a > 0, rnd, np.nan).astype(dtype.as_numpy_dtype)
    tiny = np.finfo(dtype.as_numpy_dtype).tiny
    rnd = np.maximum(rnd, tiny)
    if beta_t is None:
        return _engine.wrap(rnd)
    return ew.maximum(_engine.wrap(rnd) / beta_t, tiny)


@export("random")
def stateless_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32, name=None):
    """Gamma(alpha, beta) draws of `shape` (which must end with the parameters'
    broadcast shape), fixed by `seed`; differentiable with respect to a tensor beta."""
    dims = _dims(shape, vector_only=True, what="shape")
    return _gamma_draws(_stateless_generator(seed, "gamma"), dims, alpha, beta, dtype,
                        "StatelessRandomGammaV3", trailing=False)


@export("random")
def gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma(alpha, beta) draws of shape `shape + broadcast(alpha, beta).shape`."""
    dims = _dims(shape, vector_only=True, what="shape")
    return _gamma_draws(_SEEDS.generator(seed), dims, alpha, beta, dtype, "RandomGamma",
                        trailing=True)


def _poisson_draws(gen, dims, lam, dtype, op):
    dtype = _check_dtype(dtype, (dtypes.float16, dtypes.float32, dtypes.float64,
                                 dtypes.int32, dtypes.int64))
    rate = np.asarray(convert_to_tensor(lam), dtype=np.float64)
    rate = np.broadcast_to(rate, dims)
    bad = ~(rate >= 0)
    draws = gen.poisson(np.where(bad, 0.0, rate)).astype(np.float64)
    draws[bad] = np.nan
    if dtype.is_integer:
        draws = np.where(bad, 0, draws)
    return _engine.wrap(draws.astype(dtype.as_numpy_dtype))


@export("random")
def stateless_poisson(shape, seed, lam, dtype=dtypes.int32, name=None):
    """Poisson(lam) draws of `shape` (ending with lam's shape), fixed by `seed`."""
    dims = _dims(shape, vector_only=True, what="shape")
    rate_shape = convert_to_tensor(lam).shape.as_list()
    if len(rate_shape) > len(dims) or list(dims[len(dims) - len(rate_shape):]) != rate_shape:
        raise errors.InvalidArgumentError(
            "Shape passed in must end with broadcasted shape. [Op:StatelessRandomPoisson]")
    return _poisson_draws(_stateless_generator(seed, "poisson"), dims, lam, dtype,
                          "StatelessRandomPoisson")


@export("random")
def poisson(shape, lam, dtype=dtypes.float32, seed=None, name=None):
    """Poisson(lam) draws of shape `shape + lam.shape`."""
    dims = _dims(shape, vector_only=True, what="shape")
    dims = tuple(dims) + tuple(convert_to_tensor(lam).shape.as_list())
    return _poisson_draws(_SEEDS.generator(seed), dims, lam, dtype, "RandomPoissonV2")


@export("random.experimental", name="stateless_shuffle")
def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """`value` with its first dimension permuted, fixed by `seed`."""
    arr = np.asarray(convert_to_tensor(value))
    if arr.ndim == 0:
        return _engine.wrap(arr.copy())
    return _engine.wrap(arr[_stateless_generator(seed, "shuffle").permutation(arr.shape[0])])


def _new_seeds(seed, count, salt):
    """`count` fresh seed pairs derived from `seed` (and `salt`), in seed's dtype."""
    arr, key = _seed_pair(seed)
    gen = _philox(key, (salt & _U64, 0), _STREAMS["seeds"])
    info = np.iinfo(arr.dtype)
    return gen.integers(info.min, info.max, size=(count, 2), endpoint=True, dtype=arr.dtype)


@export("random")
def split(seed, num=2, alg="auto_select"):
    """`num` new seeds (a [num, 2] tensor) derived from `seed`."""
    _alg(alg)
    return _engine.wrap(_new_seeds(seed, int(num), 0))


export("random.experimental", name="stateless_split")(split)


@export("random")
def fold_in(seed, data, alg="auto_select"):
    """A new seed derived from `seed` and the integer `data` (different data, different
    seeds)."""
    _alg(alg)
    value = int(np.asarray(convert_to_tensor(data)))
    return _engine.wrap(_new_seeds(seed, 1, (value << 1) | 1)[0])


export("random.experimental", name="stateless_fold_in")(fold_in)


@export("random", "random.experimental")
def create_rng_state(seed, alg):
    """The int64 state a Generator of algorithm `alg` starts from for `seed`: [seed, 0,
    0] for Philox, [seed, 0] for ThreeFry (a list seed fills it from the right)."""
    size = 2 if _alg(alg) is Algorithm.THREEFRY else 3
    values = [int(v) for v in np.ravel(np.asarray(seed, dtype=object))]
    if len(values) > size:
        raise ValueError(f"The seed has {len(values)} elements; a state of algorithm "
                         f"{_alg(alg).name} has room for {size}")
    if len(values) == 1:
        state = values + [0] * (size - 1)
    else:
        state = [0] * (size - len(values)) + values
    return _engine.wrap(np.array([((v + (1 << 63)) & _U64) - (1 << 63) for v in state],
                                 dtype=np.int64))


# --- Generator -------------------------------------------------------------------------

@export("random", "random.experimental")
class Generator:
    """A random number generator whose state is an int64 variable [counter, 0, key]
    (Philox layout). Each draw reads the state and advances the counter, so a
    generator restored to a state (`reset`, `from_state`) repeats its draws.

    Create one with `Generator.from_seed(seed)`, `from_non_deterministic_state()`,
    `from_state(state, alg)`, `from_key_counter(key, counter, alg)`, or by copying
    another (`Generator(copy_from=g)`).
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            if state is not None or alg is not None:
                raise ValueError("When `copy_from` is not None, neither `state` nor `alg` "
                                 "may be given")
            self._alg = copy_from._alg
            state = np.asarray(copy_from.state)
        else:
            if state is None or alg is None:
                raise ValueError("`state` and `alg` must both be given when `copy_from` is "
                                 "None")
            self._alg = _alg(alg)
            state = np.asarray(convert_to_tensor(state), dtype=np.int64)
            size = 2 if self._alg is Algorithm.THREEFRY else 3
            if state.shape != (size,):
                raise ValueError(f"The state of algorithm {self._alg.name} must have shape "
                                 f"[{size}], got {list(state.shape)}")
        self._state = Variable(state.astype(np.int64), trainable=False, name="StateVar")

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose state is create_rng_state(seed, alg)."""
        alg = _alg(alg if alg is not None else Algorithm.PHILOX)
        if alg is Algorithm.AUTO_SELECT:
            alg = Algorithm.PHILOX
        return cls(state=create_rng_state(seed, alg), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) >> 1
        return cls.from_seed(seed, alg)

    @classmethod
    def from_state(cls, state, alg):
        """A generator starting at `state`."""
        return cls(state=state, alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        """A generator from a key (a scalar) and a counter (2 ints for Philox)."""
        counter = [int(c) for c in np.ravel(np.asarray(counter))]
        return cls(state=np.array(counter + [int(np.asarray(key))], dtype=np.int64),
                   alg=alg)

    @property
    def state(self):
        """The state variable (int64)."""
        return self._state

    @property
    def algorithm(self):
        """The algorithm's id (1 Philox, 2 ThreeFry)."""
        return self._alg.value

    @property
    def key(self):
        """The key: the last element of the state."""
        return _engine.wrap(np.asarray(self._state)[-1].copy())

    def reset(self, state):
        """Set the state."""
        self._state.assign(np.asarray(convert_to_tensor(state), dtype=np.int64))

    def reset_from_seed(self, seed):
        """Set the state to create_rng_state(seed, algorithm)."""
        self.reset(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key, counter):
        """Set the state from a key and a counter."""
        counter = [int(c) for c in np.ravel(np.asarray(counter))]
        self.reset(np.array(counter + [int(np.asarray(key))], dtype=np.int64))

    def skip(self, delta):
        """Advance the counter by `delta` draws."""
        state = np.array(self._state, dtype=np.int64)
        state[0] = np.int64(((int(state[0]) + int(delta) + (1 << 63)) & _U64) - (1 << 63))
        self._state.assign(state)

    def _next(self, kind):
        """A numpy Generator for the next draw; advances the state."""
        state = np.asarray(self._state)
        counter = ([int(c) & _U64 for c in state[:-1]] + [0])[:2]   # ThreeFry has one word
        key = (int(state[-1]) & _U64, self._alg.value)
        gen = _philox(key, counter, _STREAMS[kind])
        self.skip(1)
        return gen

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Normal values, as tf.random.normal."""
        dtype = _check_moments(dtype, mean, stddev)
        dims = _dims(shape, vector_only=True, what="shape")
        return _affine(_standard(self._next("normal").standard_normal, dims, dtype), stddev,
                       mean, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Normal values within two standard deviations, as tf.random.truncated_normal."""
        dtype = _check_moments(dtype, mean, stddev)
        dims = _dims(shape, vector_only=True, what="shape")
        rnd = _truncated(self._next("truncated_normal"), dims).astype(dtype.as_numpy_dtype)
        return _affine(rnd, stddev, mean, dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        """Uniform values in [minval, maxval); integer dtypes need maxval (or neither
        bound, for the full range)."""
        dtype = _check_dtype(dtype, _UNIFORM_TYPES + (dtypes.uint32, dtypes.uint64))
        dims = _dims(shape, vector_only=True, what="shape")
        if dtype.is_integer and maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        return _stateless_uniform_values(self._next("uniform"), dims, dtype, minval, maxval,
                                         "StatefulUniformInt")

    def uniform_full_int(self, shape, dtype=dtypes.uint64, name=None):
        """Integers over the whole range of `dtype`."""
        dtype = _check_dtype(dtype, (dtypes.int32, dtypes.int64, dtypes.uint32,
                                     dtypes.uint64))
        dims = _dims(shape, vector_only=True, what="shape")
        return _stateless_uniform_values(self._next("uniform"), dims, dtype, None, None,
                                         "StatefulUniformFullInt")

    def binomial(self, shape, counts, probs, dtype=dtypes.int32, name=None):
        """Binomial(counts, probs) draws."""
        dims = _dims(shape, vector_only=True, what="shape")
        return _binomial(self._next("binomial"), dims, counts, probs, dtype,
                         "StatefulRandomBinomial")

    def make_seeds(self, count=1):
        """A [2, count] int64 tensor of seeds for the stateless ops (one per column)."""
        gen = self._next("seeds")
        return _engine.wrap(gen.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max,
                                         size=(2, int(count)), endpoint=True, dtype=np.int64))

    def split(self, count=1):
        """`count` new independent generators; advances this one."""
        seeds = np.asarray(self.make_seeds(count))
        return [Generator(state=np.array([0, 0, seeds[0, i]], dtype=np.int64)
                          if self._alg is not Algorithm.THREEFRY
                          else np.array([0, seeds[0, i]], dtype=np.int64), alg=self._alg)
                for i in range(int(count))]


_GLOBAL = []


@export("random", "random.experimental")
def get_global_generator():
    """The global Generator, created from a nondeterministic state on first use."""
    if not _GLOBAL:
        _GLOBAL.append(Generator.from_non_deterministic_state())
    return _GLOBAL[0]


@export("random", "random.experimental")
def set_global_generator(generator):
    """Replace the global Generator."""
    if not isinstance(generator, Generator):
        raise TypeError(f"`generator` must be a tf.random.Generator, got {generator!r}")
    _GLOBAL[:] = [generator]


@export("random.experimental")
def index_shuffle(index, seed, max_index):
    """The position of `index` in a permutation of [0, max_index] fixed by `seed`
    (a shape-[3] seed, as TF)."""
    idx = np.asarray(convert_to_tensor(index))
    seed_arr = np.ravel(np.asarray(convert_to_tensor(seed)))
    if seed_arr.size != 3:
        raise errors.InvalidArgumentError(
            f"Seed must have shape [3] but got shape [{seed_arr.size}] [Op:RandomIndexShuffle]")
    top = int(np.asarray(max_index))
    key = (int(seed_arr[0]) & _U64, (int(seed_arr[1]) << 32 ^ int(seed_arr[2])) & _U64)
    perm = _philox(key, (0, 0), _STREAMS["shuffle"]).permutation(top + 1)
    return _engine.wrap(perm[idx].astype(idx.dtype))
