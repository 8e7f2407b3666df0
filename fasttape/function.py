"""`fasttape.function` (TF's `tf.function`): trace a Python function once, replay it fast.

A call with a new *trace key* (tensors by dtype and shape, Variables by dtype and
shape, Python values by value, containers by structure) runs the Python function on
the real inputs while a tracer watches: every op applied, every Variable read, assign
and creation, and every place where Python consumed a tensor's value (`bool`, `float`,
an index...). What it saw becomes a flat program (fasttape._replay.Program). Later calls
with the same key replay the program instead of running Python: the Python body's side
effects happen only while tracing, captured Python values are frozen, captured
Variables are read on every call and assigns take effect on every call, as in TF.

Where Python consumed a tensor's value, the program holds a *guard*: a replay whose
guarded value differs stops before changing anything and the call traces again for
that value (kept beside the first program, up to a few per key; not counted by
`experimental_get_tracing_count`, since TF's autograph would not retrace). A program
therefore never answers for inputs it was not traced for.

While a tape records (or another op observer is active, e.g. a forward accumulator),
a replay applies each op through the eager engine, so tapes see the ops of the call
and gradients reach the arguments and the captured Variables. A tape inside the
function is traced like any other code: its backward sweep runs as ops, so the
gradient computation is part of the program.
"""

import functools
import inspect
import sys
import threading
import weakref

import numpy as np

from fasttape import _engine, _memory, errors, nest
from fasttape import dtypes as _dtypes
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, Variable
from fasttape.indexed_slices import IndexedSlices
from fasttape._replay import ASSIGN, GUARD, OP, PRINT, READ, Program, Recorder
from fasttape._rewrite import rewrite, sketch
from fasttape.ops._registry import export
from fasttape.tensor_shape import TensorShape
from fasttape.type_spec import TypeSpec

__all__ = ["function", "Function", "ConcreteFunction", "TensorSpec", "executing_eagerly",
           "inside_function", "run_functions_eagerly", "functions_run_eagerly"]

# Programs kept per trace key beyond the first, for other outcomes of its guards.
MAX_VARIANTS = 8
POOLED_BYTES = 1 << 18        # the smallest buffer fasttape._pool caches (256 KiB)

_run_eagerly = False


def run_functions_eagerly(run_eagerly):
    """Make every `fasttape.function` call run its Python function directly (a debugging
    aid: side effects every call, `.numpy()` works, nothing is traced)."""
    global _run_eagerly
    _run_eagerly = bool(run_eagerly)


def functions_run_eagerly():
    """Whether `run_functions_eagerly(True)` is in effect."""
    return _run_eagerly


@export("")
def executing_eagerly():
    """True outside a function trace (also under a GradientTape); False while tracing."""
    return _engine.current_tracer() is None


@export("")
def inside_function():
    """True while a `fasttape.function` is being traced."""
    return _engine.current_tracer() is not None


# --- TensorSpec -----------------------------------------------------------------------

@export("")
class TensorSpec(TypeSpec):
    """The type of a tensor argument: a shape (None for an unknown dim or rank) and a dtype.

    >>> import fasttape as tf
    >>> spec = tf.TensorSpec([None, 3])
    >>> spec
    TensorSpec(shape=(None, 3), dtype=fasttape.float32, name=None)
    >>> spec.is_compatible_with(tf.zeros((2, 3)))
    True
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=_dtypes.float32, name=None):
        self._shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        self._dtype = _dtypes.as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of a Tensor or Variable (its name: `name`)."""
        return cls(tensor.shape, tensor.dtype, name)

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    @property
    def value_type(self):
        return Tensor

    def _serialize(self):
        return (self._shape, self._dtype, self._name)

    def is_compatible_with(self, spec_or_tensor):
        """Same dtype and a compatible shape (None dims match anything)."""
        other = spec_or_tensor
        if isinstance(other, (Tensor, Variable, TensorSpec)):
            return other.dtype == self._dtype and self._shape.is_compatible_with(other.shape)
        if isinstance(other, np.ndarray):
            return (_dtypes.as_dtype(other.dtype) == self._dtype
                    and self._shape.is_compatible_with(TensorShape(other.shape)))
        return False

    def most_specific_compatible_type(self, other):
        return TensorSpec(self._shape.most_specific_compatible_shape(other.shape), self._dtype)

    def _key(self):
        return (self._shape.as_list() if self._shape.rank is not None else None,
                self._dtype, self._name)

    def __eq__(self, other):
        return type(other) is type(self) and self._key() == other._key()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        dims = self._shape.as_list() if self._shape.rank is not None else None
        return hash((None if dims is None else tuple(dims), self._dtype, self._name))

    def __repr__(self):
        dims = "<unknown>" if self._shape.rank is None else tuple(self._shape.as_list())
        return f"TensorSpec(shape={dims}, dtype={self._dtype!r}, name={self._name!r})"


