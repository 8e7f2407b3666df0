"""`tf.autodiff`: forward-mode accumulators and the gradient tape."""

from fasttape.forward import ForwardAccumulator
from fasttape.tape import GradientTape

__all__ = ["ForwardAccumulator", "GradientTape"]
