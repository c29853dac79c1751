"""The lintra pass protocol.

A lintra pass is a class with a kebab-case `argument` (its name on the command
line and in pipelines), a `description`, and `options`: a dict from option name
to default value. `run(module)` transforms a `builtin.module` operation in place
and raises `LintraError` for bad input.

`add_to(pass_manager)` registers the pass with an MLIR `PassManager` as a
Python-defined pass, so lintra and upstream passes mix in one pipeline.
"""

from __future__ import annotations

from mlir import ir

from .diagnostics import LintraError


def parse_list_option(value) -> list[str]:
    """A pass option holding a comma-separated list (`functions=f,g`)."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [item.strip() for item in str(value).split(",") if item.strip()]


class ModulePass:
    argument: str = ""
    description: str = ""
    options: dict = {}

    def __init__(self, **options):
        unknown = set(options) - set(self.options)
        if unknown:
            raise LintraError(
                f"unknown option '{sorted(unknown)[0]}' for pass '{self.argument}'"
                f" (known: {', '.join(sorted(self.options)) or 'none'})"
            )
        self.config = {**self.options, **options}

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
        pass_manager.add(
            self,
            name=type(self).__name__,
            argument=self.argument,
            description=self.description,
        )
