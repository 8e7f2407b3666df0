"""`tnp.random`: NumPy-style random functions over fasttape's seeded generators.

Draws follow `fasttape.random`'s seeding model (`seed(s)` is `fasttape.random.set_seed`),
so a program repeats its draws after `seed`; the numbers differ from TF's.
"""

import numpy as np

from fasttape import _engine, dtypes
from fasttape.experimental.numpy._core import shape_tuple, to_tensor
from fasttape.experimental.numpy._dtypes import np_dtype
from fasttape.ops import creation

__all__ = ["seed", "randn", "standard_normal", "uniform", "random", "rand", "randint",
           "poisson"]


def seed(s):
    """Seed the random functions (`fasttape.random.set_seed`).

    Raises:
        ValueError: a value that is not an integer.
    """
    try:
        s = int(s)
    except TypeError:
        raise ValueError(f"Argument `s` got an invalid value {s}. Only integers are "
                         f"supported.") from None
    creation.set_seed(s)


def _size(size):
    if size is None:
        return ()
    return shape_tuple(size)


def standard_normal(size=None):
    """float64 draws from the standard normal distribution, of shape `size`."""
    return creation.normal(_size(size), dtype=dtypes.float64)


def randn(*args):
    """float64 standard normal draws of shape `args`."""
    return standard_normal(size=args)


def uniform(low=0.0, high=1.0, size=None):
    """float64 draws from [low, high), of shape `size` (default: low and high broadcast);
    differentiable with respect to tensor bounds."""
    lo = to_tensor(low, np.dtype(np.float64))
    hi = to_tensor(high, np.dtype(np.float64))
    if size is None:
        size = np.broadcast_shapes(tuple(lo.shape), tuple(hi.shape))
    return creation.uniform(_size(size), minval=lo, maxval=hi, dtype=dtypes.float64)


def random(size=None):
    """float64 draws from [0, 1)."""
    return uniform(0.0, 1.0, size)


def rand(*size):
    """float64 draws from [0, 1) of shape `size`."""
    return uniform(0.0, 1.0, size)


def randint(low, high=None, size=None, dtype=np.int64):
    """Integers drawn from [low, high) ([0, low) without high), of shape `size`.

    Raises:
        ValueError: a dtype other than int32 and int64.
    """
    low = int(low)
    if high is None:
        low, high = 0, low
    wanted = np_dtype(dtype)
    if wanted not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise ValueError(f"Argument `dtype` got an invalid value {dtype}. Only those "
                         f"convertible to (int32, int64) are supported.")
    return creation.uniform(_size(size), minval=low, maxval=int(high),
                            dtype=dtypes.as_dtype(wanted))


def poisson(lam=1.0, size=None):
    """int64 draws from the Poisson distribution with rate `lam`."""
    rate = np.asarray(to_tensor(lam, np.dtype(np.float64)))
    shape = _size(size) + rate.shape
    draws = creation._SEEDS.generator(None).poisson(rate, size=shape)
    return _engine.wrap(draws.astype(np.int64))