# --- tf.print -------------------------------------------------------------------------

def _format_float(x, digits, more):
    """TF's float text: the short form when it reads back exactly, else the long one."""
    text = f"{x:.{digits}g}"
    return text if type(x)(float(text)) == x else f"{x:.{more}g}"


def _format_number(x):
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, np.float32) or isinstance(x, np.float16):
        return _format_float(np.float32(x), 6, 9)
    if isinstance(x, (float, np.floating)):
        return _format_float(np.float64(x), 15, 17)
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    return str(x)


def _format_array(a, summarize, depth=0):
    if a.ndim == 0:
        return _format_number(a[()])
    n = a.shape[0]
    if summarize >= 0 and n > 2 * summarize:
        index = list(range(summarize)) + [None] + list(range(n - summarize, n))
    else:
        index = list(range(n))

    def item(i):
        if i is None:
            return "..."
        return _format_array(a[i], summarize, depth + 1) if a.ndim > 1 else \
            _format_number(a[i])
    sep = "\n" * (a.ndim - 1) + " " * (depth + 1) if a.ndim > 1 else " "
    return "[" + sep.join(item(i) for i in index) + "]"


def _format_value(x, summarize):
    if isinstance(x, np.ndarray):
        return _format_array(x, summarize)
    if isinstance(x, str):
        return x
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_format_value(v, summarize)}"
                               for k, v in sorted(x.items())) + "}"
    if isinstance(x, (list, tuple)):
        body = ", ".join(_format_value(v, summarize) for v in x)
        return f"({body})" if isinstance(x, tuple) else f"[{body}]"
    return str(x)


class _Printer:
    """One tf.print call: its Python structure with the tensors taken out."""

    def __init__(self, structure, sep, end, summarize, stream):
        self.structure = structure
        self.sep, self.end, self.summarize, self.stream = sep, end, summarize, stream

    def __call__(self, arrays):
        leaves = iter(arrays)
        values = nest.map_structure(
            lambda leaf: next(leaves) if isinstance(leaf, _Slot) else leaf, self.structure)
        text = self.sep.join(_format_value(v, self.summarize) for v in values) + self.end
        stream = self.stream
        if isinstance(stream, str) and stream.startswith("file://"):
            with open(stream[len("file://"):], "a") as f:
                f.write(text)
            return
        (stream if stream is not None else sys.stderr).write(text)


class _Slot:
    """A tensor's place in a tf.print structure."""
    __slots__ = ()


