"""The op registry: each op's forward and derivative rule, declared together.

An op is declared once, in its family file:

    @defop(float_only=True, fused="tanh")
    def tanh(x):
        return np.tanh(x)

    @tanh.defvjp
    def _tanh_vjp(g, ans):          # d tanh = 1 - tanh^2
        return g * (1.0 - ans * ans)

* The forward takes numpy arrays and returns one array. Its parameters without a
  default are the tensor inputs (a ``*name`` parameter makes the op variadic); those
  with a default are attributes, passed by the public function after the tensors.
* The rule takes the output cotangent ``g`` and then, by parameter name, exactly what
  it needs: input names, ``ans`` (the output), attribute names, the variadic name
  (the tuple of inputs), and optionally ``needs`` last (which inputs want a
  gradient). The tape saves exactly those values for the node, nothing else.
* The rule returns one gradient per input (a single one for one-input ops), ``None``
  where an input has no gradient. Rules use fasttape ops only, so that under an outer
  tape they are recorded and can be differentiated again. Rules of ops declared with
  ``broadcasts=True`` return output-shaped gradients; the engine sums them back to
  each input's shape.
* ``batches=True`` declares that the rule also works when ``g`` carries an extra
  leading axis of stacked cotangents (true of rules made of broadcasting elementwise
  ops and matmul). Vectorised jacobians pass all rows through such rules at once and
  run any other rule once per row, for that node only.
* ``fused`` names kernels in fasttape._kernels: a forward kernel for small arrays
  and/or a backward kernel replacing the rule on the first-order path. The backward
  kernel reads one saved operand, which must be the rule's only saved value.

* ``differentiable=False`` declares an op through which no gradient flows, as in TF
  (comparisons, rounding, arg-reductions, integer and bool results, stop_gradient):
  it takes no rule, the tape does not record it, and a gradient through it is
  ``None``. Every other op declares a rule (a test checks that one of the two holds).

* ``.defjvp`` optionally gives a forward-mode rule (a Jacobian-vector product) where
  one is cheaper than the derived one. It takes one tangent per tensor input (None
  where an input carries none), then by name what a VJP rule may read (inputs,
  ``ans``, attributes), and returns the output's tangent. Without it, forward mode
  derives the JVP from the VJP rule (fasttape/forward.py), so every op with a rule
  has one; an explicit JVP is tested against the derived one. Two cheaper forms
  need no formula at all: ``.defjvp_elementwise()`` for ops whose Jacobian is
  diagonal (elementwise, broadcasting allowed), where the VJP rule applied to a
  tangent is the JVP; and ``.defjvp_linear()`` for ops linear in their tensor
  inputs, where the op applied to the tangents is the JVP.

* ``holomorphic=True`` declares an op complex-differentiable (mul, exp, matmul, ...):
  it accepts complex64/128 even when ``float_only``, and its rule, written as
  ``g * f'(x)``, is conjugated for complex cotangents to give TF's convention
  (``g * conj(f'(x))``). Ops that are not holomorphic (abs, real, conj, ...) state
  their complex gradients in their own rules.

* ``namespaces`` names where the public function is published: ``""`` for the top
  level (``tf.X``), ``"math"`` for ``tf.math.X``, ``"nn"``, ``"linalg"``, ... A
  hand-written public function says the same with ``@export("", "math")``. The
  namespace modules (``fasttape/math.py`` ...) are filled from ``EXPORTS``; no other
  list of names exists.

``defop`` returns the public function (TF's signature plus ``name=None``); its ``.op``
is the engine's OpDef. Ops whose public signature needs more than conversion
(axis canonicalisation, several forms) declare ``public=False`` and wrap ``.op``
themselves.
"""

import collections
import functools
import inspect

from fasttape import _engine, _kernels
from fasttape._convert import convert_inputs

__all__ = ["defop", "export", "exports", "set_conjugate", "OPS", "EXPORTS", "RULE_READS",
           "JVPS", "NOT_DIFFERENTIABLE", "HOLOMORPHIC"]

OPS = _engine.OPS
# op code -> (spec, wants_needs): what the VJP rule reads (see _engine.SPEC), kept in
# Python so that forward mode can call the rule on an op's inputs after the fact
RULE_READS = {}
# op code -> (jvp function, spec) for ops declaring an explicit `.defjvp`, or
# ("elementwise", None) / ("linear", None) for the two forms derived from the
# declaration itself
JVPS = {}
# op codes of the ops declared differentiable=False
NOT_DIFFERENTIABLE = set()
# op codes of ops declared holomorphic=True: their rules take complex cotangents
# through _conjugated (TF's convention)
HOLOMORPHIC = set()
# namespace ("" = top level, "math", "nn", "linalg", ...) -> {public name: object}
EXPORTS = collections.defaultdict(dict)


