"""`tf.nn`: activations and losses."""

from fasttape.ops.elementwise import relu, sigmoid, tanh  # noqa: F401
