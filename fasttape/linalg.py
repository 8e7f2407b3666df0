"""`tf.linalg`: linear algebra (published there by the declarations)."""

from fasttape.ops import namespace

globals().update(namespace("LINALG"))
del namespace