@export("", name="print")
def print_(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """Print tensors and Python values, on every call of a traced function.

    Tensors print in TF's summarized form (`[1 2 3 ... 8 9 10]` beyond `summarize`
    elements per dimension, -1 for all); the default stream is sys.stderr.
    """
    structure = nest.map_structure(
        lambda leaf: _Slot() if isinstance(leaf, (Tensor, Variable)) else leaf, list(inputs))
    tensors = [x for x in nest.flatten(list(inputs)) if isinstance(x, (Tensor, Variable))]
    printer = _Printer(structure, sep, end, -1 if summarize is None else summarize,
                       output_stream)
    tracer = _engine.current_tracer()
    if tracer is not None:
        tracer.on_print(printer, tensors)
        if tracer.dry:
            return None
    printer([np.asarray(_engine.variable_value(t) if isinstance(t, Variable) else t._value)
             for t in tensors])
    return None


# --- the tracer -----------------------------------------------------------------------

class _Tracer(Recorder):
    """Builds one program while the Python function runs on real inputs (the per-op
    bookkeeping is Recorder's, in C)."""

    def __init__(self, function, var_args, first, dry, autograph):
        super().__init__(var_args)
        self.function = function
        self.first = first           # variables may be created
        self.dry = dry               # no effect may last (assigns undone, no printing)
        self.autograph = autograph
        self.restore = {}            # id(variable) -> (variable, array before the trace)
        self.created = []

    def on_assign(self, v, how, new):
        s = self.slot(new)
        ref = self.var_ref.get(id(v))
        if ref is None:
            ref = self.var_ref[id(v)] = v
            self.keep.append(v)
        if id(v) not in self.restore:
            self.restore[id(v)] = (v, _engine.variable_value(v))
        self.var_slot.pop(id(v), None)
        self.code.append((ASSIGN, ref, how, s))

    def on_replace(self, v):
        """`v` gets an array computed outside ops (an optimizer's fused update)."""
        if id(v) not in self.restore:
            self.restore[id(v)] = (v, _engine.variable_value(v))

    def on_create(self, v):
        if not self.first:
            raise ValueError(
                "Creating variables on a non-first call to a function decorated with "
                f"fasttape.function (`{self.function.__name__}`).")
        if self.dry and self.first == "check":
            raise ValueError(
                f"fasttape.function `{self.function.__name__}` only supports singleton "
                "Variables created on the first call: it created a new Variable when "
                "traced again. Create variables once (e.g. `if self.w is None:`) or "
                "outside the function.")
        self.created.append(v)

    def on_value(self, x, kind):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        internal = caller.startswith("fasttape.") or caller == "fasttape"
        if not internal and kind == "numpy":
            raise AttributeError(
                "'SymbolicTensor' object has no attribute 'numpy': inside a "
                "fasttape.function a tensor has no value while tracing; return it, or "
                "use fasttape.print to see it on every call")
        if not internal and kind == "bool" and not self.autograph:
            raise errors.OperatorNotAllowedInGraphError(
                "Using a symbolic `fasttape.Tensor` as a Python `bool` is not allowed: "
                "autograph is disabled in this function (autograph=False).")
        if isinstance(x, Variable):
            s = self.read(x.handle)
        else:
            s = self.slot(x)
            if s in self.constants:
                return                     # a constant never changes
        self.code.append((GUARD, s, np.array(self.example[s])))

    def on_print(self, printer, tensors):
        self.code.append((PRINT, printer, tuple([self.slot(t) for t in tensors])))

    def output_slot(self, leaf):
        if isinstance(leaf, Variable):
            return self.read(leaf.handle)
        return self.slot(leaf)

    def undo(self):
        for v, value in self.restore.values():
            _engine.set_variable_value(v, value)


# --- calls: binding, the trace key, conversion ----------------------------------------

class _Call:
    """One call's arguments, flattened: tensors and variables out, the rest as key."""

    __slots__ = ("args", "tensors", "variables", "key", "shapes")

    def __init__(self):
        self.tensors = []
        self.variables = []
        self.shapes = []


def _key_of(value, call, path):
    """The trace-key part of one argument, collecting its tensors and variables."""
    kind = type(value)
    if kind is Tensor or isinstance(value, Tensor):
        a = value._value
        call.tensors.append(value)
        call.shapes.append(a.shape)
        return ("T", a.dtype, a.shape)
    if isinstance(value, Variable):
        call.variables.append(value)
        a = _engine.variable_value(value)
        return ("V", a.dtype, a.shape)
    if kind in (list, tuple) or (isinstance(value, tuple) and hasattr(value, "_fields")):
        return (kind, tuple(_key_of(v, call, path) for v in value))
    if kind is dict:
        keys = sorted(value, key=repr)
        return (dict, tuple((k, _key_of(value[k], call, path)) for k in keys))
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"fasttape.function: could not trace argument {path} of type {kind.__name__} "
            f"({value!r}): its "
            "value is not hashable, so it cannot be part of the trace key. Pass "
            "tensors, numbers, strings, or lists/tuples/dicts of them.") from None
    return ("P", kind if kind in (str, bytes) else None, value)


def _to_tensors(value):
    """numpy arrays become tensors (as TF converts them); other leaves stay."""
    if isinstance(value, np.ndarray):
        return convert_to_tensor(value)
    if type(value) in (list, tuple):
        return type(value)(_to_tensors(v) for v in value)
    if type(value) is dict:
        return {k: _to_tensors(v) for k, v in value.items()}
    return value


def _describe(value):
    if isinstance(value, (Tensor, Variable)):
        return f"a {value.dtype.name} tensor of shape {tuple(value.shape)}"
    return f"{type(value).__name__} {value!r}"


def _relaxed(keys_a, keys_b):
    """A key that covers both (same structure and dtypes, dims that differ are None);
    None when they differ elsewhere."""
    if type(keys_a) is not type(keys_b):
        return None
    if type(keys_a) is tuple and len(keys_a) == 3 and keys_a[:1] in (("T",), ("V",)):
        if keys_b[0] != keys_a[0] or keys_b[1] != keys_a[1]:
            return None
        sa, sb = keys_a[2], keys_b[2]
        if sa is None or sb is None or len(sa) != len(sb):
            return (keys_a[0], keys_a[1], None)
        return (keys_a[0], keys_a[1], tuple(x if x == y else None for x, y in zip(sa, sb)))
    if type(keys_a) is tuple:
        if len(keys_a) != len(keys_b):
            return None
        out = []
        for a, b in zip(keys_a, keys_b):
            r = _relaxed(a, b) if isinstance(a, tuple) else (a if a == b else None)
            if r is None and not (a is None and b is None):
                return None
            out.append(r)
        return tuple(out)
    return keys_a if keys_a == keys_b else None


