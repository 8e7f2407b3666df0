"""Indexing ops: gather, gather_nd, boolean_mask, scatters, one_hot, embedding lookups;
and the Variable methods that write part of a variable.

Gradients follow TensorFlow. The gradient of `gather` along axis 0 (and of `gather_nd`
with indices of shape [n, 1]) w.r.t. its params is an `IndexedSlices`: the upstream
rows and the raw gathered indices, duplicates included; the engine keeps it sparse
until it meets another gradient of the same tensor (see fasttape/indexed_slices.py).
Other gathers scatter-add the upstream into zeros. Scatters are linear: their
gradients gather the upstream back, and `tensor_scatter_nd_update` gives no gradient
to the positions it overwrote. Index arguments never get gradients; `one_hot` has
none at all (as in TF).

Indices are checked on every call: negative or out-of-range ones raise
InvalidArgumentError, as TF does on CPU.

Most rules also take cotangents with leading axes of stacked rows (`batches=True`, for
vectorised jacobians); those give dense gradients, and gather-like ops treat the rows
as extra batch axes (`_rows_as_batch`).

Variables gain `scatter_update/add/sub/mul/div/max/min` (taking an IndexedSlices),
`scatter_nd_update/add/sub/max/min`, `sparse_read`, `gather_nd`, and a slice of a
variable (`v[1:3]`) gains `assign`. Writes never touch the arrays a tape may have
saved: they build a new array and assign it.
"""


import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, _TensorLike
from fasttape.indexed_slices import IndexedSlices, combine, densify  # noqa: F401 (engine hooks)
from fasttape.ops._registry import defop, export
from fasttape.ops.shape import _dims, _int_scalar, _lead, _reshape_to, concat, convert_list

_INDEX_DTYPES = (np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64))
_POLICIES = {"": "ERROR", "DEFAULT": "ERROR", "ERROR": "ERROR", "IGNORE": "IGNORE"}


# --- argument helpers ----------------------------------------------------------------

def _index_tensor(value, op, attr="Tindices", allowed=_INDEX_DTYPES):
    """An integer Tensor for an index argument; other dtypes are refused, as in TF."""
    t = _engine.read(value) if isinstance(value, _TensorLike) else convert_to_tensor(value)
    if t._value.dtype not in allowed:
        names = ", ".join(dtypes.from_numpy(d).name for d in allowed)
        raise errors.InvalidArgumentError(
            f"Value for attr '{attr}' of {t.dtype.name} is not in the list of allowed "
            f"values: {names} [Op:{op}]")
    return t


def _position(shape, flat):
    """The multi-index of element `flat` of an array of `shape`, as TF prints it."""
    return ",".join(str(int(i)) for i in np.unravel_index(flat, shape)) if shape else ""


def _check_range(indices, limit, op):
    """Raise TF's error for the first index outside [0, limit)."""
    bad = (indices < 0) | (indices >= limit)
    if bad.any():
        flat = int(np.flatnonzero(bad)[0])
        raise errors.InvalidArgumentError(
            f"indices[{_position(indices.shape, flat)}] = {indices.reshape(-1)[flat]} is not "
            f"in [0, {limit}) [Op:{op}]")


def _policy(bad_indices_policy):
    policy = _POLICIES.get(str(bad_indices_policy).upper())
    if policy is None:
        raise errors.InvalidArgumentError(
            f"Invalid bad_indices_policy {bad_indices_policy!r}: expected '', 'DEFAULT', "
            "'ERROR' or 'IGNORE'")
    return policy


def _rows_as_batch(indices, rows, batch_dims):
    """Indices repeated over `rows` leading axes, and the batch_dims that makes those
    axes batch axes (a stacked cotangent's rows each use the same indices)."""
    if not rows:
        return indices, batch_dims
    ind = np.asarray(indices)            # (a traced function guards on the values)
    return _engine.wrap(np.broadcast_to(ind, rows + ind.shape)), batch_dims + len(rows)


# --- gather --------------------------------------------------------------------------

def _batch_layout(shape, indices_shape, axis, batch_dims):
    """Shapes for the batched form: params as (nb, N, pre..., post...) and indices as
    (nb, I...), where nb flattens the batch axes and pre are the axes before `axis`."""
    nb = int(np.prod(shape[:batch_dims], dtype=np.int64))
    return nb, axis - batch_dims, len(indices_shape) - batch_dims


def _take(params, indices, axis, batch_dims):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    nb, n_pre, n_idx = _batch_layout(params.shape, indices.shape, axis, batch_dims)
    p = np.moveaxis(params.reshape((nb,) + params.shape[batch_dims:]), 1 + n_pre, 1)
    idx = indices.reshape((nb,) + indices.shape[batch_dims:])
    rows = np.arange(nb).reshape((nb,) + (1,) * n_idx)
    out = p[rows, idx]                                   # (nb, I..., pre..., post...)
    out = np.moveaxis(out, list(range(1, 1 + n_idx)), list(range(1 + n_pre, 1 + n_pre + n_idx)))
    return out.reshape(params.shape[:batch_dims] + out.shape[1:])


