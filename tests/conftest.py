import numpy as np
import pytest
from hypothesis import settings

import fasttape._engine as engine

settings.register_profile("ci", max_examples=8, deadline=None)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("intense", max_examples=300, deadline=None)
settings.load_profile("ci")


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run the hostile-input fuzz tests with 100x the examples")


@pytest.fixture(autouse=True)
def no_tape_left_recording():
    """Fail any test that leaves a tape recording in this thread."""
    yield
    leaked = engine.any_recording()
    engine._thread.active.clear() if leaked else None
    assert not leaked, "a GradientTape was left recording"


@pytest.fixture
def rng():
    return np.random.default_rng(0)
