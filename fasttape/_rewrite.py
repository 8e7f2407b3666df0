"""What a replay runs: a trace's program rewritten for speed (fasttape.function).

A trace records every op the Python function applied, the ops of a gradient's rules
included. The rewrite keeps the values (bit for bit those of the recorded ops) and
drops work the recorded form spells out:

* an op of constants only is a constant (its value while tracing), e.g. the ones a
  reduction's gradient broadcasts from a seed; a multiplication by ones is its other
  operand; a reshape to the shape it has is its input;
* a variable read again with no assign in between is the first read;
* the rules' three-op forms of the first-order backward of tanh, sigmoid and square,
  and the relu gradient op, become one fused kernel pass (the kernels eager
  differentiation uses; they compute the same expression in the same order, with no
  contraction, so the bits are those of the separate ops);
* an elementwise ufunc op on large float arrays writes into the buffer of an operand
  whose value nothing reads afterwards (an intermediate this replay made), instead of
  a fresh one.

The recorded program is kept as it was for replays under a recording tape, which
apply each op through the engine. The rewrite runs before a program's first replay,
not at the end of its trace, so a first call costs the trace alone; `sketch` keeps
what it will need of the trace's values meanwhile.
"""

import numpy as np

from fasttape import _kernels
from fasttape._replay import ASSIGN, FUSED, GUARD, OP, PRINT, READ, UFUNC
SMALL_FORWARD = 2048        # _kernels.pxd: at most this many elements take the small path

# Constants a rewrite may keep per program (larger results are computed each run).
FOLD_BYTES = 1 << 24
# Below this many elements a slot may live in the replay's register file, which the
# recorded forms use better than a fused pass.
MIN_FUSED = 65

# Ops whose forward (above the small-array kernels' size) is this ufunc call on the
# op's inputs and these trailing arguments.
UFUNCS = {"add": (np.add, ()), "subtract": (np.subtract, ()), "multiply": (np.multiply, ()),
          "truediv": (np.true_divide, ()), "negative": (np.negative, ()),
          "square": (np.square, ()), "exp": (np.exp, ()), "tanh": (np.tanh, ()),
          "sin": (np.sin, ()), "cos": (np.cos, ()), "log": (np.log, ()),
          "sqrt": (np.sqrt, ()), "relu": (np.maximum, (0,))}
# Other ops whose result is always a new buffer of its own.
FRESH = frozenset(["_matmul", "_matmul_t"])

_BACKWARD = {name: entry[0] for name, entry in _kernels.BACKWARD.items()}


def _float(a):
    return type(a) is np.ndarray and a.dtype.char in "fd"


def _equal_to(a, value):
    """A float constant all of whose elements are `value`."""
    return _float(a) and a.size > 0 and bool(np.all(a == value))


def sketch(code, constants, example):
    """What `rewrite` reads of `example`: the values of slots it may fold into constants
    (ops of constants only) and of small slots, and for every other array a stand-in of
    its shape and dtype that holds no memory (so an unreplayed trace keeps little)."""
    foldable = set(constants)
    for item in code:
        if item[0] == OP and item[5] is None and foldable.issuperset(item[2]):
            foldable.add(item[4])
    out = []
    for s, value in enumerate(example):
        if type(value) is np.ndarray and value.nbytes > 4096 and not (
                s in foldable and value.nbytes <= FOLD_BYTES):
            value = np.broadcast_to(np.zeros((), value.dtype), value.shape)
        out.append(value)
    return out


