"""pytest set-up shared by all test files: the persistent compile cache goes to a
temporary directory of the session (never the user's), also for subprocesses."""

import os

import pytest

import lintra


@pytest.fixture(autouse=True, scope="session")
def temporary_compile_cache(tmp_path_factory):
    directory = tmp_path_factory.mktemp("lintra-cache")
    previous = (lintra.config.cache_dir, os.environ.get("LINTRA_CACHE_DIR"))
    lintra.config.update("cache_dir", directory)
    os.environ["LINTRA_CACHE_DIR"] = str(directory)
    yield directory
    lintra.config.update("cache_dir", previous[0])
    if previous[1] is None:
        os.environ.pop("LINTRA_CACHE_DIR", None)
    else:
        os.environ["LINTRA_CACHE_DIR"] = previous[1]
