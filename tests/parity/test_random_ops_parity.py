"""Parity with TensorFlow for fasttape/ops/random_ops.py. The drawn numbers differ from
TF's (Philox streams are not reproduced), so these compare what is specified: shapes,
dtypes, ranges, the state layout of Generator, and error classes."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402

SEED = [1, 2]

DRAWS = {
    "stateless-uniform": lambda tf: tf.random.stateless_uniform([3, 2], SEED),
    "stateless-uniform-int": lambda tf: tf.random.stateless_uniform(
        [4], SEED, minval=2, maxval=9, dtype=tf.int32),
    "stateless-uniform-full": lambda tf: tf.random.stateless_uniform(
        [4], SEED, minval=None, maxval=None, dtype=tf.int64),
    "stateless-normal": lambda tf: tf.random.stateless_normal([2, 3], SEED, dtype=tf.float64),
    "stateless-truncated": lambda tf: tf.random.stateless_truncated_normal([5], SEED,
                                                                           stddev=2.0),
    "stateless-categorical": lambda tf: tf.random.stateless_categorical(
        tf.math.log([[0.5, 0.5], [0.1, 0.9]]), 5, SEED),
    "stateless-binomial": lambda tf: tf.random.stateless_binomial(
        [2, 3], SEED, counts=[10.0, 20.0, 30.0], probs=0.5),
    "stateless-gamma": lambda tf: tf.random.stateless_gamma([2, 3], SEED, alpha=[1.0, 2.0, 3.0]),
    "stateless-poisson": lambda tf: tf.random.stateless_poisson([2, 3], SEED, lam=[1.0, 2.0, 3.0]),
    "stateless-truncated-param": lambda tf: tf.random.stateless_parameterized_truncated_normal(
        [4], SEED, means=1.0, stddevs=0.5, minvals=0.0, maxvals=1.2),
    "gamma": lambda tf: tf.random.gamma([2], [1.0, 2.0], seed=1),
    "poisson": lambda tf: tf.random.poisson([2], [1.0, 2.0], seed=1, dtype=tf.int64),
    "fold-in": lambda tf: tf.random.fold_in(SEED, 3),
    "split": lambda tf: tf.random.split(SEED, 3),
    "create-rng-state": lambda tf: tf.random.create_rng_state(1234, "philox"),
    "create-rng-state-threefry": lambda tf: tf.random.create_rng_state(1234, "threefry"),
    "generator-normal": lambda tf: tf.random.Generator.from_seed(1).normal([2, 2]),
    "generator-uniform-int": lambda tf: tf.random.Generator.from_seed(1).uniform(
        [3], maxval=5, dtype=tf.int32),
    "generator-full-int": lambda tf: tf.random.Generator.from_seed(1).uniform_full_int([2]),
    "generator-truncated": lambda tf: tf.random.Generator.from_seed(1).truncated_normal([3]),
    "generator-binomial": lambda tf: tf.random.Generator.from_seed(1).binomial([2], 5.0, 0.5),
    "generator-seeds": lambda tf: tf.random.Generator.from_seed(1).make_seeds(3),
    "generator-state": lambda tf: tf.random.Generator.from_seed(1234).state,
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_shapes_and_dtypes_match_tensorflow(name):
    ours, ref = DRAWS[name](fasttape), DRAWS[name](tensorflow)
    assert ours.dtype.name == ref.dtype.name
    assert tuple(ours.shape) == tuple(ref.shape)


def test_seed_layouts_match_tensorflow():
    for fn in (lambda tf: tf.random.create_rng_state(1234, "philox"),
               lambda tf: tf.random.create_rng_state([1, 2], "philox"),
               lambda tf: tf.random.Generator.from_seed(1234).state):
        np.testing.assert_array_equal(np.asarray(fn(fasttape)), fn(tensorflow).numpy())
    g, h = fasttape.random.Generator.from_seed(5), tensorflow.random.Generator.from_seed(5)
    assert g.algorithm == h.algorithm
    assert len(g.split(2)) == len(h.split(2))
    assert [a.value for a in fasttape.random.Algorithm] == [
        a.value for a in tensorflow.random.Algorithm]


ERRORS = {
    "seed-shape": lambda tf: tf.random.stateless_uniform([2], [1, 2, 3]),
    "seed-float": lambda tf: tf.random.stateless_uniform([2], [1.0, 2.0]),
    "int-one-bound": lambda tf: tf.random.stateless_uniform([2], SEED, dtype=tf.int32),
    "int-normal": lambda tf: tf.random.stateless_normal([2], SEED, dtype=tf.int32),
    "gamma-shape": lambda tf: tf.random.stateless_gamma([3, 2], SEED, alpha=[1.0, 2.0, 3.0]),
    "int-bounds": lambda tf: tf.random.stateless_uniform([2], SEED, minval=3, maxval=1,
                                                         dtype=tf.int32),
    "generator-int-no-maxval": lambda tf: tf.random.Generator.from_seed(1).uniform(
        [2], dtype=tf.int32),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