def rewrite(code, constants, outputs, example):
    """(code, constants, outputs) for Program.run: see the module docstring."""
    consts = dict(constants)
    alias = {}
    ones = {}

    def find(s):
        return alias.get(s, s)

    def is_const(s, value):
        key = (s, value)
        if key not in ones:
            ones[key] = s in consts and _equal_to(consts[s], value)
        return ones[key]

    # pass 1: aliases (folded constants, multiplications by ones, repeated reads)
    out = []
    read_of = {}
    folded = False
    for item in code:
        kind = item[0]
        if kind == OP:
            _, op, ins, attrs, o, binds = item
            if alias:
                ins = tuple(map(alias.get, ins, ins))
            if binds is not None:
                binds = tuple([(k, how, find(s) if how == 0 else s) for k, how, s in binds])
            value = example[o]
            if binds is None and (not ins or ins[0] in consts) \
                    and consts.keys() >= set(ins) \
                    and type(value) is np.ndarray and value.nbytes <= FOLD_BYTES:
                consts[o] = value
                folded = True
                continue
            if op.name == "_reshape" and len(ins) == 1 and isinstance(example[ins[0]], np.ndarray) \
                    and example[ins[0]].shape == value.shape \
                    and example[ins[0]].dtype == value.dtype:
                alias[o] = ins[0]         # a reshape to the same shape is its input
                continue
            if op.name == "multiply" and len(ins) == 2 and (ins[0] in consts or ins[1] in consts):
                kept = None
                for a, c in ((ins[0], ins[1]), (ins[1], ins[0])):
                    x = example[a]
                    if is_const(c, 1) and _float(x) and x.dtype == value.dtype \
                            and x.shape == value.shape:
                        kept = a
                        break
                if kept is not None:
                    alias[o] = kept
                    continue
            out.append((OP, op, ins, attrs, o, binds))
        elif kind == READ:
            ref = item[1]
            key = ("arg", ref) if type(ref) is int else ("var", id(ref))
            first = read_of.get(key)
            if first is not None:
                alias[item[2]] = first
                continue
            read_of[key] = item[2]
            out.append(item)
        elif kind == ASSIGN:
            read_of.clear()
            out.append((ASSIGN, item[1], item[2], find(item[3])))
        elif kind == GUARD:
            out.append((GUARD, find(item[1]), item[2]))
        else:
            out.append((PRINT, item[1], tuple([find(s) for s in item[2]])))
    outputs = tuple([s if s < 0 else find(s) for s in outputs])
    if all([getattr(a, "size", 0) < MIN_FUSED for a in example]):
        # nothing large: the rest is for arrays beyond the register file's
        return out, _used_constants(out, consts, outputs) if folded else consts, outputs

    # pass 2: fused backward kernels
    uses = {}
    producer = {}
    for i, item in enumerate(out):
        for s in _reads(item):
            uses[s] = uses.get(s, 0) + 1
        if item[0] == OP:
            producer[item[4]] = i
    for s in outputs:
        uses[s] = uses.get(s, 0) + 1
    dead = set()

    def single(s, name):
        """The OP producing s, when it is op `name` and s has no other reader."""
        i = producer.get(s)
        if i is None or i in dead or uses.get(s, 0) != 1:
            return None
        item = out[i]
        if item[0] != OP or item[1].name != name or item[5] is not None:
            return None
        return i, item[2]

    for i, item in enumerate(out):
        if item[0] != OP or item[5] is not None:
            continue
        op, ins, o = item[1], item[2], item[4]
        value = example[o]
        if getattr(value, "size", 0) < MIN_FUSED or not _float(value):
            continue
        fused = None
        if op.name == "add" and len(ins) == 2:
            # a + (-b) is a - b, bit for bit
            for a, nb in ((ins[0], ins[1]), (ins[1], ins[0])):
                neg = single(nb, "negative")
                if neg is not None and example[a].shape == value.shape:
                    dead.add(neg[0])
                    out[i] = (OP, _op_named("subtract"), (a, neg[1][0]), (), o, None)
                    break
            continue
        if op.name == "_relu_grad" and len(ins) == 2:
            fused = ("relu", ins[0], ins[1], ())
        elif op.name == "multiply" and len(ins) == 2:
            fused = _fused_multiply(ins, single, is_const)
        if fused is None:
            continue
        name, g, saved, gone = fused
        if not all([_float(example[s]) and example[s].dtype == value.dtype
                    and example[s].shape == value.shape for s in (g, saved)]):
            continue
        dead.update(gone)
        out[i] = (FUSED, _BACKWARD[name], (g, saved), o)
    out = [item for i, item in enumerate(out) if i not in dead]

    # pass 3: large elementwise ufuncs, and the buffers they may write into
    for i, item in enumerate(out):
        if item[0] != OP or item[5] is not None or item[3]:
            continue
        ufunc, extra = UFUNCS.get(item[1].name, (None, ()))
        value = example[item[4]]
        if ufunc is None or not _float(value) or value.size <= SMALL_FORWARD \
                or ufunc.nin != len(item[2]) + len(extra) \
                or not all([_float(example[s]) and example[s].dtype == value.dtype
                            for s in item[2]]):
            continue
        out[i] = (UFUNC, ufunc, item[2], item[4], -1, extra)
    _donate(out, outputs, example)
    return out, _used_constants(out, consts, outputs), outputs


