"""The lintra pass protocol, as xDSL's dataclass `ModulePass`.

A lintra pass is a frozen dataclass deriving from `ModulePass`, with a
kebab-case `argument` (its name on the command line and in pipelines) and a
`description` as class variables, and its options as typed dataclass fields
with defaults, declared with `option(default, help)`:

    @dataclass(frozen=True)
    class LintraLinearize(ModulePass):
        argument: ClassVar[str] = "lintra-linearize"
        description: ClassVar[str] = "..."
        functions: tuple[str, ...] = option((), "functions to linearize")

Option types are `bool`, `int`, `float`, `str` and `tuple[str, ...]` (a list;
from Python a comma-separated string is accepted too). `from_options` builds a
pass from the textual `key=value` pairs of a pipeline (`-` and `_` in keys are
interchangeable), and `options_help` describes the options; both read the field
declarations only. `run(module)` transforms a `builtin.module` operation in
place and raises `LintraError` for bad input.

`add_to(pass_manager)` registers the pass with an MLIR `PassManager` as a
Python-defined pass, so lintra and upstream passes mix in one pipeline.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import ClassVar

from mlir import ir

from .diagnostics import LintraError

TRUE_WORDS, FALSE_WORDS = ("true", "1", "on", "yes"), ("false", "0", "off", "no")
TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "str", tuple: "list of str"}


def option(default, help: str):  # noqa: A002 - the name argparse uses
    """A pass option field: its default and a one-line `help` for --help."""
    return dataclasses.field(default=default, metadata={"help": help})


def split_list(text: str) -> tuple[str, ...]:
    """A list option's value from its text: comma-separated items (`f,g`)."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_value(text: str, kind: type):
    """The value of option type `kind` written as `text`; ValueError if invalid."""
    if kind is bool:
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(text)
    if kind is int:
        return int(text, 0)
    if kind is tuple:
        return split_list(text)
    return kind(text)


def format_value(value, kind: type) -> str:
    """`value` of option type `kind` as written in a pipeline (`parse_value`'s inverse)."""
    if kind is tuple:
        return ",".join(value)
    return str(value).lower() if kind is bool else str(value)


def typed_value(value, kind: type):
    """`value` as option type `kind`, or None if it is not one. A list option also
    takes a list or a comma-separated string, a float option an int."""
    if kind is tuple:
        items = split_list(value) if isinstance(value, str) else value
        if isinstance(items, (list, tuple)) and all(isinstance(v, str) for v in items):
            return tuple(items)
        return None
    if isinstance(value, bool) != (kind is bool):
        return None
    if kind is float and isinstance(value, int):
        return float(value)
    return value if isinstance(value, kind) else None


@dataclasses.dataclass(frozen=True)
class ModulePass:
    argument: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __post_init__(self):
        for name, kind in self.option_types().items():
            value = typed_value(getattr(self, name), kind)
            if value is None:
                raise LintraError(
                    f"option '{name}' of pass '{self.argument}' must be a "
                    f"{TYPE_NAMES[kind]}, not {getattr(self, name)!r}"
                )
            object.__setattr__(self, name, value)

    # -- options --------------------------------------------------------------
    @classmethod
    def option_types(cls) -> dict[str, type]:
        """Option name -> its type (`tuple` for `tuple[str, ...]`), in declaration order."""
        hints = typing.get_type_hints(cls)
        types = {}
        for field in dataclasses.fields(cls):
            kind = typing.get_origin(hints[field.name]) or hints[field.name]
            if kind not in TYPE_NAMES:
                raise TypeError(
                    f"option '{field.name}' of pass '{cls.argument}' has unsupported type {hints[field.name]}"
                )
            types[field.name] = kind
        return types

    @classmethod
    def from_options(cls, pairs) -> ModulePass:
        """The pass configured by textual (key, value) pairs, as written in a pipeline."""
        types = cls.option_types()
        values = {}
        for key, text in pairs:
            name = key.replace("-", "_")
            if name not in types:
                known = ", ".join(option.replace("_", "-") for option in types) or "none"
                raise LintraError(f"unknown option '{key}' for pass '{cls.argument}' (known: {known})")
            try:
                values[name] = parse_value(text, types[name])
            except ValueError:
                raise LintraError(
                    f"invalid value '{text}' for option '{key}' of pass "
                    f"'{cls.argument}' (expected {TYPE_NAMES[types[name]]})"
                ) from None
        return cls(**values)

    @classmethod
    def options_help(cls) -> list[str]:
        """One line per option: `name=<type> (default: ...)  help`."""
        types, lines = cls.option_types(), []
        for field in dataclasses.fields(cls):
            kind = types[field.name]
            default = format_value(field.default, kind) or "none"
            lines.append(
                f"{field.name.replace('_', '-')}=<{TYPE_NAMES[kind]}> (default: {default})"
                f"  {field.metadata.get('help', '')}".rstrip()
            )
        return lines

    # -- running -------------------------------------------------------------
    def run(self, module: ir.Operation) -> None:
        raise NotImplementedError

    def __call__(self, op, pass_handle) -> None:
        """Entry point used by the MLIR PassManager."""
        try:
            self.run(op.operation)
        except LintraError as error:
            location = error.location or op.operation.location
            location.emit_error(error.message)
            pass_handle.signal_pass_failure()

    def add_to(self, pass_manager) -> None:
        # No `op_name="builtin.module"`: the bindings then cannot schedule the pass
        # on a builtin.module PassManager (test/regressions/upstream/python-pass-op-name.py),
        # so lintra passes are generic operation passes that `pipeline` anchors.
        pass_manager.add(
            self,
            name=type(self).__name__,
            argument=self.argument,
            description=self.description,
        )
