"""tf.Module and tf.name_scope.

A name scope prefixes the names of Variables created inside it (``a/b/v:0``). A Module
owns a scope named after it and finds its variables and submodules by walking its
attributes (and the lists, tuples and dicts in them) in sorted attribute order.
"""

import functools
import re
import threading

from fasttape import _engine

_state = threading.local()


def _current_scope():
    return getattr(_state, "scope", "")


def _scoped(name):
    return _current_scope() + name


_engine.set_variable_name_hook(_scoped)


class name_scope:
    """A context manager that prefixes the names of Variables created inside it.

    ``name_scope("a")`` nests under the current scope; a name ending in ``/`` is taken
    as a full scope; ``""`` returns to the top. Entering yields the full scope
    (``"a/b/"``). Eager scopes are not made unique: entering one twice gives the same
    prefix.
    """

    def __init__(self, name):
        if not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        self._name = name
        self._saved = []

    @property
    def name(self):
        return self._name

    def __enter__(self):
        outer = _current_scope()
        if not self._name:
            scope = ""
        elif self._name.endswith("/"):
            scope = self._name
        else:
            scope = outer + self._name + "/"
        self._saved.append(outer)
        _state.scope = scope
        return scope

    def __exit__(self, *exc):
        _state.scope = self._saved.pop()
        return False


_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def _snake_case(name):
    """ConvBlock -> conv_block, XMLParser3 -> xml_parser3."""
    return _CAMEL.sub(r"_\1", name).lower()


def _is_variable(x):
    return isinstance(x, _engine.Variable)


def _leaves(value):
    """The leaves of a nest of lists, tuples and dicts (dicts in sorted key order)."""
    if isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:
            keys = list(value)
        for k in keys:
            yield from _leaves(value[k])
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


class Module:
    """A named container of Variables and other Modules.

    ``variables``, ``trainable_variables`` and ``submodules`` walk the instance's
    attributes in sorted order, each object once: the module's own leaves first, then
    each submodule's in the order they were found.
    """

    # attributes the walk skips (subclasses may extend this)
    _TF_MODULE_IGNORED_PROPERTIES = frozenset()

    def __init__(self, name=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name).")
        self._name = name
        with name_scope(name) as scope:
            self._scope_name = scope
        self._name_scope = name_scope(self._scope_name)

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        """The module's scope: ``with self.name_scope:`` prefixes new Variables."""
        return self._name_scope

    @property
    def variables(self):
        """Every Variable reachable from this module, each once."""
        return tuple(self._flatten(_is_variable))

    @property
    def trainable_variables(self):
        return tuple(self._flatten(lambda x: _is_variable(x) and x.trainable))

    @property
    def non_trainable_variables(self):
        return tuple(self._flatten(lambda x: _is_variable(x) and not x.trainable))

    @property
    def submodules(self):
        """Every Module reachable from this one (not itself), each once."""
        return tuple(self._flatten(lambda x: isinstance(x, Module)))

    def _flatten(self, predicate, recursive=True):
        return _walk(self, predicate, recursive, {id(self)}, set())

    @classmethod
    def with_name_scope(cls, method):
        """Decorate a method to run inside ``self.name_scope``."""
        @functools.wraps(method)
        def scoped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return scoped

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


def _walk(module, predicate, recursive, seen, in_progress):
    """Leaves of `module`'s attributes matching `predicate`, then (recursively) those of
    its submodules; `seen` is shared by the whole walk so each object appears once."""
    if id(module) in in_progress:   # a cycle: list what is found, don't descend again
        recursive = False
    found = []
    attrs = vars(module)
    for key in sorted(attrs):
        if key in module._TF_MODULE_IGNORED_PROPERTIES:
            continue
        for leaf in _leaves(attrs[key]):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield leaf
            if recursive and isinstance(leaf, Module):
                found.append(leaf)
    in_progress.add(id(module))
    for sub in found:
        yield from _walk(sub, predicate, recursive, seen, in_progress)
    in_progress.discard(id(module))
