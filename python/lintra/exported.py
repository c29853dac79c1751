"""Running compiled lintra functions with nothing but IREE's runtime and numpy.

    f = lintra.load("grad_f.vmfb")             # with lintra installed
    f = exported.load("grad_f.vmfb")           # without: this file copied as exported.py
    f(params, x)                               # pytrees of numpy arrays in and out
    f.signature["inputs"]                      # names, shapes, dtypes (see `lintra.export`)

This module imports only the standard library, numpy and `iree.runtime` (the
`iree-base-runtime` package): no MLIR bindings, no compiler, nothing else of
lintra. It is importable on its own (copy this one file beside an exported
artifact) and it is also what lintra's in-process IREE backends call through,
so an exported function runs exactly the code a `lintra.jit` call runs.

Contents:
- `Slot`: one argument or result at the compiled boundary (dtype, shape).
- `IreeFunction(name, vmfb, driver, inputs, results)`: one compiled entry
  function; the VM module is loaded on the first call (so compiling for a
  device that is absent here works; calling is then a RuntimeError naming the
  driver). Arguments are cast to the slot dtypes and shape-checked; bool
  crosses IREE as int8; outputs are fresh numpy arrays.
- `load(path, driver=None)`: an `Exported` callable from `<stem>.vmfb` and the
  signature `<stem>.json` beside it (written by `lintra.export`). Its arguments
  must have the exported pytree structure, shapes and dtypes (Python scalars
  are cast); otherwise TypeError/ValueError naming the leaf.

Signature (JSON) fields: `format` (`FORMAT`), `name`, `target` ("cpu" or
"cuda"), `driver`, `function` (the VM function, for `iree-run-module
--function=`), `vmfb` (file name) and `vmfb_sha256`, `in_tree` / `out_tree`
(pytree structure: null for None, "*" for a leaf, {"tuple": [...]},
{"list": [...]}, {"dict": [[key, subtree], ...]} with keys in sorted order),
`inputs` / `outputs` (one per leaf: `dtype` as the caller sees it, `shape`,
`vm_dtype` at the IREE boundary, `vm_type` for `iree-run-module --input=`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import iree.runtime as iree_runtime
import numpy as np

FORMAT = "lintra-export-1"
ENTRY_NAME = "__lintra_entry"
SYNC_BYTES = 64 * 1024
_VM_ELEMENT = {"float32": "f32", "float64": "f64", "int8": "i8", "int32": "i32", "int64": "i64"}


@dataclass(frozen=True)
class Slot:
    """An argument or result: its type in the source function (for messages),
    and the numpy dtype and shape the caller passes or receives."""

    type_text: str
    dtype: np.dtype
    shape: tuple
    is_tensor: bool = True

    @property
    def vm_dtype(self) -> np.dtype:
        """The dtype crossing IREE's boundary (bool as int8)."""
        return np.dtype(np.int8) if self.dtype == np.bool_ else self.dtype

    @property
    def nbytes(self) -> int:
        return self.dtype.itemsize * int(np.prod(self.shape))

    def vm_type(self) -> str:
        """The boundary type as `iree-run-module --input=` spells it (`2x3xf32`, `f64`)."""
        return "x".join([*map(str, self.shape), _VM_ELEMENT[self.vm_dtype.name]])


def cpu_driver(inputs, results) -> str:
    """IREE's CPU device for a function: `local-sync` (the calling thread) when its
    arguments and results take at most SYNC_BYTES (handing work to threads costs
    more than it saves), else the multithreaded `local-task`."""
    return "local-sync" if sum(slot.nbytes for slot in (*inputs, *results)) <= SYNC_BYTES else "local-task"


@functools.cache
def runtime_config(driver: str):
    """The process-wide IREE instance and device of `driver` (created on first use)."""
    return iree_runtime.Config(driver)


def device_config(driver: str, name: str):
    """`runtime_config(driver)`, or a RuntimeError saying which device is missing."""
    try:
        return runtime_config(driver)
    except (RuntimeError, ValueError) as error:
        while error.__cause__ is not None:  # IREE chains the driver's own message
            error = error.__cause__
        reason = str(error).strip() or type(error).__name__
        raise RuntimeError(
            f"@{name} is compiled for IREE's {driver!r} driver, but no {driver} device can be used "
            f"here ({reason}); compiling and lintra.export work without one"
        ) from None


