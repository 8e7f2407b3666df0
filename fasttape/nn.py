"""`tf.nn`: activations, losses, convolutions, pooling and normalisation."""

import types

from fasttape.ops import namespace

globals().update(namespace("NN"))
experimental = types.ModuleType("fasttape.nn.experimental",
                                "`tf.nn.experimental`: stateless dropout.")
experimental.__dict__.update(namespace("NN.EXPERIMENTAL"))
del namespace, types