def _covers(general, key):
    if type(general) is tuple and len(general) == 3 and general[:1] in (("T",), ("V",)):
        if type(key) is not tuple or len(key) != 3 or key[:2] != general[:2]:
            return False
        if general[2] is None:
            return True
        return len(general[2]) == len(key[2]) and all(
            g is None or g == d for g, d in zip(general[2], key[2]))
    if type(general) is tuple:
        return (type(key) is tuple and len(key) == len(general)
                and all(_covers(g, k) for g, k in zip(general, key)))
    return general == key


# --- Function -------------------------------------------------------------------------

class _Entry:
    """The programs of one exact trace key: the first trace and its guard variants."""
    __slots__ = ("programs", "structure", "out_specs", "opaque", "pooled", "unrewritten")

    def __init__(self, structure, out_specs):
        self.opaque = False
        self.pooled = False             # some buffer is large enough for fasttape's pool
        self.programs = []
        self.structure = structure
        self.out_specs = out_specs
        # id(program) -> its trace's values as `sketch` keeps them, until its first replay
        self.unrewritten = {}

    def keep(self, program, tracer):
        self.programs.append(program)
        self.unrewritten[id(program)] = sketch(program.code, program.constants,
                                               tracer.example)

    def rewritten(self, i):
        """Program i in the form replays run (made on its first replay)."""
        program = self.programs[i]
        example = self.unrewritten.pop(id(program), None)
        if example is not None:
            program = self.programs[i] = Program(
                program.code, program.constants, program.inputs, program.outputs,
                program.n_slots, example,
                *rewrite(program.code, program.constants, program.outputs, example))
        return program