class IreeFunction:
    """One compiled entry function of a VM flatbuffer (see the module docstring)."""

    def __init__(self, name: str, vmfb: bytes, driver: str, inputs, results, function: str = ENTRY_NAME):
        self.name, self.vmfb, self.driver = name, vmfb, driver
        self.inputs, self.results = list(inputs), list(results)
        self.function_name = function
        self._bools_in = [slot.dtype == np.bool_ for slot in self.inputs]
        self._bools_out = [slot.dtype == np.bool_ for slot in self.results]
        self._function = None

    def load(self):
        """The IREE function to invoke (the module is loaded on the device the first time)."""
        if self._function is None:
            config = device_config(self.driver, self.name)
            context = iree_runtime.SystemContext(config=config)
            context.add_vm_module(iree_runtime.VmModule.copy_buffer(config.vm_instance, self.vmfb))
            self.config, self._context = config, context
            self._function = context.modules.module[self.function_name]
        return self._function

    def __call__(self, *args) -> tuple:
        function = self._function or self.load()
        if len(args) != len(self.inputs):
            raise TypeError(f"@{self.name} takes {len(self.inputs)} arguments, got {len(args)}")
        arrays = []
        for index, (arg, slot, is_bool) in enumerate(zip(args, self.inputs, self._bools_in, strict=True)):
            array = np.asarray(arg, slot.dtype)
            if array.shape != slot.shape:
                raise ValueError(
                    f"@{self.name} argument #{index} must have shape {slot.shape} for "
                    f"{slot.type_text}, got {array.shape}"
                )
            arrays.append(array.astype(np.int8) if is_bool else array)
        try:
            outputs = function(*arrays)
        except RuntimeError as error:
            # The IREE runtime reports a failed allocation (e.g. an intermediate
            # larger than the memory available) as RESOURCE_EXHAUSTED.
            if "RESOURCE_EXHAUSTED" in str(error):
                raise MemoryError(
                    f"@{self.name}: the IREE runtime could not allocate a buffer "
                    f"(RESOURCE_EXHAUSTED: {str(error).splitlines()[0]})"
                ) from None
            raise
        if not isinstance(outputs, tuple):
            outputs = () if outputs is None else (outputs,)
        # Copies: the array `to_host()` maps does not keep the device buffer alive,
        # so a view of a result (`f(x)[0]`) would read memory a later call reuses.
        return tuple(
            np.array(output.to_host(), dtype=np.bool_ if is_bool else None, copy=True)
            for output, is_bool in zip(outputs, self._bools_out, strict=True)
        )


def tree_flatten(tree, node, what: str = "argument") -> list:
    """[(path, leaf)] of `tree`, which must have the structure `node` (JSON, see the
    module docstring); a TypeError naming (`what` and the path) the first place where it differs."""
    leaves = []

    def _where(path):
        return f"{what} {path}" if path else f"{what}s"

    def visit(value, node, path):
        if node == "*":
            leaves.append((path, value))
        elif node is None:
            if value is not None:
                raise TypeError(f"{_where(path)}: expected None, got {type(value).__name__}")
        else:
            ((kind, children),) = node.items()
            expected = {"tuple": tuple, "list": list, "dict": dict}[kind]
            if not isinstance(value, expected):
                raise TypeError(f"{_where(path)}: expected a {kind}, got {type(value).__name__}")
            if kind == "dict":
                keys = [key for key, _ in children]
                if sorted(value, key=repr) != sorted(keys, key=repr):
                    raise TypeError(f"{_where(path)}: expected a dict with keys {keys}, got {sorted(value)}")
                for key, child in children:
                    visit(value[key], child, f"{path}[{key!r}]")
            else:
                if len(value) != len(children):
                    raise TypeError(
                        f"{_where(path)}: expected a {kind} of {len(children)} items, got {len(value)}"
                    )
                for index, (item, child) in enumerate(zip(value, children, strict=True)):
                    visit(item, child, f"{path}[{index}]")

    visit(tree, node, "")
    return leaves


def tree_unflatten(node, leaves):
    """The pytree of structure `node` holding `leaves` (in order)."""
    iterator = iter(leaves)

    def build(node):
        if node == "*":
            return next(iterator)
        if node is None:
            return None
        ((kind, children),) = node.items()
        if kind == "dict":
            return {key: build(child) for key, child in children}
        items = [build(child) for child in children]
        return tuple(items) if kind == "tuple" else items

    return build(node)


