"""`fasttape.experimental` (TF's `tf.experimental`): the NumPy API, `numpy`."""

from fasttape.experimental import numpy  # noqa: F401

__all__ = ["numpy"]
