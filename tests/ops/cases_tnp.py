"""Gradcheck cases for the op declared in fasttape/experimental/numpy/_ops.py."""

import numpy as np

from fasttape import _engine
from fasttape.experimental.numpy import _ops
from tests.ops.gradcheck import Case

_KEY = (np.array([[0, 2], [2, 1]]), slice(None))      # repeated rows: gradients add up


CASES = [
    Case("_index", lambda x: _ops.index(x, _KEY), shapes=[(3, 2)]),
    Case("_index_add", lambda x: _engine.apply(_ops._index_add.op, (x,), (_KEY, (3, 2))),
         shapes=[(2, 2, 2)]),
]