def _used_constants(out, consts, outputs):
    if len(consts) == 0:
        return consts
    used = set(outputs)
    for item in out:
        used.update(_reads(item))
    return {s: a for s, a in consts.items() if s in used}


def _fused_multiply(ins, single, is_const):
    """(kernel, g, saved, instructions it replaces) when multiply(ins) ends a rule's
    form of a fused backward, else None."""
    for g, other in ((ins[0], ins[1]), (ins[1], ins[0])):
        # tanh: g * (1 - y * y)
        sub = single(other, "subtract")
        if sub is not None and is_const(sub[1][0], 1):
            sq = single(sub[1][1], "multiply")
            if sq is not None and sq[1][0] == sq[1][1]:
                return ("tanh", g, sq[1][0], (sub[0], sq[0]))
        # square: g * (2 * x)
        two = single(other, "multiply")
        if two is not None:
            for c, x in ((two[1][0], two[1][1]), (two[1][1], two[1][0])):
                if is_const(c, 2) and x != c:
                    return ("square", g, x, (two[0],))
    # sigmoid: (g * y) * (1 - y)
    for p, q in ((ins[0], ins[1]), (ins[1], ins[0])):
        gy = single(p, "multiply")
        sub = single(q, "subtract")
        if gy is None or sub is None or not is_const(sub[1][0], 1):
            continue
        y = sub[1][1]
        if gy[1][1] == y:
            return ("sigmoid", gy[1][0], y, (gy[0], sub[0]))
        if gy[1][0] == y:
            return ("sigmoid", gy[1][1], y, (gy[0], sub[0]))
    return None


def _reads(item):
    kind = item[0]
    if kind == OP:
        reads = list(item[2])
        if item[5] is not None:
            reads += [s for _, how, s in item[5] if how == 0]
        return reads
    if kind == UFUNC or kind == FUSED:
        return list(item[2])
    if kind == ASSIGN:
        return [item[3]]
    if kind == GUARD:
        return [item[1]]
    if kind == PRINT:
        return list(item[2])
    return []


def _donate(out, outputs, example):
    """Give a UFUNC the buffer of an operand read for the last time there, when that
    buffer is this run's own: made by a UFUNC or FUSED instruction, and never read by
    anything that might keep it (another op could return a view of it; a guard, print,
    assign or output holds it past the instruction)."""
    owned = set()
    pinned = set(outputs)
    last = {}
    for i, item in enumerate(out):
        kind = item[0]
        reads = _reads(item)
        for s in reads:
            last[s] = i
        if kind == UFUNC or kind == FUSED:
            owned.add(item[3])
        else:
            pinned.update(reads)
            if kind == OP and item[1].name in FRESH:
                owned.add(item[4])
    for i, item in enumerate(out):
        if item[0] != UFUNC:
            continue
        value = example[item[3]]
        for s in item[2]:
            x = example[s]
            if s in owned and s not in pinned and last.get(s) == i \
                    and x.shape == value.shape and x.dtype == value.dtype:
                out[i] = item[:4] + (s,) + item[5:]
                break


def _op_named(name):
    from fasttape.ops._registry import OPS
    for op in OPS:
        if op.name == name:
            return op
    raise LookupError(name)
