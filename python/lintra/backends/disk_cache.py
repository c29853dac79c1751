"""The persistent compile cache: compiled executables on disk, shared by processes.

Like JAX's persistent compilation cache. An entry is keyed by the SHA-256 of
everything that determines the compiled bytes: the backend, the exact module
text given to the compiler, the entry function, the compiler flags, the target
CPU and the compiler and runtime versions (`cache_key`). It lives in
`lintra.config.cache_dir` (default `$XDG_CACHE_HOME/lintra`, else
`~/.cache/lintra`) and is skipped when `lintra.config.persistent_cache` is off.

Entry file format: `MAGIC`, the payload length (8 bytes, little endian), the
payload's SHA-256 (32 bytes), the payload. `load` returns None for a missing,
truncated or corrupted entry (and deletes a damaged one), so the caller
recompiles; `store` writes a temporary file and renames it, so readers never
see a partial entry. Disk errors never fail a compile: the cache is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from lintra.settings import config

MAGIC = b"LINTRA-CACHE-1\n"
_HEADER = len(MAGIC) + 8 + 32
STATS = {"disk_hits": 0, "disk_misses": 0, "disk_corrupt": 0}


def cache_key(**parts) -> str:
    """The hex SHA-256 of the parts (str/bytes/list values), order-independent in names."""
    encoded = json.dumps(
        {k: v.hex() if isinstance(v, bytes) else v for k, v in sorted(parts.items())}, sort_keys=True
    )
    return hashlib.sha256(encoded.encode()).hexdigest()


def cache_directory() -> Path | None:
    """Where entries live now, or None when the persistent cache is off."""
    return Path(config.cache_dir) if config.persistent_cache else None


def _entry_path(key: str, suffix: str) -> Path | None:
    directory = cache_directory()
    return None if directory is None else directory / f"{key}.{suffix}"


def load(key: str, suffix: str) -> bytes | None:
    """The payload stored under `key`, or None (missing, damaged, or cache off)."""
    path = _entry_path(key, suffix)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        STATS["disk_misses"] += 1
        return None
    payload = data[_HEADER:]
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little") if len(data) >= _HEADER else -1
    if (
        not data.startswith(MAGIC)
        or length != len(payload)
        or hashlib.sha256(payload).digest() != data[len(MAGIC) + 8 : _HEADER]
    ):
        STATS["disk_corrupt"] += 1
        STATS["disk_misses"] += 1
        try:
            path.unlink()
        except OSError:
            pass
        return None
    STATS["disk_hits"] += 1
    return payload


def store(key: str, suffix: str, payload: bytes) -> None:
    """Save `payload` under `key` atomically (no-op when the cache is off or unwritable)."""
    path = _entry_path(key, suffix)
    if path is None:
        return
    header = MAGIC + len(payload).to_bytes(8, "little") + hashlib.sha256(payload).digest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as file:
            file.write(header + payload)
        os.replace(temporary, path)
    except OSError:
        pass


def stats() -> dict:
    return dict(STATS)
