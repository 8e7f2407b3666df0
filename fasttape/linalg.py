"""`tf.linalg`: linear algebra."""

from fasttape.ops.linalg import matmul  # noqa: F401
