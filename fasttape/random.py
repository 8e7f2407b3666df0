"""`tf.random`: seeded and stateless random tensors, and `Generator`."""

import types

from fasttape.ops import namespace

globals().update(namespace("RANDOM"))
experimental = types.ModuleType("fasttape.random.experimental",
                                "`tf.random.experimental`: Generator and stateless seeds.")
experimental.__dict__.update(namespace("RANDOM.EXPERIMENTAL"))
del namespace, types
