"""`tf.signal`: FFTs, windows, framing, STFT, DCT/MDCT and mel filterbanks."""

from fasttape.ops import namespace

globals().update(namespace("SIGNAL"))
del namespace
