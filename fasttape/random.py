"""`tf.random`: seeded random tensors (each family's RANDOM list)."""

from fasttape.ops import namespace

globals().update(namespace("RANDOM"))
del namespace
