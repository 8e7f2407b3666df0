"""`tf.math`: the math ops under TF's second name (each family's MATH list)."""

from fasttape.ops import namespace

globals().update(namespace("MATH"))
del namespace
