"""Hand-written numpy peer for the LSE objective (value and gradient).

    lse(x) = m + log(sum(exp(x - m))),  m = max(x);   d lse / dx = exp(x - lse(x))

Takes the dict from ``examples/adbench/lse.py``'s ``make_inputs``.
"""

import time

import numpy as np


def lse_objective(x):
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def lse_gradient(x):
    x = np.asarray(x, dtype=np.float64)
    value = lse_objective(x)
    return value, np.exp(x - value)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x = rng.standard_normal(10000) * 3.0 + 800.0  # same recipe as lse.make_inputs(n=10000, seed=0)
    lse_gradient(x)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        value, grad = lse_gradient(x)
        times.append(time.perf_counter() - start)
    print("numpy lse n=10000: value = %.15g  %.6f s (best of 5)" % (value, min(times)))
