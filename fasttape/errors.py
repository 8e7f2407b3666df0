"""TF's exception hierarchy and error codes (`fasttape.errors`).

Code written for TF catches op failures by class, e.g.
`except tf.errors.InvalidArgumentError`, so fasttape raises the same classes.
As in TF, `OpError` derives directly from `Exception`: an
`InvalidArgumentError` is *not* a `ValueError`.

Each class carries TF's canonical error code. Constructors take TF's
`(node_def, op, message, ...)` arguments; a lone positional string is also
accepted as the message, which is how fasttape itself raises them:

>>> e = InvalidArgumentError("Incompatible shapes: [2] vs. [3]")
>>> str(e), e.error_code, e.op
('Incompatible shapes: [2] vs. [3]', 3, None)

As in TF, `args` is empty and `repr(e)` is `InvalidArgumentError()`; the text
lives in `message` and `str(e)`.
"""

__all__ = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
    "OpError",
    "CancelledError",
    "UnknownError",
    "InvalidArgumentError",
    "DeadlineExceededError",
    "NotFoundError",
    "AlreadyExistsError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "FailedPreconditionError",
    "AbortedError",
    "OutOfRangeError",
    "UnimplementedError",
    "InternalError",
    "UnavailableError",
    "DataLossError",
    "UnauthenticatedError",
]

# Canonical error codes (TF's `error_codes.proto`).
OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """The base class for errors raised when an operation fails.

    Args:
        node_def: The `NodeDef` of the failing op in TF; always None in
            fasttape, which has no graph. A string given here while `op` and
            `message` are None is taken as the message.
        op: The failing `Operation` in TF; None in eager code.
        message: The error text; `str(error)` returns it.
        error_code: One of the integer codes in this module.
        *args: Accepted for signature compatibility with TF and ignored.

    Attributes:
        message: The error text.
        op: The failing operation (None in fasttape).
        node_def: The failing op's definition (None in fasttape).
        error_code: The integer error code.
        experimental_payloads: A dict of extra error details (always empty).
    """

    def __init__(self, node_def=None, op=None, message=None, error_code=UNKNOWN, *args):
        super().__init__()
        if isinstance(node_def, str) and op is None and message is None:
            node_def, message = None, node_def
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code
        self._experimental_payloads = {}

    @property
    def message(self):
        """The error message (a string, or None if none was given)."""
        return self._message

    @property
    def op(self):
        """The operation that failed; None for eager execution."""
        return self._op

    @property
    def node_def(self):
        """The definition of the failed op; None for eager execution."""
        return self._node_def

    @property
    def error_code(self):
        """The integer error code of this error."""
        return self._error_code

    @property
    def experimental_payloads(self):
        """Extra key-value error details; fasttape never sets any."""
        return self._experimental_payloads

    def __str__(self):
        return "" if self._message is None else str(self._message)

    def __reduce__(self):
        # The default Exception pickling replays `args`, which are empty here.
        # The state dict carries notes (`add_note`) and any attributes set later.
        return (
            _rebuild,
            (type(self), self._node_def, self._op, self._message, self._error_code),
            self.__dict__,
        )


def _rebuild(cls, node_def, op, message, error_code):
    """Unpickles an OpError of class `cls`; subclasses supply their own code."""
    if cls is OpError:
        return cls(node_def, op, message, error_code)
    return cls(node_def, op, message)


class CancelledError(OpError):
    """Raised when an operation is cancelled.

    Error code CANCELLED (1). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, CANCELLED)


class UnknownError(OpError):
    """Raised for an error that fits no other class.

    Error code UNKNOWN (2). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, UNKNOWN)


class InvalidArgumentError(OpError):
    """Raised when an op receives an invalid argument, such as mismatched shapes or dtypes.

    Error code INVALID_ARGUMENT (3). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, INVALID_ARGUMENT)


class DeadlineExceededError(OpError):
    """Raised when a deadline expires before an operation completes.

    Error code DEADLINE_EXCEEDED (4). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, DEADLINE_EXCEEDED)


class NotFoundError(OpError):
    """Raised when a requested entity was not found.

    Error code NOT_FOUND (5). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, NOT_FOUND)


class AlreadyExistsError(OpError):
    """Raised when an entity to be created already exists.

    Error code ALREADY_EXISTS (6). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, ALREADY_EXISTS)


class PermissionDeniedError(OpError):
    """Raised when the caller lacks permission for an operation.

    Error code PERMISSION_DENIED (7). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, PERMISSION_DENIED)


class ResourceExhaustedError(OpError):
    """Raised when a resource, such as memory, is exhausted.

    Error code RESOURCE_EXHAUSTED (8). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, RESOURCE_EXHAUSTED)


class FailedPreconditionError(OpError):
    """Raised when the system is not in a state to run an operation.

    Error code FAILED_PRECONDITION (9). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, FAILED_PRECONDITION)


class AbortedError(OpError):
    """Raised when an operation was aborted.

    Error code ABORTED (10). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, ABORTED)


class OutOfRangeError(OpError):
    """Raised when an operation ran past the valid range, e.g. the end of input.

    Error code OUT_OF_RANGE (11). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, OUT_OF_RANGE)


class UnimplementedError(OpError):
    """Raised when an operation is not implemented or not supported.

    Error code UNIMPLEMENTED (12). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, UNIMPLEMENTED)


class InternalError(OpError):
    """Raised when an internal invariant is broken.

    Error code INTERNAL (13). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, INTERNAL)


class UnavailableError(OpError):
    """Raised when a service is unavailable.

    Error code UNAVAILABLE (14). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, UNAVAILABLE)


class DataLossError(OpError):
    """Raised on unrecoverable data loss or corruption.

    Error code DATA_LOSS (15). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, DATA_LOSS)


class UnauthenticatedError(OpError):
    """Raised when a request lacks valid authentication credentials.

    Error code UNAUTHENTICATED (16). The arguments are those of `OpError`
    without `error_code`; a lone string argument is the message.
    """

    def __init__(self, node_def=None, op=None, message=None, *args):
        super().__init__(node_def, op, message, UNAUTHENTICATED)


class OperatorNotAllowedInGraphError(TypeError):
    """Raised when a traced function uses a tensor in a way its trace cannot express:
    as a Python bool with autograph disabled."""
