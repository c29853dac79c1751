"""Process-wide settings of lintra: `lintra.config`.

    lintra.config.update("backend", "mlir-cpu")        # default backend of jit and transformations
    lintra.config.update("cache_dir", "/tmp/lintra")    # where compiled executables persist
    lintra.config.update("persistent_cache", False)     # compile in memory only
    lintra.config.update("cuda_target", "sm_80")        # PTX target of the iree-cuda backend
    lintra.config.backend, lintra.config.cache_dir      # current values

Initial values come from the environment: `LINTRA_BACKEND` (unset: None, which
means `lintra.backends.DEFAULT_BACKEND`, "iree-cpu"), `LINTRA_CACHE_DIR`
(default `$XDG_CACHE_HOME/lintra`, else `~/.cache/lintra`) and
`LINTRA_PERSISTENT_CACHE` ("0", "false", "no" or "off" turn it off) and
`LINTRA_CUDA_TARGET` (unset: None, which means
`lintra.backends.iree_cuda.DEFAULT_TARGET`).
An unknown setting is a KeyError naming the known ones; a backend name is
checked where it is used (ValueError listing the registered backends).
"""

from __future__ import annotations

import os
from pathlib import Path

_FALSE = {"0", "false", "no", "off"}


def default_cache_dir(environ=os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lintra"


class Config:
    """The settings; read them as attributes, change them with `update`."""

    def __init__(self, environ=os.environ):
        self._values = {
            "backend": environ.get("LINTRA_BACKEND") or None,
            "cache_dir": Path(environ["LINTRA_CACHE_DIR"])
            if environ.get("LINTRA_CACHE_DIR")
            else default_cache_dir(environ),
            "persistent_cache": environ.get("LINTRA_PERSISTENT_CACHE", "1").strip().lower() not in _FALSE,
            "cuda_target": environ.get("LINTRA_CUDA_TARGET") or None,
        }

    def update(self, name: str, value) -> None:
        if name not in self._values:
            raise KeyError(
                f"unknown lintra setting {name!r}: expected one of {', '.join(sorted(self._values))}"
            )
        if name == "cache_dir":
            value = Path(value).expanduser() if value is not None else default_cache_dir()
        elif name == "persistent_cache":
            value = bool(value)
        elif value is not None and not isinstance(value, str):
            raise TypeError(f"lintra setting {name!r} must be a str or None, got {type(value).__name__}")
        self._values[name] = value

    def __getattr__(self, name: str):
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(f"lintra.config has no setting {name!r}") from None

    def __repr__(self) -> str:
        return f"Config({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"


config = Config()