class Function:
    """A Python function traced per trace key and replayed (what `fasttape.function`
    returns). Calls bind like the Python function's; see the module docstring."""

    def __init__(self, python_function, input_signature=None, autograph=True,
                 jit_compile=None, reduce_retracing=False, name=None, experimental=None):
        self._python_function = python_function
        self._autograph = autograph
        self._jit_compile = jit_compile
        self._reduce_retracing = reduce_retracing
        self._name = name or getattr(python_function, "__name__", "function")
        self._experimental = experimental or {}
        self._bound_to = None            # weakref to the instance of a bound method
        self._instances = weakref.WeakKeyDictionary()
        self._lock = threading.RLock()
        self._signature = None
        try:
            self._signature = inspect.signature(python_function)
        except (TypeError, ValueError):
            pass
        self._input_signature = None
        if input_signature is not None:
            self._input_signature = self._check_signature(input_signature)
        self._entries = {}               # exact key -> _Entry
        self._tf_keys = []               # the keys TF would have traced (for the count)
        self._inline_keys = set()
        self._tracing_count = 0
        self._traced_variables = False   # a trace has happened (no more creation)
        functools.update_wrapper(self, python_function, updated=())

    # -- construction helpers
    def _check_signature(self, input_signature):
        specs = tuple(input_signature)
        for s in nest.flatten(list(specs)):
            if not isinstance(s, TensorSpec):
                raise TypeError(f"input_signature must be a list of TensorSpec, got "
                                f"{type(s).__name__} ({s!r})")
        if self._signature is not None:
            params = [p for p in self._parameters()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if len(specs) < len(params):
                missing = [p.name for p in params[len(specs):]]
                raise TypeError(
                    f"input_signature of `{self._name}` has {len(specs)} specs for "
                    f"{len(params)} parameters: no spec for {missing}")
        return specs

    @property
    def _n_simple(self):
        """How many positional arguments bind without inspect (only plain positional
        parameters, no defaults), or -1."""
        n = self.__dict__.get("_simple")
        if n is None:
            params = self._parameters() if self._signature is not None else []
            ok = all(p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty
                     for p in params)
            n = self._simple = len(params) if ok and self._signature is not None else -1
        return n

    def _parameters(self):
        params = list(self._signature.parameters.values())
        if self._bound_to is not None and params:
            params = params[1:]
        return params

    # -- attributes
    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    @property
    def function_spec(self):
        return self._signature

    def experimental_get_tracing_count(self):
        """How many traces TF would have made so far (see the module docstring)."""
        return self._tracing_count

    def __repr__(self):
        return f"<fasttape.function {self._name}>"

    # -- methods: one trace cache per instance
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            bound = self._instances.get(instance)
        except TypeError:
            bound = None
        if bound is None:
            bound = Function.__new__(Function)
            bound.__dict__.update(self.__dict__)
            bound.__dict__.pop("_simple", None)
            bound._bound_to = weakref.ref(instance)
            bound._instances = weakref.WeakKeyDictionary()
            bound._entries = {}
            bound._tf_keys = []
            bound._inline_keys = set()
            bound._tracing_count = 0
            bound._traced_variables = False
            bound._lock = threading.RLock()
            try:
                self._instances[instance] = bound
            except TypeError:
                pass
        return bound

    def _self(self):
        if self._bound_to is None:
            return ()
        instance = self._bound_to()
        if instance is None:
            raise ReferenceError("the instance of this bound fasttape.function is gone")
        return (instance,)

    # -- calling
    def __call__(self, *args, **kwargs):
        if _run_eagerly:
            return self._python_function(*self._self(), *args, **kwargs)
        call = self._bind(args, kwargs)
        tracer = _engine.current_tracer()
        if tracer is not None:        # called while tracing another function: inline
            return self._inline(call)
        with self._lock:
            return self._call(call)

    def _bind(self, args, kwargs):
        call = _Call()
        if self._input_signature is not None:
            call.args, call.key = self._bind_signature(args, kwargs)
        else:
            if self._signature is not None and (kwargs or len(args) != self._n_simple):
                bound = self._signature.bind(*self._self(), *args, **kwargs)
                bound.apply_defaults()
                args, kwargs = bound.args[len(self._self()):], bound.kwargs
            args = tuple(_to_tensors(a) for a in args)
            kwargs = {k: _to_tensors(v) for k, v in kwargs.items()}
            call.args = (args, kwargs)
        a, k = call.args
        key_args = tuple([_key_of(v, call, i) for i, v in enumerate(a)])
        key_kwargs = tuple((n, _key_of(k[n], call, n)) for n in sorted(k))
        if self._input_signature is None:
            call.key = (key_args, key_kwargs)
        else:
            call.key = (call.key, tuple(call.shapes))
        return call

    def _bind_signature(self, args, kwargs):
        specs = self._input_signature
        fail = f"Binding inputs to fasttape.function `{self._name}` failed due to "
        if self._signature is not None:
            try:
                bound = self._signature.bind(*self._self(), *args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{fail}`{exc}`.") from None
            bound.apply_defaults()
            values = list(bound.args[len(self._self()):])
            names = [p.name for p in self._parameters()]
            if bound.kwargs:
                raise TypeError(f"{fail}unexpected keyword arguments {sorted(bound.kwargs)}.")
        else:
            if kwargs:
                raise TypeError(f"{fail}keyword arguments {sorted(kwargs)}.")
            values, names = list(args), [f"args[{i}]" for i in range(len(args))]
        if len(values) != len(specs):
            raise TypeError(f"{fail}{len(values)} arguments for a signature of "
                            f"{len(specs)} specs {list(specs)}.")
        converted = []
        for value, spec, pname in zip(values, specs, names):
            converted.append(nest.map_structure(
                lambda s, v, pname=pname: self._conform(v, s, pname, fail), spec, value)
                if nest.is_nested(spec) else self._conform(value, spec, pname, fail))
        return (tuple(converted), {}), ("signature",)

    def _conform(self, value, spec, pname, fail):
        if isinstance(value, (Tensor, Variable)):
            if value.dtype != spec.dtype:
                raise TypeError(f"{fail}argument `{pname}`: expected {spec!r}, got "
                                f"{_describe(value)}.")
        else:
            try:
                value = convert_to_tensor(value, dtype=spec.dtype)
            except (TypeError, ValueError, errors.InvalidArgumentError) as exc:
                raise TypeError(f"{fail}argument `{pname}`: cannot convert {value!r} to "
                                f"{spec!r} ({exc}).") from None
        if not spec.shape.is_compatible_with(value.shape):
            raise TypeError(f"{fail}argument `{pname}`: expected {spec!r}, got "
                            f"{_describe(value)}.")
        return value

    def _count(self, key):
        """Count a new trace the way TF would (input_signature and reduce_retracing
        relax the key); returns the TF key."""
        if self._input_signature is not None:
            general = key[0]
        else:
            general = key
        for k in self._tf_keys:
            if _covers(k, general):
                return None
        if self._reduce_retracing and self._input_signature is None:
            for i, k in enumerate(self._tf_keys):
                r = _relaxed(k, general)
                if r is not None and r != k and r != general:
                    return r
        return general

    def _call(self, call):
        entry = self._entries.get(call.key)
        if entry is not None:
            if not entry.opaque:
                done, out = self._replay(entry, call)
                if done:
                    return out
            return self._trace(call, entry)
        return self._trace(call, None)

    def _replay(self, entry, call):
        if not entry.pooled:
            return self._replay_programs(entry, call)
        # buffers of pool size: reuse them across calls as a tape's steps do
        _memory.enter()
        try:
            return self._replay_programs(entry, call)
        finally:
            _memory.exit()

    def _replay_programs(self, entry, call):
        arrays = [t._value for t in call.tensors]
        eager = _engine.any_recording() or bool(_engine.active_observers())
        for i, program in enumerate(entry.programs):
            if eager:
                if program.guard_after_effect:
                    return False, None
                outs = _replay_eager(program, call)
            else:
                if entry.unrewritten:
                    program = entry.rewritten(i)
                outs = program.run(arrays, call.variables)
            if outs is not None:
                return True, self._pack(entry.structure, outs, eager)
        return False, None

    def _pack(self, structure, outs, eager):
        if type(structure) is _Slot:
            return outs[0] if eager else _engine.wrap(outs[0])
        if type(structure) in (tuple, list) and all(type(x) is _Slot for x in structure):
            return type(structure)(outs if eager else [_engine.wrap(x) for x in outs])
        it = iter(outs)
        if _plain_nest(structure):
            return _pack_plain(structure, it, eager)

        def leaf(x):
            if isinstance(x, _Slot):
                value = next(it)
                return value if eager else _engine.wrap(value)
            return x
        return nest.map_structure(leaf, structure)

    def _trace(self, call, entry):
        """Run the Python function under a tracer; keep the program."""
        tf_key = self._count(call.key) if entry is None else None
        first = not self._traced_variables
        out, program, structure, tracer = self._run_traced(call, first=first, dry=False)
        if entry is None:
            if tracer.created and first:
                # TF traces again to check that no new variables appear; that trace's
                # program (without the creation) is what later calls replay
                _, program, structure, tracer = self._run_traced(call, first="check",
                                                                 dry=True)
                self._tracing_count += 1
            entry = _Entry(structure, tracer.out_specs)
            self._entries[call.key] = entry
            if tf_key is not None:
                self._tf_keys.append(tf_key)
                self._tracing_count += 1
        if tracer.opaque:
            entry.opaque = True           # every call runs the Python function
        elif len(entry.programs) <= MAX_VARIANTS:
            entry.keep(program, tracer)
            entry.pooled = entry.pooled or any(
                getattr(a, "nbytes", 0) >= POOLED_BYTES for a in tracer.example)
        self._traced_variables = True
        return out

    def _run_traced(self, call, first, dry):
        args, kwargs = call.args
        if call.tensors:
            args, kwargs = _distinct(args, kwargs, call)
        tracer = _Tracer(self._python_function, call.variables, first, dry, self._autograph)
        for t in call.tensors:
            tracer.bind(t)
        inputs = tuple(range(len(call.tensors)))
        observer = tracer.on_op            # (one bound method: popped by identity)
        _engine.push_tracer(tracer)
        _engine.push_observer(observer)
        try:
            out = self._python_function(*self._self(), *args, **kwargs)
            flat = nest.flatten(out)
            leaves, slots = [], []
            for x in flat:
                if isinstance(x, (Tensor, Variable)):
                    slots.append(tracer.output_slot(x))
                    leaves.append(_engine.read(x) if isinstance(x, Variable) else x)
                elif isinstance(x, (bool, int, float, np.generic, np.ndarray, IndexedSlices)):
                    t = convert_to_tensor(x)
                    slots.append(tracer.output_slot(t))
                    leaves.append(t)
                elif x is None or isinstance(x, (str, bytes)):
                    leaves.append(x)
                else:
                    raise TypeError(
                        f"fasttape.function `{self._name}` must return tensors, Python "
                        f"numbers, strings or None (in any nest); found a value of type "
                        f"{type(x).__name__}")
        except BaseException:
            tracer.undo()
            raise
        finally:
            _engine.pop_observer(observer)
            _engine.pop_tracer(tracer)
        if dry:
            tracer.undo()
        tracer.out_specs = [TensorSpec(x.shape, x.dtype) for x in leaves
                            if isinstance(x, (Tensor, Variable))]
        structure = nest.pack_sequence_as(
            out, [_Slot() if isinstance(x, (Tensor, Variable)) else x for x in leaves])
        program = Program(tracer.code, tracer.constants, inputs, tuple(slots),
                          tracer.n_slots, tracer.example)
        result = nest.pack_sequence_as(out, leaves) if nest.is_nested(out) else leaves[0]
        return result, program, structure, tracer

    def _inline(self, call):
        key = call.key
        if key not in self._inline_keys and key not in self._entries:
            self._inline_keys.add(key)
            tf_key = self._count(key)
            if tf_key is not None:
                self._tf_keys.append(tf_key)
                self._tracing_count += 1
        args, kwargs = call.args
        out = self._python_function(*self._self(), *args, **kwargs)
        return nest.map_structure(
            lambda x: _engine.read(x) if isinstance(x, Variable) else
            convert_to_tensor(x) if isinstance(x, (bool, int, float, str)) else x, out)

    # -- concrete functions
    def get_concrete_function(self, *args, **kwargs):
        """The trace for these arguments (TensorSpecs or values), tracing if needed."""
        if self._input_signature is not None and not args and not kwargs:
            args = self._input_signature
        example_args = _examples(args)
        example_kwargs = _examples(kwargs)
        specs = [s for s in nest.flatten([list(args), dict(kwargs)])
                 if isinstance(s, TensorSpec)]
        call = self._bind(example_args, example_kwargs)
        general = call.key if self._input_signature is not None else _spec_key(
            self, args, kwargs)
        with self._lock:
            entry = self._entries.get(call.key)
            if entry is None:
                tf_key = self._count(general)
                first = not self._traced_variables
                _, program, structure, tracer = self._run_traced(call, first=first, dry=True)
                out_specs = tracer.out_specs
                if any(s.shape.rank is None or None in s.shape.as_list() for s in specs):
                    # trace on other sizes too: output dims that follow them are None
                    other = self._bind(_examples(args, 3), _examples(kwargs, 3))
                    _, _, _, tracer2 = self._run_traced(other, first=False, dry=True)
                    out_specs = [_merge_specs(a, b) for a, b in zip(out_specs,
                                                                    tracer2.out_specs)]
                entry = _Entry(structure, out_specs)
                if tracer.opaque:
                    entry.opaque = True
                else:
                    entry.keep(program, tracer)
                self._entries[call.key] = entry
                if tf_key is not None:
                    self._tf_keys.append(tf_key)
                    self._tracing_count += 1
                self._traced_variables = True
        return ConcreteFunction(self, args, kwargs, entry.structure, specs, call)

    def __reduce__(self):
        raise TypeError("fasttape.function objects cannot be pickled")


def _plain_nest(structure):
    """Only tuples and lists (exactly those types) of leaves: packed without nest."""
    if type(structure) not in (tuple, list):
        return False
    for x in structure:
        if type(x) is _Slot or x is None:
            continue
        if type(x) in (tuple, list):
            if not _plain_nest(x):
                return False
        elif nest.is_nested(x):
            return False
    return True


def _pack_plain(structure, it, eager):
    out = []
    for x in structure:
        if type(x) is _Slot:
            value = next(it)
            out.append(value if eager else _engine.wrap(value))
        elif type(x) in (tuple, list):
            out.append(_pack_plain(x, it, eager))
        else:
            out.append(x)
    return type(structure)(out)


def _distinct(args, kwargs, call):
    """The same Tensor passed twice is two inputs of the program: the second copy gets
    its own object (same value and id, so tapes still see it)."""
    seen = set()
    swap = {}
    for i, t in enumerate(call.tensors):
        if id(t) in seen:
            twin = _engine.retype(t, Tensor)
            swap.setdefault(id(t), []).append(twin)
            call.tensors[i] = twin
        seen.add(id(t))
    if not swap:
        return args, kwargs
    counts = {}

    def sub(x):
        if isinstance(x, Tensor) and id(x) in swap:
            n = counts.get(id(x), 0)
            counts[id(x)] = n + 1
            return x if n == 0 else swap[id(x)][n - 1]
        return x
    return nest.map_structure(sub, args), nest.map_structure(sub, kwargs)


def _examples(structure, size=2):
    """Zeros standing for TensorSpecs (None dims of `size`), to trace on."""
    return nest.map_structure(
        lambda s: _engine.wrap(np.zeros(
            [size if d is None else d for d in (s.shape.as_list() if s.shape.rank is not None
                                                else [])], s.dtype.as_numpy_dtype))
        if isinstance(s, TensorSpec) else s, structure)


def _merge_specs(a, b):
    if a.shape.rank != b.shape.rank:
        return TensorSpec(None, a.dtype)
    return TensorSpec([x if x == y else None for x, y in zip(a.shape.as_list(),
                                                             b.shape.as_list())], a.dtype)


def _spec_key(function, args, kwargs):
    """The TF key of specs (None dims kept) for the tracing count."""
    call = _Call()
    spec_args = nest.map_structure(
        lambda s: _SpecLeaf(s) if isinstance(s, TensorSpec) else s, list(args))
    spec_kwargs = nest.map_structure(
        lambda s: _SpecLeaf(s) if isinstance(s, TensorSpec) else s, dict(kwargs))
    key_args = tuple(_spec_leaf_key(v, call) for v in spec_args)
    return (key_args, tuple((n, _spec_leaf_key(spec_kwargs[n], call))
                            for n in sorted(spec_kwargs)))


class _SpecLeaf:
    __slots__ = ("spec",)

    def __init__(self, spec):
        self.spec = spec

    def __hash__(self):
        return hash(self.spec)


def _spec_leaf_key(value, call):
    if isinstance(value, _SpecLeaf):
        s = value.spec
        dims = None if s.shape.rank is None else tuple(s.shape.as_list())
        return ("T", np.dtype(s.dtype.as_numpy_dtype), dims)
    if type(value) in (list, tuple):
        return (type(value), tuple(_spec_leaf_key(v, call) for v in value))
    if type(value) is dict:
        return (dict, tuple((k, _spec_leaf_key(value[k], call)) for k in sorted(value, key=repr)))
    return _key_of(value, call, "argument")


def _replay_eager(program, call):
    """Run a program through the eager engine (`apply` per op), so that recording tapes
    and observers see the call. None when a guard fails (before any effect)."""
    vals = [None] * program.n_slots
    for s, value in program.constants.items():
        vals[s] = _engine.wrap(value)
    for s, t in zip(program.inputs, call.tensors):
        vals[s] = t
    variables = call.variables
    scratch = {}
    for item in program.code:
        kind = item[0]
        if kind == OP:
            attrs = item[3]
            if item[5] is not None:
                attrs = list(attrs)
                for i, how, s in item[5]:
                    attrs[i] = vals[s]._value if how == 0 else scratch.setdefault(s, [])
                attrs = tuple(attrs)
            vals[item[4]] = _engine.apply(item[1], tuple([vals[s] for s in item[2]]), attrs)
        elif kind == READ:
            ref = item[1]
            vals[item[2]] = _engine.read(variables[ref] if type(ref) is int else ref)
        elif kind == ASSIGN:
            ref = item[1]
            v = variables[ref] if type(ref) is int else ref
            v._assign(vals[item[3]], item[2], False)
        elif kind == GUARD:
            value = vals[item[1]]._value
            expected = item[2]
            if not (value.dtype == expected.dtype and np.array_equal(
                    value, expected, equal_nan=value.dtype.kind in "fc")):
                return None
        else:
            item[1]([vals[s]._value for s in item[2]])
    return [None if s < 0 else vals[s] for s in program.outputs]


class ConcreteFunction:
    """One trace of a Function, callable with arguments matching it."""

    def __init__(self, function, args, kwargs, structure, specs, call):
        self._function = function
        self._args, self._kwargs = args, kwargs
        self._structure = structure
        self._specs = specs
        self._call = call

    @property
    def structured_input_signature(self):
        return (tuple(self._args), dict(self._kwargs))

    @property
    def structured_outputs(self):
        it = iter(self._output_specs())
        return nest.map_structure(lambda x: next(it) if isinstance(x, _Slot) else x,
                                  self._structure)

    def _output_specs(self):
        return self._function._entries[self._call.key].out_specs

    @property
    def output_dtypes(self):
        return nest.map_structure(lambda s: s.dtype, self.structured_outputs)

    @property
    def output_shapes(self):
        return nest.map_structure(lambda s: s.shape, self.structured_outputs)

    def __call__(self, *args, **kwargs):
        flat_specs = [s for s in nest.flatten([list(self._args), self._kwargs])]
        values = nest.flatten([list(args), kwargs])
        for spec, value in zip(flat_specs, values):
            if isinstance(spec, TensorSpec) and isinstance(value, (Tensor, Variable)) \
                    and value.dtype != spec.dtype:
                raise errors.InvalidArgumentError(
                    f"cannot compute {self._function._name} as input was expected to be a "
                    f"{spec.dtype.name} tensor but is a {value.dtype.name} tensor")
        return self._function(*args, **kwargs)


# --- the decorator --------------------------------------------------------------------

@export("")
def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None, name=None):
    """Trace `func` per trace key and replay the trace on later calls (TF's tf.function).

    Usable as `@function`, `@function(...)` or `function(f, ...)`, on functions,
    lambdas, methods (one trace cache per instance) and callables.

    >>> import fasttape as tf
    >>> @tf.function
    ... def f(x):
    ...     return x * x + 1.0
    >>> f(tf.constant(3.0))
    <fasttape.Tensor: shape=(), dtype=float32, numpy=10.0>
    >>> f.experimental_get_tracing_count()
    1
    """
    experimental = {k: v for k, v in dict(
        implements=experimental_implements, autograph_options=experimental_autograph_options,
        attributes=experimental_attributes, follow_type_hints=experimental_follow_type_hints,
    ).items() if v is not None}
    if experimental_relax_shapes is not None:
        reduce_retracing = bool(experimental_relax_shapes)
    if experimental_compile is not None and jit_compile is None:
        jit_compile = experimental_compile

    def decorate(f):
        if not callable(f):
            raise TypeError(f"fasttape.function: expected a callable, got {type(f).__name__}")
        return Function(f, input_signature=input_signature, autograph=autograph,
                        jit_compile=jit_compile, reduce_retracing=reduce_retracing,
                        name=name, experimental=experimental)
    return decorate if func is None else decorate(func)