def export(*namespaces, name=None):
    """Publish the decorated object as ``tf.<namespace>.<name>`` in each namespace
    (``""`` is the top level); ``name`` defaults to the object's ``__name__``."""
    def publish(obj):
        public = name or obj.__name__
        for ns in namespaces:
            held = EXPORTS[ns].get(public)
            if held is not None and held is not obj:
                raise LookupError(f"tf.{ns + '.' if ns else ''}{public} is declared twice "
                                  f"({held!r} and {obj!r})")
            EXPORTS[ns][public] = obj
        return obj
    return publish


def exports(namespace):
    """{name: object} published in `namespace` ("" for the top level)."""
    return dict(EXPORTS.get(namespace, {}))


def defop(forward=None, *, name=None, float_only=False, same_dtype=True, broadcasts=False,
          fused=None, public=True, batches=False, namespaces=(), differentiable=True,
          holomorphic=False):
    """Declare an op from its forward function (a decorator). See the module doc."""
    if forward is None:
        return lambda f: defop(f, name=name, float_only=float_only, same_dtype=same_dtype,
                               broadcasts=broadcasts, fused=fused, public=public,
                               batches=batches, namespaces=namespaces,
                               differentiable=differentiable, holomorphic=holomorphic)
    op_name = name or forward.__name__
    tensors, variadic, attrs = _split_signature(forward)
    kernels = _kernel_tables(len(tensors))
    fused_forward = kernels[0].get(fused, -1) if fused else -1
    if fused and fused not in kernels[0] and fused not in kernels[1]:
        raise LookupError(f"{op_name}: no fused kernel named {fused!r}")
    if variadic and attrs:
        forward = _attrs_by_keyword(forward, [a for a, _ in attrs])
    op = _engine.OpDef(op_name, forward, -1 if variadic else len(tensors),
                       float_only=float_only, complex_ok=holomorphic, same_dtype=same_dtype,
                       broadcasts=broadcasts, fused_forward=fused_forward, batches=batches,
                       defaults=tuple(default for _, default in attrs))
    if holomorphic:
        HOLOMORPHIC.add(op.code)
    fn = _make_public(op, forward, tensors, variadic, attrs) if public else _Declared(op)
    fn.op = op
    fn.differentiable = differentiable
    if differentiable:
        fn.defvjp = lambda rule: _set_rule(op, rule, tensors, variadic, attrs, fused)
    else:
        NOT_DIFFERENTIABLE.add(op.code)
        fn.defvjp = functools.partial(_refuse_rule, op_name)
    fn.defjvp = lambda rule: _set_jvp(op, rule, tensors, variadic, attrs)
    fn.defjvp_elementwise = lambda: _set_jvp_kind(op, "elementwise")
    fn.defjvp_linear = lambda: _set_jvp_kind(op, "linear")
    if namespaces:
        if not public:
            raise TypeError(f"{op_name}: a public=False op is published by its wrapper "
                            f"(@export), not by defop")
        export(*namespaces)(fn)
    return fn


def _refuse_rule(op_name, rule):
    raise TypeError(f"{op_name} is declared differentiable=False: it takes no rule")


def _attrs_by_keyword(forward, names):
    """The engine passes attributes after the arrays; a variadic forward takes them by
    keyword (they follow its `*inputs`)."""
    n = len(names)

    @functools.wraps(forward)
    def call(*args):
        return forward(*args[:-n], **dict(zip(names, args[-n:])))
    return call


class _Declared:
    """What ``defop(public=False)`` returns: a handle on the op for its wrapper."""

    def __init__(self, op):
        self.op = op

    def __call__(self, *args):
        return self.op(*args)


def _split_signature(forward):
    tensors, attrs, variadic = [], [], None
    for p in inspect.signature(forward).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            variadic = p.name
        elif p.default is p.empty and p.kind is not p.KEYWORD_ONLY:
            tensors.append(p.name)
        else:
            attrs.append((p.name, p.default))
    return tensors, variadic, attrs


def _spec_of(op, reads, tensors, variadic, attrs):
    """The engine's codes (SPEC) for the values a rule reads, from their names."""
    attr_names = [a for a, _ in attrs]
    spec = []
    for p in reads:
        if p in tensors:
            spec.append(tensors.index(p))
        elif p == variadic:
            spec.append(_engine.SPEC["inputs"])
        elif p == "ans":
            spec.append(_engine.SPEC["ans"])
        elif p in attr_names:
            spec.append(_engine.SPEC["attr"] - attr_names.index(p))
        else:
            raise TypeError(f"{op.name}: rule parameter {p!r} is neither an input, 'ans', "
                            f"an attribute nor 'needs'")
    return spec


