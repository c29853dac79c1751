"""A representative subset of the frontend tests (jit and the transformations,
against JAX) run again on the backend that is not the default, so both
backends stay tested; the whole frontend suite runs on the default backend."""

import pytest
from test_frontend_jit import *  # noqa: F401,F403  (the tests are collected here again)
from test_frontend_transforms import *  # noqa: F401,F403

import lintra
from lintra import backends

OTHER_BACKEND = next(name for name in backends.available() if name != backends.resolve())


@pytest.fixture(autouse=True)
def on_other_backend():
    previous = lintra.config.backend
    lintra.config.update("backend", OTHER_BACKEND)
    yield
    lintra.config.update("backend", previous)
