"""lintra.export: compile a function ahead of time into a file that runs without the compiler.

    lintra.export(lintra.grad(loss), params, x, target="cpu", path="out/grad_loss.vmfb")
    # writes out/grad_loss.vmfb (IREE's VM flatbuffer) and out/grad_loss.json (its signature)
    g = lintra.load("out/grad_loss.vmfb")      # needs only iree-base-runtime and numpy
    g(params, x)                               # the same pytree of numpy arrays as lintra.jit's
    # iree-run-module --device=local-task --module=out/grad_loss.vmfb --function=__lintra_entry ...

Contract:
- `fun` is traced at the example arguments (pytrees of tuples, lists, dicts
  and None, with numpy arrays and scalars as leaves; only their shapes and
  dtypes matter), `lintra-ad` expands it, and the IREE backend of `target`
  compiles it: "cpu" is `iree-cpu` (code for this machine's CPU), "cuda" is
  `iree-cuda` (PTX for `cuda_target`, default `lintra.config.cuda_target`,
  then `iree_cuda.DEFAULT_TARGET`). Compiling for cuda needs no GPU.
- The artifact is `<stem>.vmfb` and `<stem>.json`, the signature described in
  `lintra.exported` (pytree structures, per-leaf dtype and shape, the IREE
  driver and function, compile flags, versions). `path` may name the .vmfb
  or the stem; missing folders are created. Returns the .vmfb's Path.
- Containers other than tuple, list, dict and None (namedtuples, registered
  classes), in arguments or results, are a TypeError: the loader must rebuild
  them without the classes. Errors of tracing are those of `lintra.jit`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

from lintra.exported import ENTRY_NAME, FORMAT, artifact_paths, slot_to_json

from .jit import Staged, flatten_arguments, function_name
from .pytree import PyTreeKind, TreeDef
from .settings import config

TARGETS = {"cpu": "iree-cpu", "cuda": "iree-cuda"}


def tree_to_json(treedef: TreeDef, where: str):
    """The JSON form of a pytree structure (see `lintra.exported`); TypeError for other containers."""
    kind = treedef.kind
    if kind == PyTreeKind.LEAF:
        return "*"
    if kind == PyTreeKind.NONE:
        return None
    children = [tree_to_json(child, where) for child in treedef.children()]
    if kind == PyTreeKind.TUPLE:
        return {"tuple": children}
    if kind == PyTreeKind.LIST:
        return {"list": children}
    if kind == PyTreeKind.DICT:
        keys = treedef.entries()
        bad = [key for key in keys if not isinstance(key, (str, int, float, bool))]
        if bad:
            raise TypeError(f"lintra.export: dict keys of {where} must be str, int, float or bool, got {bad}")
        return {"dict": [[key, child] for key, child in zip(keys, children, strict=True)]}
    raise TypeError(
        f"lintra.export: {where} may hold only tuples, lists, dicts and None as containers "
        f"(the loader rebuilds them without your classes), got {treedef}"
    )


def export(fun, *example_args, target: str = "cpu", path, cuda_target: str | None = None) -> Path:
    """Compile `fun` at the example arguments' shapes and dtypes and write `<stem>.vmfb` and
    `<stem>.json` (see the module docstring); returns the .vmfb's Path."""
    if target not in TARGETS:
        raise ValueError(f"unknown lintra.export target {target!r}: expected one of {', '.join(TARGETS)}")
    name = function_name(fun)
    _, in_tree, avals = flatten_arguments(example_args, f"argument of {name}")
    in_json = tree_to_json(in_tree, f"the arguments of {name}")
    staged = Staged(fun, avals, in_tree, name)
    out_json = tree_to_json(staged.out_tree, f"the result of {name}")
    previous = config.cuda_target
    try:
        config.update("cuda_target", cuda_target or previous)
        executable = staged.compile(TARGETS[target]).executable
    finally:
        config.update("cuda_target", previous)
    vmfb_path, json_path = artifact_paths(path)
    signature = {
        "format": FORMAT,
        "name": name,
        "target": target,
        "driver": executable.driver,
        "function": ENTRY_NAME,
        "vmfb": vmfb_path.name,
        "vmfb_sha256": hashlib.sha256(executable.vmfb).hexdigest(),
        "in_tree": in_json,
        "out_tree": out_json,
        "inputs": [
            slot_to_json(aval.dtype, aval.shape, slot)
            for aval, slot in zip(avals, executable.inputs, strict=True)
        ],
        "outputs": [
            slot_to_json(aval.dtype, aval.shape, slot)
            for aval, slot in zip(staged.out_avals, executable.results, strict=True)
        ],
        "compile_flags": list(executable.flags),
        "iree_runtime": importlib.metadata.version("iree-base-runtime"),
    }
    for flag in executable.flags:
        if flag.startswith("--iree-cuda-target="):
            signature["cuda_target"] = flag.split("=", 1)[1]
    vmfb_path.parent.mkdir(parents=True, exist_ok=True)
    vmfb_path.write_bytes(executable.vmfb)
    json_path.write_text(json.dumps(signature, indent=1) + "\n")
    return vmfb_path