@defop(public=False, same_dtype=False, batches=True)
def _gather(params, indices, axis=0, batch_dims=0, sparse=False, params_shape=()):
    _check_range(indices, params.shape[axis], "GatherV2")
    return _take(params, indices, axis, batch_dims)


@_gather.defvjp
def _gather_vjp(g, indices, axis, batch_dims, sparse, params_shape):
    lead = _lead(g, len(params_shape) - 1 + indices._value.ndim - batch_dims)
    if lead:    # stacked rows (a vectorised jacobian): dense, the rows as extra leading axes
        rows = g._value.shape[:lead]
        ind, batch = _rows_as_batch(indices, rows, batch_dims) if batch_dims else (indices, 0)
        return _engine.apply(_gather_grad.op, (g, ind),
                             (axis + lead, batch, rows + params_shape)), None
    if sparse:
        # TF's axis-0 gradient: the upstream rows, at the raw (flattened) indices
        n = indices._value.size
        values = _reshape_to(g, (n,) + params_shape[1:])
        flat = _reshape_to(indices, (-1,))     # an op: traced functions replay it
        dense_shape = _engine.wrap(np.array(params_shape, dtype=np.int32))
        return IndexedSlices(values, flat, dense_shape), None
    return _engine.apply(_gather_grad.op, (g, indices), (axis, batch_dims, params_shape)), None


@defop(public=False, same_dtype=False, batches=True)
def _gather_grad(g, indices, axis=0, batch_dims=0, params_shape=()):
    # the adjoint of _take: add each upstream slice into the row it was taken from
    out = np.zeros(params_shape, dtype=g.dtype)
    nb, n_pre, n_idx = _batch_layout(params_shape, indices.shape, axis, batch_dims)
    view = np.moveaxis(out.reshape((nb,) + params_shape[batch_dims:]), 1 + n_pre, 1)
    up = g.reshape((nb,) + g.shape[batch_dims:])         # (nb, pre..., I..., post...)
    up = np.moveaxis(up, list(range(1 + n_pre, 1 + n_pre + n_idx)), list(range(1, 1 + n_idx)))
    idx = indices.reshape((nb,) + indices.shape[batch_dims:])
    rows = np.arange(nb).reshape((nb,) + (1,) * n_idx)
    np.add.at(view, (rows, idx), up)
    return out


@_gather_grad.defvjp
def _gather_grad_vjp(g, indices, axis, batch_dims, params_shape):
    lead = _lead(g, len(params_shape))
    rows = g._value.shape[:lead]
    ind, batch = _rows_as_batch(indices, rows, batch_dims) if batch_dims else (indices, 0)
    return _engine.apply(_gather.op, (g, ind),
                         (axis + lead, batch, False, rows + params_shape)), None


