"""Gradcheck cases for the ops declared in fasttape/experimental/numpy/_ops.py."""

import numpy as np

from fasttape import _engine
from fasttape.experimental.numpy import _ops
from tests.ops.gradcheck import NONZERO, UNIT_OPEN, Case

_KEY = (np.array([[0, 2], [2, 1]]), slice(None))      # repeated rows: gradients add up


CASES = [
    Case("arcsin", _ops.arcsin, domain=UNIT_OPEN),
    Case("arccos", _ops.arccos, domain=UNIT_OPEN),
    Case("arctan", _ops.arctan),
    Case("sinh", _ops.sinh),
    Case("cosh", _ops.cosh),
    Case("arcsinh", _ops.arcsinh),
    Case("arccosh", _ops.arccosh, domain=(1.2, 3.0)),
    Case("arctanh", _ops.arctanh, domain=UNIT_OPEN),
    Case("arctan2", _ops.arctan2, n_in=2, domain=NONZERO),
    Case("_index", lambda x: _ops.index(x, _KEY), shapes=[(3, 2)]),
    Case("_index_add", lambda x: _engine.apply(_ops._index_add.op, (x,), (_KEY, (3, 2))),
         shapes=[(2, 2, 2)]),
]
