"""Tests for fasttape.errors (behaviour checked against TF 2.21's tf.errors)."""

import pickle

import pytest

from fasttape import errors

CODES = {
    "OK": 0,
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}

ERROR_CODES = {
    "CancelledError": 1,
    "UnknownError": 2,
    "InvalidArgumentError": 3,
    "DeadlineExceededError": 4,
    "NotFoundError": 5,
    "AlreadyExistsError": 6,
    "PermissionDeniedError": 7,
    "ResourceExhaustedError": 8,
    "FailedPreconditionError": 9,
    "AbortedError": 10,
    "OutOfRangeError": 11,
    "UnimplementedError": 12,
    "InternalError": 13,
    "UnavailableError": 14,
    "DataLossError": 15,
    "UnauthenticatedError": 16,
}


@pytest.mark.parametrize("name, code", CODES.items())
def test_code_constants(name, code):
    assert getattr(errors, name) == code


def test_all_lists_tf_public_names():
    assert set(errors.__all__) == set(CODES) | set(ERROR_CODES) | {"OpError"}


def test_op_error_derives_directly_from_exception():
    assert errors.OpError.__bases__ == (Exception,)


@pytest.mark.parametrize("name", ERROR_CODES)
def test_subclasses_derive_from_op_error_only(name):
    cls = getattr(errors, name)
    assert cls.__bases__ == (errors.OpError,)
    assert not issubclass(cls, (ValueError, TypeError, RuntimeError))


@pytest.mark.parametrize("name, code", ERROR_CODES.items())
def test_subclass_error_code(name, code):
    assert getattr(errors, name)(None, None, "m").error_code == code


@pytest.mark.parametrize("name", ERROR_CODES)
def test_class_name_and_module(name):
    cls = getattr(errors, name)
    assert cls.__name__ == cls.__qualname__ == name
    assert cls.__module__ == "fasttape.errors"


def test_tf_positional_signature():
    e = errors.InvalidArgumentError("node", "op", "bad input")
    assert (e.node_def, e.op, e.message) == ("node", "op", "bad input")
    assert str(e) == "bad input"


def test_keyword_signature():
    e = errors.InvalidArgumentError(node_def=None, op=None, message="kw")
    assert e.message == "kw" and str(e) == "kw"


def test_single_positional_message():
    e = errors.InvalidArgumentError("Incompatible shapes: [2] vs. [3]")
    assert e.message == "Incompatible shapes: [2] vs. [3]"
    assert str(e) == "Incompatible shapes: [2] vs. [3]"
    assert e.node_def is None and e.op is None
    assert e.error_code == errors.INVALID_ARGUMENT


def test_extra_positional_args_are_ignored_by_subclasses():
    # TF: UnknownError(None, None, "u", 99).error_code is still 2.
    e = errors.UnknownError(None, None, "u", 99, "more")
    assert e.error_code == errors.UNKNOWN and str(e) == "u"


def test_op_error_takes_error_code():
    e = errors.OpError(None, None, "m", errors.NOT_FOUND)
    assert e.error_code == 5 and str(e) == "m"


def test_op_error_single_message_defaults_to_unknown_code():
    e = errors.OpError("m")
    assert e.message == "m" and e.error_code == errors.UNKNOWN


def test_args_and_repr_match_tf():
    e = errors.InvalidArgumentError(None, None, "msg")
    assert e.args == ()
    assert repr(e) == "InvalidArgumentError()"


def test_str_without_message_is_empty():
    assert str(errors.InternalError()) == ""
    assert errors.InternalError().message is None


def test_experimental_payloads_is_empty_dict():
    assert errors.InvalidArgumentError("m").experimental_payloads == {}


def test_catchable_as_op_error():
    with pytest.raises(errors.OpError, match="boom"):
        raise errors.InvalidArgumentError("boom")


def test_attributes_are_read_only():
    e = errors.InvalidArgumentError("m")
    with pytest.raises(AttributeError):
        e.message = "other"


@pytest.mark.parametrize("name, code", ERROR_CODES.items())
def test_pickle_round_trip(name, code):
    e = getattr(errors, name)(None, None, f"{name} happened")
    restored = pickle.loads(pickle.dumps(e))
    assert type(restored) is type(e)
    assert str(restored) == f"{name} happened"
    assert restored.error_code == code
    assert (restored.node_def, restored.op) == (None, None)


def test_pickle_round_trip_op_error_keeps_code():
    restored = pickle.loads(pickle.dumps(errors.OpError(None, None, "m", errors.ABORTED)))
    assert type(restored) is errors.OpError and restored.error_code == errors.ABORTED


def test_pickle_keeps_notes():
    e = errors.InvalidArgumentError("m")
    e.add_note("while computing the gradient")
    assert pickle.loads(pickle.dumps(e)).__notes__ == ["while computing the gradient"]
