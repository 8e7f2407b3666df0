"""`tf.bitwise`: bitwise and, or, xor, invert and shifts of integer tensors."""

from fasttape.ops import namespace

globals().update(namespace("BITWISE"))
del namespace
