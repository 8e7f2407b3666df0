"""The training pieces of Keras 3 for custom training loops (`tf.keras`): optimizers,
losses, activations, initializers, and a few Module-based layers. There is no
`fit`/`compile`."""

from fasttape.keras import optimizers  # noqa: F401