@export("")
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` along `axis` at `indices`.

    Args:
        params: A tensor, Variable, numpy array or list, of rank >= 1.
        indices: Integer indices (int16/int32/int64), any shape; each in
            [0, params.shape[axis]).
        validate_indices: Ignored (indices are always checked).
        axis: The axis to gather from (default `batch_dims`); negative counts from the
            end.
        batch_dims: Leading axes shared by params and indices (negative counts from the
            end of indices).

    Returns:
        A tensor of shape params.shape[:axis] + indices.shape[batch_dims:] +
        params.shape[axis + 1:].

    Raises:
        InvalidArgumentError: indices out of range or not integers, or axis/batch_dims
            out of range or mismatched batch shapes.

    The gradient w.r.t. params is an IndexedSlices when `axis` is 0 (as passed; TF
    decides on the value given, so axis=-rank gives a dense gradient), else dense.
    """
    p = _engine.read(params) if isinstance(params, _TensorLike) else convert_to_tensor(params)
    idx = _index_tensor(indices, "GatherV2")
    shape, ishape = p._value.shape, idx._value.shape
    rank, irank = len(shape), len(ishape)
    b = _int_scalar(batch_dims, "batch_dims")
    # TF defaults the axis to batch_dims as passed, before a negative one is resolved
    given = b if axis is None else _int_scalar(axis, "axis")
    if b < 0:
        b += irank
    if rank == 0:
        raise errors.InvalidArgumentError("params must be at least 1 dimensional [Op:GatherV2]")
    if not -rank <= given < rank:
        need = given + 1 if given >= 0 else -given
        raise errors.InvalidArgumentError(
            f"Shape must be at least rank {need} but is rank {rank} [Op:GatherV2]")
    a = given % rank
    if not 0 <= b <= irank:
        raise errors.InvalidArgumentError(
            f"Expected batch_dims in the range [{-irank}, {irank}], but got "
            f"{batch_dims} [Op:GatherV2]")
    if b >= rank:
        raise errors.InvalidArgumentError(
            f"batch_dims ({b}) must be less than rank(params) ({rank}). [Op:GatherV2]")
    if b > a:
        raise errors.InvalidArgumentError(
            f"batch_dims ({b}) must be less than or equal to axis ({a}). [Op:GatherV2]")
    for i in range(b):
        if shape[i] != ishape[i]:
            raise errors.InvalidArgumentError(
                f"params.shape[{i}]: {shape[i]} should be equal to indices.shape[{i}]: "
                f"{ishape[i]} [Op:GatherV2]")
    return _engine.apply(_gather.op, (p, idx), (a, b, given == 0, shape))


# --- gather_nd and scatter_nd --------------------------------------------------------

def _nd_layout(shape, indices, batch_dims, op, policy):
    """Locate the slices `indices` (shape B + I + [K]) address in an array of `shape`
    (B + ...): (nb, number of index rows, index tuple into (nb,) + shape[b:],
    mask of valid rows or None)."""
    b = batch_dims
    k = indices.shape[-1]
    nb = int(np.prod(shape[:b], dtype=np.int64))
    n = int(np.prod(indices.shape[b:-1], dtype=np.int64))
    rows = indices.reshape(nb, n, k)
    limits = np.array(shape[b:b + k], dtype=np.int64)
    bad = ((rows < 0) | (rows >= limits)).any(axis=-1)
    valid = None
    if bad.any():
        if policy != "IGNORE":
            where = int(np.flatnonzero(bad)[0])
            index = ", ".join(str(int(i)) for i in rows.reshape(-1, k)[where])
            raise errors.InvalidArgumentError(
                f"indices[{where}] = [{index}] does not index into param shape "
                f"{_dims(shape)} [Op:{op}]")
        valid = ~bad
        rows = np.where(bad[..., None], 0, rows)
    batch = np.broadcast_to(np.arange(nb)[:, None], (nb, n))
    return nb, n, (batch,) + tuple(rows[..., j] for j in range(k)), valid


def _gather_nd_array(params, indices, batch_dims, op="GatherNd", policy="ERROR"):
    b = batch_dims
    k = indices.shape[-1]
    nb, n, where, valid = _nd_layout(params.shape, indices, b, op, policy)
    out = params.reshape((nb,) + params.shape[b:])[where]      # (nb, n, rest...)
    if valid is not None:
        out = np.where(valid.reshape(valid.shape + (1,) * (out.ndim - 2)), out, 0)
    return out.reshape(indices.shape[:-1] + params.shape[b + k:])


def _scatter_nd_array(base, indices, updates, mode, batch_dims=0, op="ScatterNd",
                      policy="ERROR"):
    """A copy of `base` with `updates` written at `indices` (update/add/sub/max/min)."""
    b = batch_dims
    shape = base.shape
    k = indices.shape[-1]
    want = indices.shape[:-1] + shape[b + k:]
    if updates.shape != want:
        raise errors.InvalidArgumentError(
            f"The outer {indices.ndim - 1} dimensions of indices.shape="
            f"{_dims(indices.shape)} must match the outer {indices.ndim - 1} dimensions of "
            f"updates.shape={_dims(updates.shape)}, and the inner dimensions of updates "
            f"must be {_dims(shape[b + k:])} [Op:{op}]")
    nb, n, where, valid = _nd_layout(shape, indices, b, op, policy)
    out = np.array(base, copy=True)
    view = out.reshape((nb,) + shape[b:])
    ups = updates.reshape((nb, n) + shape[b + k:])
    if valid is not None:
        where = tuple(w[valid] for w in where)
        ups = ups[valid]
    if mode == "update":
        view[where] = ups                   # with duplicates the last one wins, as in TF
    else:
        ufunc = {"add": np.add, "sub": np.subtract, "max": np.maximum, "min": np.minimum}[mode]
        ufunc.at(view, where, ups)
    return out


@defop(public=False, same_dtype=False, batches=True)
def _gather_nd(params, indices, batch_dims=0, policy="ERROR", params_shape=()):
    return _gather_nd_array(params, indices, batch_dims, policy=policy)


@_gather_nd.defvjp
def _gather_nd_vjp(g, indices, batch_dims, policy, params_shape):
    ind = indices._value
    rows = g._value.shape[:_lead(g, ind.ndim - 1 + len(params_shape) - batch_dims
                                 - ind.shape[-1])]
    if not rows and ind.ndim == 2 and ind.shape[1] == 1 and batch_dims == 0 \
            and policy == "ERROR":
        # TF's sparse case: whole rows of params, one per index
        flat = _reshape_to(indices, (-1,))     # an op: traced functions replay it
        return IndexedSlices(g, flat, _engine.wrap(np.array(params_shape, dtype=ind.dtype))), None
    ind, batch = _rows_as_batch(indices, rows, batch_dims)
    return _engine.apply(_scatter_nd.op, (g, ind), (rows + params_shape, batch, policy)), None


@defop(public=False, same_dtype=False, batches=True)
def _scatter_nd(updates, indices, shape=(), batch_dims=0, policy="ERROR"):
    zeros = np.zeros(shape, dtype=updates.dtype)
    return _scatter_nd_array(zeros, indices, updates, "add", batch_dims, policy=policy)


@_scatter_nd.defvjp
def _scatter_nd_vjp(g, indices, shape, batch_dims, policy):
    rows = g._value.shape[:_lead(g, len(shape))]
    ind, batch = _rows_as_batch(indices, rows, batch_dims)
    return _engine.apply(_gather_nd.op, (g, ind), (batch, policy, rows + shape)), None


def _check_nd_indices(shape, ind, batch_dims, op):
    if ind.ndim == 0:
        raise errors.InvalidArgumentError(f"indices must be at least a vector [Op:{op}]")
    k = ind.shape[-1]
    if k > len(shape) - batch_dims:
        raise errors.InvalidArgumentError(
            f"index innermost dimension length must be <= params rank; saw: {k} vs. "
            f"{len(shape) - batch_dims} [Op:{op}]")


@export("")
def gather_nd(params, indices, batch_dims=0, name=None, bad_indices_policy=""):
    """Slices of `params` addressed by the last axis of `indices`.

    Args:
        params: A tensor (or Variable, array, list).
        indices: Integers of shape B + I + [K]: each row of K indexes the first K axes
            after the batch axes.
        batch_dims: Leading axes shared by params and indices (>= 0).
        bad_indices_policy: "" / "DEFAULT" / "ERROR" raise on out-of-range rows;
            "IGNORE" gives zeros for them.

    Returns:
        A tensor of shape B + I + params.shape[batch_dims + K:].

    Raises:
        ValueError: negative batch_dims, or batch_dims >= rank(indices).
        InvalidArgumentError: indices out of range, too long, or not integers.
    """
    p = _engine.read(params) if isinstance(params, _TensorLike) else convert_to_tensor(params)
    idx = _index_tensor(indices, "GatherNd")
    b = _int_scalar(batch_dims, "batch_dims")
    ind = idx._value
    shape = p._value.shape
    if b < 0:
        raise ValueError("tf.gather_nd does not allow negative batch_dims.")
    if b and b >= ind.ndim:
        raise ValueError(f"Argument `batch_dims` = {b} must be less than rank(`indices`) = "
                         f"{ind.ndim}")
    _check_nd_indices(shape, ind, b, "GatherNd")
    if shape[:b] != ind.shape[:b]:
        raise errors.InvalidArgumentError(
            f"Batch dimensions of params {_dims(shape[:b])} and indices "
            f"{_dims(ind.shape[:b])} must match [Op:GatherNd]")
    return _engine.apply(_gather_nd.op, (p, idx), (b, _policy(bad_indices_policy), shape))


@export("")
def scatter_nd(indices, updates, shape, bad_indices_policy="", name=None):
    """A tensor of `shape`, zero except for `updates` summed in at `indices`.

    The gradient w.r.t. updates gathers the upstream at `indices` (`gather_nd`).
    """
    upd = convert_to_tensor(updates)
    idx = _index_tensor(indices, "ScatterNd")
    dims = tuple(int(d) for d in np.asarray(shape).reshape(-1))
    _check_nd_indices(dims, idx._value, 0, "ScatterNd")
    return _engine.apply(_scatter_nd.op, (upd, idx), (dims, 0, _policy(bad_indices_policy)))


# --- tensor_scatter_nd_* ----------------------------------------------------------------

_SCATTER_OPS = {"update": "TensorScatterUpdate", "add": "TensorScatterAdd",
                "sub": "TensorScatterSub"}


@defop(public=False, same_dtype=False, batches=True)
def _tensor_scatter(tensor, indices, updates, mode="update", policy="ERROR", rank=0):
    return _scatter_nd_array(tensor, indices, updates, mode, op=_SCATTER_OPS[mode],
                             policy=policy)


@_tensor_scatter.defvjp
def _tensor_scatter_vjp(g, indices, mode, policy, rank, needs):
    # update: the overwritten positions of `tensor` get no gradient; the updates get
    # the upstream at their positions (each duplicate too, as in TF)
    from fasttape.ops.elementwise import where, zeros_like

    shape = g._value.shape
    lead = _lead(g, rank)
    g_tensor = g_updates = None
    if needs[0]:
        g_tensor = g
        if mode == "update":
            # a constant mask, false where updates were written (broadcast over any rows)
            ind = np.asarray(indices)    # (a traced function guards on the values)
            inner = shape[lead:]
            written = np.zeros(ind.shape[:-1] + inner[ind.shape[-1]:], dtype=bool)
            kept = _scatter_nd_array(np.ones(inner, dtype=bool), ind, written, "update",
                                     policy=policy)
            g_tensor = where(_engine.wrap(kept), g, zeros_like(g))
    if needs[2]:
        ind, batch = _rows_as_batch(indices, shape[:lead], 0)
        g_updates = _engine.apply(_gather_nd.op, (g, ind), (batch, policy, shape))
        if mode == "sub":
            g_updates = -g_updates
    return g_tensor, None, g_updates


def _tensor_scatter_public(tensor, indices, updates, mode, bad_indices_policy):
    op = _SCATTER_OPS[mode]
    t, upd = convert_list((tensor, updates))
    if upd.dtype != t.dtype:
        raise errors.InvalidArgumentError(
            f"cannot compute {op} as input #2(zero-based) was expected to be a "
            f"{t.dtype.name} tensor but is a {upd.dtype.name} tensor [Op:{op}]")
    idx = _index_tensor(indices, op)
    if upd._value.ndim == 0:
        raise errors.InvalidArgumentError(
            f"Updates shape must have rank at least one. Found:[] [Op:{op}]")
    _check_nd_indices(t._value.shape, idx._value, 0, op)
    return _engine.apply(_tensor_scatter.op, (t, idx, upd),
                         (mode, _policy(bad_indices_policy), t._value.ndim))


@export("")
def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of `tensor` with `updates` written at `indices` (last write wins).

    Args:
        tensor: The tensor to copy.
        indices: Integers of shape I + [K], each row indexing the first K axes.
        updates: Values of shape I + tensor.shape[K:], of tensor's dtype.

    Raises:
        InvalidArgumentError: out-of-range indices, mismatched shapes or dtypes.

    Gradients: `tensor` gets the upstream except at the written positions (0 there);
    `updates` get the upstream gathered at `indices`.
    """
    return _tensor_scatter_public(tensor, indices, updates, "update", "")


@export("")
def tensor_scatter_nd_add(tensor, indices, updates, bad_indices_policy="", name=None):
    """A copy of `tensor` with `updates` added at `indices` (duplicates add up).

    Gradients: `tensor` gets the upstream; `updates` get it gathered at `indices`.
    """
    return _tensor_scatter_public(tensor, indices, updates, "add", bad_indices_policy)


@export("")
def tensor_scatter_nd_sub(tensor, indices, updates, bad_indices_policy="", name=None):
    """A copy of `tensor` with `updates` subtracted at `indices` (duplicates add up)."""
    return _tensor_scatter_public(tensor, indices, updates, "sub", bad_indices_policy)


# --- boolean_mask ------------------------------------------------------------------------

@defop(public=False, batches=True)
def _boolean_mask(tensor, mask=None, axis=0, in_shape=()):
    return tensor[(slice(None),) * axis + (mask,)]


@_boolean_mask.defvjp
def _boolean_mask_vjp(g, mask, axis, in_shape):
    lead = _lead(g, len(in_shape) - mask.ndim + 1)
    return _engine.apply(_boolean_unmask.op, (g,),
                         (mask, axis + lead, g._value.shape[:lead] + in_shape))


@defop(public=False, batches=True)
def _boolean_unmask(g, mask=None, axis=0, in_shape=()):
    out = np.zeros(in_shape, dtype=g.dtype)
    out[(slice(None),) * axis + (mask,)] = g
    return out


@_boolean_unmask.defvjp
def _boolean_unmask_vjp(g, mask, axis, in_shape):
    lead = _lead(g, len(in_shape))
    return _engine.apply(_boolean_mask.op, (g,), (mask, axis + lead, g._value.shape))


@export("")
def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The elements (or slices) of `tensor` where `mask` is true, in row-major order.

    Args:
        tensor: A tensor of rank >= axis + rank(mask).
        mask: Booleans (nonzero numbers count as true) whose shape equals
            tensor.shape[axis:axis + rank(mask)].
        axis: Where the masked axes start (default 0).

    Returns:
        A tensor of shape tensor.shape[:axis] + [count] + tensor.shape[axis + rank(mask):].

    Raises:
        ValueError: a scalar mask, or a mask shape that does not match.

    The gradient scatters the upstream back into zeros (dense, as in TF).
    """
    x = _engine.read(tensor) if isinstance(tensor, _TensorLike) else convert_to_tensor(tensor)
    m = np.asarray(mask)
    if m.dtype.kind not in "biuf":
        raise TypeError(f"boolean_mask: cannot use a {m.dtype} mask")
    m = m.astype(bool)
    if m.ndim == 0:
        raise ValueError("mask cannot be scalar.")
    shape = x._value.shape
    a = 0 if axis is None else _int_scalar(axis, "axis")
    if a < 0:
        a += len(shape)
    part = shape[a:a + m.ndim]
    if part != m.shape:
        from fasttape.tensor_shape import TensorShape
        raise ValueError(f"Shapes {TensorShape(part)} and {TensorShape(m.shape)} are "
                         "incompatible")
    m.flags.writeable = False
    return _engine.apply(_boolean_mask.op, (x,), (m, a, shape))


# --- one_hot --------------------------------------------------------------------------

@export("")
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors: `on_value` at each index along a new axis of size `depth`,
    `off_value` elsewhere (also for negative or too large indices).

    Args:
        indices: Integers (uint8, int8, int32, int64).
        depth: The size of the new axis (>= 0).
        on_value, off_value: Scalars, 1 and 0 by default; they set the dtype when
            `dtype` is None (float32 when neither is given).
        axis: Where the new axis goes: -1 (last, the default) or in [0, rank].
        dtype: The result's dtype.

    Raises:
        TypeError: on_value, off_value and dtype disagree.
        InvalidArgumentError: bad indices dtype, negative depth, axis out of range.

    There is no gradient (TF has none, not even for on_value/off_value).
    """
    idx = _index_tensor(indices, "OneHot", "TI", (np.dtype(np.uint8), np.dtype(np.int8),
                                                  np.dtype(np.int32), np.dtype(np.int64)))
    depth = _int_scalar(depth, "depth")
    if depth < 0:
        raise errors.InvalidArgumentError(f"depth must be non-negative, got: {depth} "
                                          "[Op:OneHot]")
    want = None if dtype is None else dtypes.as_dtype(dtype)
    on = None if on_value is None else convert_to_tensor(on_value, dtype_hint=want)
    off = None if off_value is None else convert_to_tensor(off_value, dtype_hint=want)
    if want is not None:
        for value, what in ((on, "on_value"), (off, "off_value")):
            if value is not None and value.dtype != want:
                raise TypeError(f"dtype {value.dtype} of {what} does not match dtype "
                                f"parameter {want}")
    elif on is not None or off is not None:
        want = (on if on is not None else off).dtype
    if on is not None and off is not None and on.dtype != off.dtype:
        raise TypeError(f"dtype {on.dtype} of on_value does not match dtype {off.dtype} of "
                        "off_value")
    want = want or dtypes.float32
    on = convert_to_tensor(1, dtype=want) if on is None else on
    off = convert_to_tensor(0, dtype=want) if off is None else off
    ind = idx._value
    _engine.untraceable()                # computed from the indices' values, not an op
    a = -1 if axis is None else _int_scalar(axis, "axis")
    if a != -1 and not 0 <= a <= ind.ndim:
        raise errors.InvalidArgumentError(
            f"Expected axis to be -1 or between [0, {ind.ndim + 1}).  But received: {a} "
            "[Op:OneHot]")
    hot = ind[..., None].astype(np.int64) == np.arange(depth)
    out = np.where(hot, on._value, off._value).astype(want.as_numpy_dtype)
    if a != -1:
        out = np.moveaxis(out, -1, a)
    return _engine.wrap(np.ascontiguousarray(out))


# --- unsorted segment sum: IndexedSlices -> dense -------------------------------------------

@defop(public=False, same_dtype=False)
def _segment_sum(data, segment_ids, num_segments=0):
    if data.shape[:segment_ids.ndim] != segment_ids.shape:
        raise errors.InvalidArgumentError(
            f"data.shape = {_dims(data.shape)} does not start with segment_ids.shape = "
            f"{_dims(segment_ids.shape)} [Op:UnsortedSegmentSum]")
    ids = segment_ids.reshape(-1)
    rows = data.reshape(ids.shape + data.shape[segment_ids.ndim:])
    high = ids >= num_segments
    if high.any():
        at = int(np.flatnonzero(high)[0])
        raise errors.InvalidArgumentError(
            f"segment_ids[{at}] = {ids[at]} is out of range [0, {num_segments}) "
            "[Op:UnsortedSegmentSum]")
    out = np.zeros((num_segments,) + rows.shape[1:], dtype=data.dtype)
    keep = ids >= 0                         # negative ids are dropped, as in TF
    if keep.all():
        np.add.at(out, ids, rows)
    else:
        np.add.at(out, ids[keep], rows[keep])
    return out


@_segment_sum.defvjp
def _segment_sum_vjp(g, segment_ids, num_segments):
    return _engine.apply(_take_rows.op, (g, segment_ids), (num_segments,)), None


@defop(public=False, same_dtype=False)
def _take_rows(data, ids, num_rows=0):
    # rows of `data` at `ids`, zeros where an id is negative (the segment sum's adjoint)
    out = data[np.maximum(ids, 0)]
    if (ids < 0).any():
        out = np.where((ids >= 0).reshape(ids.shape + (1,) * (data.ndim - 1)), out, 0)
    return out


@_take_rows.defvjp
def _take_rows_vjp(g, ids, num_rows):
    return _engine.apply(_segment_sum.op, (g, ids), (num_rows,)), None


def segment_sum_to_dense(values, indices, num_segments):
    """Sum `values` rows into `num_segments` rows at `indices` (a recorded op)."""
    return _engine.apply(_segment_sum.op, (values, indices), (int(num_segments),))


# --- embedding_lookup ------------------------------------------------------------------

@export("nn")
def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of an embedding table (or of a list of shards) at `ids`.

    Args:
        params: A tensor or Variable, or a list of them: the shards of one table split
            along axis 0 by TF's "div" strategy (the first shards one row longer).
        ids: Integer ids, any shape.
        max_norm: If given, each looked-up embedding with a larger l2 norm is scaled
            down to it.

    Returns:
        A tensor of shape ids.shape + params.shape[1:].

    Raises:
        ValueError: an empty list of params.
        InvalidArgumentError: ids out of range.

    The gradient w.r.t. each params tensor is an IndexedSlices (as for `gather`).
    """
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Length of params is currently 0. Need at least one param.")
        shards = list(params)
    else:
        shards = [params]
    if len(shards) == 1:
        out = gather(shards[0], ids)
    else:
        out = _sharded_lookup(shards, ids)
    return out if max_norm is None else _clip_rows(out, _index_tensor(ids, "GatherV2"),
                                                   max_norm)


def _sharded_lookup(shards, ids):
    shards = [_engine.read(s) if isinstance(s, _TensorLike) else convert_to_tensor(s)
              for s in shards]
    idx = _index_tensor(ids, "GatherV2")
    _engine.untraceable()               # the split of the ids among shards is computed here
    flat = idx._value.reshape(-1).astype(np.int64)
    count = len(shards)
    total = sum(s._value.shape[0] for s in shards)
    per, extras = divmod(total, count)
    if per == 0:
        raise errors.InvalidArgumentError("Integer division by zero [Op:FloorDiv]")
    owner = np.maximum(flat // (per + 1), (flat - extras) // per)
    local = np.where(owner < extras, flat % (per + 1), (flat - extras) % per)
    pieces, order = [], []
    for k, shard in enumerate(shards):
        mine = np.flatnonzero(owner == k)
        if mine.size:
            pieces.append(gather(shard, local[mine].astype(idx._value.dtype)))
            order.append(mine)
    if not pieces:
        row = shards[0]._value.shape[1:]
        return _engine.wrap(np.zeros(idx._value.shape + row, shards[0]._value.dtype))
    # stitch the shards' rows back into the order of the ids
    where = np.empty(flat.size, dtype=np.int64)
    where[np.concatenate(order)] = np.arange(flat.size)
    rows = gather(concat(pieces, 0), where)
    return _reshape_to(rows, idx._value.shape + rows._value.shape[1:])


def _clip_rows(x, ids, max_norm):
    """x scaled down, over each embedding's own axes, to an l2 norm of at most max_norm
    (TF's clip_by_norm, including its safe handling of zero rows)."""
    from fasttape.ops.elementwise import greater, maximum, ones_like, sqrt, where
    from fasttape.ops.reductions import reduce_sum

    if np.isscalar(max_norm):
        clip = convert_to_tensor(max(max_norm, 0), dtype=x.dtype)
    else:
        clip = maximum(convert_to_tensor(max_norm, dtype=x.dtype), 0)
    axes = list(range(ids._value.ndim, x._value.ndim))
    sq = reduce_sum(x * x, axis=axes, keepdims=True)
    nonzero = greater(sq, 0)
    norm = where(nonzero, sqrt(where(nonzero, sq, ones_like(sq))), sq)
    return x * clip / maximum(norm, clip)


# --- writing part of a variable ----------------------------------------------------------

_SCATTER_UFUNCS = {
    "update": None, "add": np.add, "sub": np.subtract, "mul": np.multiply,
    "div": np.divide, "max": np.maximum, "min": np.minimum,
}


def _truncating_divide(a, b):
    # integer scatter_div truncates towards zero, as C++ division does
    q = np.abs(a) // np.abs(b)
    return np.where((a < 0) != (b < 0), -q, q).astype(a.dtype)


def _scatter_rows(var, sparse_delta, how):
    """var.scatter_<how>(IndexedSlices): write rows of the variable (axis 0)."""
    op = f"ResourceScatter{how.capitalize()}"
    if not isinstance(sparse_delta, IndexedSlices):
        raise TypeError(f"Argument `sparse_delta` must be a `tf.IndexedSlices`. Received "
                        f"arg: {sparse_delta}")
    current = np.asarray(var)
    # read through the value hook: a traced function guards on what is written
    updates = np.asarray(convert_to_tensor(sparse_delta.values, dtype=var.dtype))
    indices = np.asarray(_index_tensor(sparse_delta.indices, op))
    if current.ndim == 0:
        raise errors.InvalidArgumentError(f"params must be at least 1-D [Op:{op}]")
    if updates.ndim and updates.shape != indices.shape + current.shape[1:]:
        raise errors.InvalidArgumentError(
            f"Must have updates.shape = indices.shape + params.shape[1:] or updates.shape = "
            f"[], got updates.shape {_dims(updates.shape)}, indices.shape "
            f"{_dims(indices.shape)}, params.shape {_dims(current.shape)} [Op:{op}]")
    _check_range(indices, current.shape[0], op)
    new = np.array(current, copy=True)
    if how == "update":
        new[indices] = updates
    elif how == "div" and new.dtype.kind in "iu":
        rows = np.broadcast_to(updates, indices.shape + current.shape[1:])
        for i, row in zip(indices.reshape(-1), rows.reshape((-1,) + current.shape[1:]),
                          strict=True):
            new[i] = _truncating_divide(new[i], row)
    else:
        _SCATTER_UFUNCS[how].at(new, indices, updates)
    return var.assign(new)


def _scatter_nd_variable(var, indices, updates, how):
    """var.scatter_nd_<how>(indices, updates)."""
    op = f"ResourceScatterNd{how.capitalize()}"
    current = np.asarray(var)
    upd = np.asarray(convert_to_tensor(updates, dtype=var.dtype))      # guarded, as above
    ind = np.asarray(_index_tensor(indices, op))
    _check_nd_indices(current.shape, ind, 0, op)
    return var.assign(_scatter_nd_array(current, ind, upd, how, op=op))


def _rows_method(how):
    def method(self, sparse_delta, use_locking=False, name=None):
        return _scatter_rows(self, sparse_delta, how)
    method.__name__ = method.__qualname__ = f"scatter_{how}"
    method.__doc__ = (f"Apply `{how}` to the rows `sparse_delta.indices` of the variable with "
                      "`sparse_delta.values` (an IndexedSlices); returns the variable.")
    return method


def _nd_method(how):
    def method(self, indices, updates, name=None):
        return _scatter_nd_variable(self, indices, updates, how)
    method.__name__ = method.__qualname__ = f"scatter_nd_{how}"
    method.__doc__ = (f"Apply `{how}` to the elements or slices of the variable at `indices` "
                      "(as tensor_scatter_nd_*); returns the variable.")
    return method


def _sparse_read(self, indices, name=None):
    """gather(variable, indices): rows of the variable, read on the tape."""
    return gather(self, indices)


def _variable_gather_nd(self, indices, name=None):
    """gather_nd(variable, indices)."""
    return gather_nd(self, indices)


_VARIABLE_METHODS = {
    **{f"scatter_{how}": _rows_method(how) for how in _SCATTER_UFUNCS},
    **{f"scatter_nd_{how}": _nd_method(how) for how in ("update", "add", "sub", "max", "min")},
    "sparse_read": _sparse_read,
    "gather_nd": _variable_gather_nd,
}


# Variables have these, Tensors do not (hasattr stays honest): `__get__` binds each
_engine.VARIABLE_ATTRIBUTES.update({name: m.__get__ for name, m in _VARIABLE_METHODS.items()})


class _VariableSlice(_engine.VariableSlice):
    """What `variable[key]` returns: the slice's value, plus `assign` writing it back.
    The engine makes these (the variable and the canonical key are its fields)."""

    __slots__ = ()

    def assign(self, val, name=None):
        """Write `val` (broadcast to the slice's shape) into the variable's slice.

        Returns:
            The variable (a live alias, as `Variable.assign` returns).

        Raises:
            InvalidArgumentError: `val` does not broadcast to the slice's shape.
        """
        var = self._variable
        value = np.asarray(convert_to_tensor(val, dtype=var.dtype))    # guarded when traced
        new = np.array(var, copy=True)
        target = new[self._key].shape
        try:
            new[self._key] = np.broadcast_to(value, target)
        except ValueError:
            raise errors.InvalidArgumentError(
                f"Cannot broadcast input shape {_dims(value.shape)} into final shape "
                f"{_dims(target)} [Op:ResourceStridedSliceAssign]") from None
        return var.assign(new)


_engine.set_variable_slice_type(_VariableSlice)
