"""`IndexedSlices`: a sparse gradient, rows of a tensor at given indices along axis 0.

The gradient of `gather(params, indices)` (axis 0) w.r.t. params is one: the upstream
rows (`values`), the raw gathered indices with their duplicates (`indices`), and the
params shape (`dense_shape`). It stands for the dense tensor in which each row of
`values` is added at its index.

During a reverse sweep the engine keeps such a gradient as it is until it meets
another gradient of the same tensor, and calls back here:

* `combine(a, b, recorded)`: IndexedSlices + IndexedSlices stays sparse (the pieces
  are concatenated lazily, so a loop of n gathers costs O(n), not O(n^2), in the order
  TF's backward pass visits the ops that made them); with a dense
  gradient the sum is dense: an ndarray in the first-order sweep, a Tensor when an
  outer tape records (the densification is then a recorded op, so it differentiates).
* `densify(g, recorded)`: before a derivative rule runs on it.

A source whose gradient stayed sparse receives the IndexedSlices itself, as in TF.
Like TF's, it is not a Tensor: Python arithmetic operators other than unary minus
raise TypeError, while fasttape ops (`tf.multiply(g, 0.1)`, `tf.reduce_sum(g)`,
`var.assign_sub(g)`) take it through `convert_to_tensor`, which densifies it with
duplicates summed.
"""

import heapq
import operator
import types

import numpy as np

from fasttape._convert import convert_to_tensor
from fasttape.tensor_shape import TensorShape

__all__ = ["IndexedSlices", "combine", "densify"]

# The ops the slices are computed with (concat, reshape, negative, add,
# segment_sum_to_dense): the ops layer sits above this module and hands them over
# when it loads.
_ops = types.SimpleNamespace()


def install(**ops):
    """Called by fasttape.ops with the ops named above."""
    vars(_ops).update(ops)


class IndexedSlices:
    """A sparse representation of a set of tensor slices at given indices.

    Represents the dense tensor `dense` of shape `dense_shape` with
    `dense[indices[i]] += values[i]` for each i (duplicates add up).

    Args:
        values: A Tensor of shape [n] + dense_shape[1:] (or convertible).
        indices: A 1-D integer Tensor of n row indices into the first axis.
        dense_shape: Optional 1-D integer Tensor: the shape of the dense tensor. Without
            it the slices cannot be converted to a tensor.

    >>> import fasttape as tf
    >>> s = tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([1]), tf.constant([3, 2]))
    >>> print(tf.convert_to_tensor(s).numpy())
    [[0. 0.]
     [1. 2.]
     [0. 0.]]
    """

    # where a reverse sweep made this piece: its node's place in TF's backward visit
    _visit = 0

    def __init__(self, values, indices, dense_shape=None):
        self._parts = ((values, indices),)
        self._dense_shape = dense_shape

    @classmethod
    def _from_parts(cls, parts, dense_shape, visits=None):
        out = cls.__new__(cls)
        out._parts = parts
        out._dense_shape = dense_shape
        if visits is not None:
            out._visits = visits
        return out

    def _part_visits(self):
        return getattr(self, "_visits", None) or (self._visit,) * len(self._parts)

    def _merged(self):
        """Concatenate the pieces left by `combine` (once, on first access)."""
        if len(self._parts) > 1:
            concat, reshape = _ops.concat, _ops.reshape
            values, indices = [], []
            for v, i in self._parts:
                n = int(np.size(i))
                v = reshape(v, (n,) + tuple(v.shape)[np.ndim(i):])
                values.append(v)
                indices.append(reshape(i, (n,)))
            self._parts = ((concat(values, 0), concat(indices, 0)),)
        return self._parts[0]

    @property
    def values(self):
        """The rows: a Tensor of shape [n] + dense_shape[1:]."""
        return self._merged()[0]

    @property
    def indices(self):
        """The row of each value along the dense tensor's first axis (duplicates kept)."""
        return self._merged()[1]

    @property
    def dense_shape(self):
        """The dense tensor's shape, a 1-D int32 Tensor (or None when unknown)."""
        return self._dense_shape

    @property
    def dtype(self):
        """The dtype of the values."""
        return self._parts[0][0].dtype

    @property
    def shape(self):
        """The dense shape as a TensorShape (of unknown rank without dense_shape)."""
        if self._dense_shape is None:
            return TensorShape(None)
        return TensorShape([int(d) for d in np.asarray(self._dense_shape).reshape(-1)])

    @property
    def device(self):
        return self._parts[0][0].device

    def __neg__(self):
        return IndexedSlices._from_parts(tuple((_ops.negative(v), i) for v, i in self._parts),
                                         self._dense_shape, self._part_visits())

    def __str__(self):
        # !s: a Tensor's format() is numpy's, its str() is TF's
        text = f"IndexedSlices(indices={self.indices!s}, values={self.values!s}"
        if self._dense_shape is not None:
            text += f", dense_shape={self._dense_shape!s}"
        return text + ")"

    def _as_dense_tensor(self):
        """The dense Tensor (duplicates summed), as one recorded op on the values."""
        if self._dense_shape is None:
            raise ValueError("Tensor conversion requested for IndexedSlices for argument "
                             f"`value` without dense_shape: {self}")
        values, indices = self._merged()
        rows = int(np.asarray(self._dense_shape).reshape(-1)[0])
        return _ops.segment_sum_to_dense(convert_to_tensor(values), convert_to_tensor(indices), rows)


def _add_rows(out, sparse):
    """Add each piece of `sparse` into the ndarray `out`, in place."""
    for values, indices in sparse._parts:
        rows = np.asarray(indices).reshape(-1)
        np.add.at(out, rows, np.asarray(values).reshape(rows.shape + out.shape[1:]))
    return out


_first = operator.itemgetter(0)


def combine(a, b, recorded):
    """The sum of two gradients of one tensor, at least one of them IndexedSlices."""
    a_sparse, b_sparse = isinstance(a, IndexedSlices), isinstance(b, IndexedSlices)
    if a_sparse and b_sparse:
        # TF concatenates the pieces in the order its backward pass visits their ops
        # (first in, first out from the targets), which the sweep stamped on them
        pieces = list(heapq.merge(zip(b._part_visits(), b._parts),
                                  zip(a._part_visits(), a._parts), key=_first))
        return IndexedSlices._from_parts(tuple(p for _, p in pieces), a._dense_shape,
                                         tuple(v for v, _ in pieces))
    sparse, dense = (a, b) if a_sparse else (b, a)
    if recorded:
        return _ops.add(dense, sparse._as_dense_tensor())
    return _add_rows(np.array(dense, copy=True), sparse)


def densify(g, recorded):
    """An IndexedSlices gradient as a dense one: a Tensor (recorded) or an ndarray."""
    if recorded:
        return g._as_dense_tensor()
    values = np.asarray(g._parts[0][0])
    rows = np.asarray(g._parts[0][1])
    shape = tuple(int(d) for d in np.asarray(g._dense_shape).reshape(-1))
    out = np.zeros(shape[:1] + values.shape[rows.ndim:], dtype=values.dtype)
    return _add_rows(out, g)
