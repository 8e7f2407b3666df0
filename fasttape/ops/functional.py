"""Higher-order functions over the first axis: map_fn, scan, foldl and foldr.

Eagerly these are Python loops: `elems` (a tensor or a nest of tensors with one
leading length) is unstacked along axis 0, `fn` runs on each slice, and map_fn and
scan stack the results. Every step runs as ordinary recorded ops, so gradients, of
any order, flow through `fn` as through any other code. The graph-only arguments
(parallel_iterations, back_prop, swap_memory, infer_shape) are accepted and ignored.
"""

from fasttape import dtypes, errors, nest
from fasttape._convert import convert_to_tensor
from fasttape.ops._registry import export
from fasttape.ops.creation import zeros
from fasttape.ops.elementwise import cast
from fasttape.ops.shape import stack, unstack

__all__ = []


def _slices(elems, reverse=False):
    """[nest of the i-th slices] for i along axis 0 of every leaf of `elems`."""
    leaves = [convert_to_tensor(e) for e in nest.flatten(elems)]
    if not leaves:
        raise ValueError("elems must be a Tensor or (possibly nested) sequence of Tensors. "
                         "Got []")
    lengths = {int(t.shape[0]) if t.shape.rank else None for t in leaves}
    if None in lengths:
        raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    if len(lengths) != 1:
        raise ValueError(f"Arrays in elems must have the same size in the first dimension, "
                         f"got {sorted(lengths)}")
    n = lengths.pop()
    columns = [unstack(t) if n else [] for t in leaves]
    order = range(n - 1, -1, -1) if reverse else range(n)
    return [nest.pack_sequence_as(elems, [c[i] for c in columns]) for i in order], n


def _stack_steps(steps, reverse=False):
    """Stack a list of same-structured step results into one nest of tensors."""
    if reverse:
        steps = steps[::-1]
    flat = [[convert_to_tensor(v) for v in nest.flatten(s)] for s in steps]
    return nest.pack_sequence_as(steps[0], [stack(list(col)) for col in zip(*flat)])


@export("")
def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None, fn_output_signature=None):
    """fn applied to each slice of `elems` along axis 0, the results stacked.

    Without `fn_output_signature` (or the deprecated `dtype`) fn's results must have
    elems' structure and dtypes, as in TF.
    """
    signature = fn_output_signature if fn_output_signature is not None else dtype
    slices, n = _slices(elems)
    if n == 0:
        out_dtype = (signature if isinstance(signature, dtypes.DType) else
                     nest.flatten(elems)[0].dtype)
        return zeros([0], dtype=out_dtype)
    steps = []
    for piece in slices:
        result = fn(piece)
        nest.assert_same_structure(signature if signature is not None else elems, result)
        if signature is None:
            for got, want in zip(nest.flatten(result), nest.flatten(elems)):
                got = convert_to_tensor(got)
                if got.dtype != convert_to_tensor(want).dtype:
                    raise errors.InvalidArgumentError(
                        f"TensorArray dtype is {convert_to_tensor(want).dtype.name} but Op "
                        f"is trying to write dtype {got.dtype.name}")
        elif isinstance(signature, dtypes.DType):
            result = cast(result, signature)
        steps.append(result)
    return _stack_steps(steps)


def _fold(fn, elems, initializer, reverse, what):
    slices, n = _slices(elems, reverse)
    if initializer is None:
        if n == 0:
            raise errors.OutOfRangeError("Tried to read from index 0 but array size is: 0")
        acc, slices = slices[0], slices[1:]
    else:
        acc = initializer
    steps = [] if initializer is not None else [acc]
    for piece in slices:
        acc = fn(acc, piece)
        steps.append(acc)
    return acc, steps


@export("")
def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """The running accumulation acc = fn(acc, x) over the slices of `elems` (from the
    end with `reverse`), every intermediate acc stacked. Without an initializer the
    first slice starts the accumulation (and is the first output)."""
    _, steps = _fold(fn, elems, initializer, reverse, "scan")
    if not steps:
        return nest.map_structure(lambda t: zeros([0], dtype=convert_to_tensor(t).dtype),
                                  initializer)
    return _stack_steps(steps, reverse)


@export("")
def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """The accumulation acc = fn(acc, x) over the slices of `elems`, first to last;
    the first slice is the initial acc when no initializer is given."""
    return _fold(fn, elems, initializer, False, "foldl")[0]


@export("")
def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """foldl from the last slice to the first."""
    return _fold(fn, elems, initializer, True, "foldr")[0]
