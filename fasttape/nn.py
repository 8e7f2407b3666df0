"""`tf.nn`: activations and losses (each family's NN list)."""

from fasttape.ops import namespace

globals().update(namespace("NN"))
del namespace
