"""`tf.linalg`: linear algebra (each family's LINALG list)."""

from fasttape.ops import namespace

globals().update(namespace("LINALG"))
del namespace