def slot_from_json(entry: dict, what: str) -> Slot:
    return Slot(what, np.dtype(entry["dtype"]), tuple(entry["shape"]))


def slot_to_json(dtype, shape, vm: Slot) -> dict:
    """The signature entry of one leaf: its dtype/shape and the VM boundary slot `vm`."""
    return {
        "dtype": np.dtype(dtype).name,
        "shape": list(shape),
        "vm_dtype": vm.vm_dtype.name,
        "vm_type": vm.vm_type(),
    }


class Exported:
    """A function exported by `lintra.export`, loaded by `load`: call it like the original."""

    def __init__(self, signature: dict, vmfb: bytes, driver: str | None = None):
        self.signature = signature
        self.name = signature["name"]
        self.in_tree, self.out_tree = signature["in_tree"], signature["out_tree"]
        self.in_slots = [slot_from_json(e, f"input leaf #{i}") for i, e in enumerate(signature["inputs"])]
        self.out_slots = [slot_from_json(e, f"output #{i}") for i, e in enumerate(signature["outputs"])]
        vm_in = [Slot(s.type_text, np.dtype(e["vm_dtype"]), s.shape) for s, e in self._pairs("inputs")]
        vm_out = [Slot(s.type_text, np.dtype(e["vm_dtype"]), s.shape) for s, e in self._pairs("outputs")]
        self.function = IreeFunction(
            self.name, vmfb, driver or signature["driver"], vm_in, vm_out, signature["function"]
        )

    def _pairs(self, part: str):
        slots = self.in_slots if part == "inputs" else self.out_slots
        return zip(slots, self.signature[part], strict=True)

    def __call__(self, *args):
        leaves = tree_flatten(args, self.in_tree, f"{self.name} argument")
        if len(leaves) != len(self.in_slots):  # only if the signature itself is inconsistent
            raise ValueError(f"{self.name}: the signature lists {len(self.in_slots)} inputs")
        arrays = [
            self._check(path, leaf, slot) for (path, leaf), slot in zip(leaves, self.in_slots, strict=True)
        ]
        outputs = self.function(*arrays)
        outputs = [
            o.astype(s.dtype) if o.dtype != s.dtype else o
            for o, s in zip(outputs, self.out_slots, strict=True)
        ]
        return tree_unflatten(self.out_tree, outputs)

    def _check(self, path: str, leaf, slot: Slot):
        """`leaf` as an array of `slot`'s dtype; arrays must match it exactly, Python scalars are cast."""
        what = f"{self.name} argument {path}"
        if isinstance(leaf, (bool, int, float)) and not slot.shape:
            return np.asarray(leaf, slot.dtype)
        if not isinstance(leaf, (np.ndarray, np.generic)):
            raise TypeError(f"{what}: expected a numpy array, got {type(leaf).__name__}")
        if leaf.dtype != slot.dtype or leaf.shape != slot.shape:
            expected, got = f"{slot.dtype.name}{list(slot.shape)}", f"{leaf.dtype.name}{list(leaf.shape)}"
            raise TypeError(f"{what}: expected {expected}, got {got}")
        return leaf

    def __repr__(self) -> str:
        return (
            f"Exported({self.name!r}, target={self.signature['target']!r}, driver={self.function.driver!r})"
        )


def artifact_paths(path) -> tuple[Path, Path]:
    """(the .vmfb, the signature .json) for a path naming either, or their common stem."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix in (".vmfb", ".json") else path
    return stem.with_name(stem.name + ".vmfb"), stem.with_name(stem.name + ".json")


def load(path, driver: str | None = None) -> Exported:
    """The exported function at `path` (`<stem>.vmfb`, `<stem>.json` or `<stem>`).

    `driver` overrides the IREE driver recorded at export (e.g. "local-sync").
    ValueError for a signature of another format or a .vmfb that does not match it."""
    vmfb_path, json_path = artifact_paths(path)
    signature = json.loads(json_path.read_text())
    if signature.get("format") != FORMAT:
        raise ValueError(f"{json_path}: not a lintra export signature (format {signature.get('format')!r})")
    vmfb = vmfb_path.read_bytes()
    if hashlib.sha256(vmfb).hexdigest() != signature["vmfb_sha256"]:
        raise ValueError(f"{vmfb_path} does not match its signature {json_path} (SHA-256 differs)")
    return Exported(signature, vmfb, driver)
