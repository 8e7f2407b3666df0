"""The training pieces of Keras 3 for custom training loops (`tf.keras`): optimizers,
losses, activations, initializers, and a few Module-based layers. There is no
`fit`/`compile`."""

from fasttape.keras import activations, initializers, losses, optimizers  # noqa: F401
from fasttape.keras import layers  # noqa: F401
from fasttape.keras.layers import Sequential  # noqa: F401