def _set_rule(op, rule, tensors, variadic, attrs, fused):
    """Attach `rule` to `op`, deriving what the tape saves from its parameter names."""
    params = list(inspect.signature(rule).parameters)
    if not params:
        raise TypeError(f"{op.name}: a rule takes the cotangent g first")
    wants_needs = params[-1] == "needs"
    reads = params[1:-1] if wants_needs else params[1:]
    spec = _spec_of(op, reads, tensors, variadic, attrs)
    fused_backward = -1
    backward = _kernel_tables(len(tensors))[1]
    if fused in backward:
        fused_backward, operands = backward[fused]
        if reads != list(operands):
            raise TypeError(f"{op.name}: the fused kernel reads {list(operands)}, so the rule "
                            f"must read exactly that, not {reads}")
    op.set_rule(_conjugated(rule) if op.code in HOLOMORPHIC else rule, spec, wants_needs,
                fused_backward)
    RULE_READS[op.code] = (tuple(spec), wants_needs)
    return rule


def set_conjugate(conj_op):
    """Install the conj op (fasttape.ops.complex_ops) that holomorphic rules use."""
    global _CONJ
    _CONJ = conj_op


_CONJ = None


def _conjugated(rule):
    """A holomorphic op's rule in TF's convention for complex cotangents.

    The rule is written as g * f'(x) with ops that extend analytically to complex
    values. TF's gradient of a complex value is the conjugate of that product,
    g * conj(f'(x)) = conj(rule(conj(g))); real cotangents take the rule as written.
    """
    def rule_for_complex(g, *args):
        if g._value.dtype.kind != "c":
            return rule(g, *args)
        res = rule(_engine.apply(_CONJ, (g,), ()), *args)
        if isinstance(res, (tuple, list)):
            return tuple(None if r is None else _engine.apply(_CONJ, (r,), ()) for r in res)
        return _engine.apply(_CONJ, (res,), ())
    rule_for_complex.__wrapped__ = rule
    return rule_for_complex


def _set_jvp(op, jvp, tensors, variadic, attrs):
    """Attach an explicit forward rule: one tangent per tensor input, then reads."""
    if variadic:
        raise TypeError(f"{op.name}: variadic ops use the derived JVP")
    params = list(inspect.signature(jvp).parameters)
    if len(params) < len(tensors):
        raise TypeError(f"{op.name}: a JVP rule takes one tangent per input "
                        f"({len(tensors)}) first")
    spec = _spec_of(op, params[len(tensors):], tensors, variadic, attrs)
    JVPS[op.code] = (jvp, tuple(spec))
    return jvp


def _set_jvp_kind(op, kind):
    if kind == "elementwise" and op.rule is None:
        raise TypeError(f"{op.name}: declare the VJP rule before defjvp_elementwise()")
    JVPS[op.code] = (kind, None)


def _kernel_tables(n_in):
    """(forward kernels {name: index}, backward kernels {name: (index, operands)})."""
    if n_in == 2:
        return ({k: i for k, (i, _) in _kernels.BINARY.items()},
                {k: (i, reads) for k, (i, reads) in _kernels.BINARY.items() if reads is not None})
    backward = {k: (i, (operand,)) for k, (i, operand) in _kernels.BACKWARD.items()}
    return (_kernels.FORWARD, backward)


def _make_public(op, forward, tensors, variadic, attrs):
    """Generate `name(inputs..., attrs=defaults..., name=None)` calling the op directly.

    Generated (like collections.namedtuple) so the call costs one conversion and one
    apply, with no argument binding at run time.
    """
    if variadic:
        raise TypeError(f"{op.name}: variadic ops need a hand-written public function")
    env = {"_apply": _engine.apply, "_op": op, "_convert": convert_inputs}
    params = list(tensors)
    for i, (attr, default) in enumerate(attrs):
        env[f"_d{i}"] = default
        params.append(f"{attr}=_d{i}")
    params.append("name=None")
    ins = "".join(f"{t}, " for t in tensors)
    ats = "".join(f"{a}, " for a, _ in attrs)
    src = (f"def {op.name}({', '.join(params)}):\n"
           f"    return _apply(_op, _convert(({ins})), ({ats}))\n")
    exec(src, env)
    fn = env[op.name]
    fn.__doc__ = forward.__doc__
    fn.__module__ = forward.__module__
    fn.__qualname__ = op.name
    return fn
