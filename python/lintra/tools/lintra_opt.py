"""lintra-opt: mlir-opt with the lintra dialect and the lintra passes.

    lintra-opt [INPUT|-] [-o FILE] [PASS FLAGS...] [--pass-pipeline=PIPELINE]
               [--split-input-file[=MARKER]] [--mlir-print-ir-after-all]
               [--mlir-print-op-generic] [--irdl-file=FILE] ...

Contracts:
  * Input is the positional file, or stdin when absent or `-`. Output (the
    module after the pipeline) goes to stdout or `-o FILE`; `-o FILE` is only
    written when every chunk succeeds.
  * Passes come either from `--pass-pipeline='builtin.module(...)'` or from
    pass flags in command-line order: `--lintra-ad`, `--cse`,
    `--lintra-linearize=functions=f`. Any flag that is not a tool option is a
    pass flag; names that are not lintra passes go to MLIR as upstream passes
    (`--foo=opts` becomes `foo{opts}`). See `lintra.passes.pipeline`.
  * `--split-input-file` splits on lines starting with `// -----` and
    processes each chunk in a fresh context; outputs are joined with
    `// -----`. Diagnostic line numbers refer to the original file.
  * The lintra dialect is always loaded; `--irdl-file` naming the lintra
    dialect is ignored, any other IRDL file is loaded as well.
  * Diagnostics are printed one per line to stderr as
    `file:line:col: error: message` (`<stdin>` for stdin). Bad input, bad
    pipelines, failing passes and unreadable files exit 1, never with a
    traceback; an unexpected Python exception prints
    `lintra-opt: internal error: ...` and exits 2 (set LINTRA_OPT_TRACEBACK=1
    to see the traceback).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from dataclasses import dataclass, field

from mlir import ir
from mlir.dialects import irdl

from lintra.dialect import IRDL_PATH, make_context, unregistered_ops
from lintra.passes import PASSES
from lintra.passes.diagnostics import innermost_location
from lintra.passes.pipeline import PipelineError, build_pass_manager, pipeline_from_flags

TOOL = "lintra-opt"
DEFAULT_SPLIT_MARKER = "// -----"
STDIN_NAME = "<stdin>"
PIPELINE_NAME = "<pass-pipeline>"


class UsageError(Exception):
    """A command-line problem, printed as `lintra-opt: error: message`."""


@dataclass
class Options:
    input: str = "-"
    output: str = "-"
    pipeline: str | None = None
    pass_flags: list[str] = field(default_factory=list)
    split_marker: str | None = None
    print_ir_after_all: bool = False
    print_ir_before_all: bool = False
    print_generic: bool = False
    print_debuginfo: bool = False
    allow_unregistered: bool = False
    irdl_files: list[str] = field(default_factory=list)
    help: bool = False


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message):
        raise UsageError(message)


def _tool_parser() -> argparse.ArgumentParser:
    """The tool's own options; every other `-`/`--` argument is a pass flag."""
    parser = _ArgumentParser(prog=TOOL, add_help=False, allow_abbrev=False)
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("-o", dest="output", default="-")
    parser.add_argument("--pass-pipeline", dest="pipeline")
    parser.add_argument("--irdl-file", dest="irdl_files", action="append", default=[])
    parser.add_argument("--split-input-file", dest="split_marker")
    for flag, attribute in (
        ("--mlir-print-ir-after-all", "print_ir_after_all"),
        ("--mlir-print-ir-before-all", "print_ir_before_all"),
        ("--mlir-print-op-generic", "print_generic"),
        ("--mlir-print-debuginfo", "print_debuginfo"),
        ("--allow-unregistered-dialect", "allow_unregistered"),
    ):
        parser.add_argument(flag, dest=attribute, action="store_true")
    parser.add_argument("-h", "--help", dest="help", action="store_true")
    return parser


def parse_args(argv: list[str]) -> Options:
    """Options from the command line (argparse's parse_known_args, as xDSL's
    xdsl_opt_main: unknown options are pass flags, in command-line order)."""
    # As in mlir-opt, --split-input-file takes a marker only after `=`: a bare
    # flag must not swallow the input file that follows it.
    argv = [
        f"--split-input-file={DEFAULT_SPLIT_MARKER}" if arg == "--split-input-file" else arg for arg in argv
    ]
    parsed, unknown = _tool_parser().parse_known_args(argv)
    positional = list(parsed.inputs)
    options = Options(
        output=parsed.output,
        pipeline=parsed.pipeline,
        irdl_files=parsed.irdl_files,
        split_marker=parsed.split_marker,
        print_ir_after_all=parsed.print_ir_after_all,
        print_ir_before_all=parsed.print_ir_before_all,
        print_generic=parsed.print_generic,
        print_debuginfo=parsed.print_debuginfo,
        allow_unregistered=parsed.allow_unregistered,
        help=parsed.help,
    )
    for arg in unknown:
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
        elif arg.lstrip("-").startswith("mlir-"):
            raise UsageError(f"unknown option '{arg}' (see --help)")
        else:
            options.pass_flags.append(arg.lstrip("-"))
    if len(positional) > 1:
        raise UsageError(f"too many input files: {' '.join(positional)}")
    if positional:
        options.input = positional[0]
    if options.pipeline is not None and options.pass_flags:
        raise UsageError("'--pass-pipeline' cannot be combined with individual pass flags")
    return options


def help_text() -> str:
    lines = [
        f"usage: {TOOL} [INPUT|-] [-o FILE] [--PASS[=OPTIONS]...] [--pass-pipeline=PIPELINE]",
        "",
        "mlir-opt with the lintra dialect and passes. Any --NAME[=OPTIONS] that is not",
        "an option below is a pass flag: lintra passes run as such, other names are",
        "upstream MLIR passes (--canonicalize, --cse, --convert-func-to-llvm, ...).",
        "",
        "options:",
        "  -o FILE                        write output to FILE (default: stdout)",
        "  --pass-pipeline=PIPELINE       e.g. 'builtin.module(lintra-ad,canonicalize)'",
        "  --split-input-file[=MARKER]    process chunks separated by '// -----'",
        "  --mlir-print-ir-after-all      print the IR after every pass (to stderr)",
        "  --mlir-print-ir-before-all     print the IR before every pass (to stderr)",
        "  --mlir-print-op-generic        print operations in generic form",
        "  --mlir-print-debuginfo         print locations",
        "  --allow-unregistered-dialect   accept operations of unknown dialects",
        "  --irdl-file=FILE               load an IRDL dialect (lintra's is always loaded)",
        "  -h, --help                     show this help",
        "",
        "lintra passes:",
    ]
    for argument in sorted(PASSES):
        pass_class = PASSES[argument]
        lines.append(f"  --{argument:<28} {pass_class.description or '(no description)'}")
        lines.extend(f"      {line}" for line in pass_class.options_help())
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- diagnostics


class DiagnosticPrinter:
    """Prints MLIR diagnostics one per line, naming the real input file.

    Text parsed from memory carries the file name `-`; it is shown as
    `display_name`. Chunks are padded with newlines before parsing, so line
    numbers are already those of the original file.
    """

    def __init__(self, display_name: str):
        self.display_name = display_name
        self.errors = 0

    def where(self, location: ir.Location) -> str:
        loc = innermost_location(location)
        if not loc.is_a_file():
            return self.display_name
        name = self.display_name if loc.filename == "-" else loc.filename
        return f"{name}:{loc.start_line}:{loc.start_col}"

    def emit(self, diagnostic, severity_name: str | None = None) -> None:
        severity = severity_name or str(diagnostic.severity).rsplit(".", 1)[-1].lower()
        if severity == "error":
            self.errors += 1
        message = " ".join(str(diagnostic.message).split("\n"))
        sys.stderr.write(f"{self.where(diagnostic.location)}: {severity}: {message}\n")
        for note in diagnostic.notes:
            self.emit(note, "note")

    def handler(self, diagnostic) -> bool:
        try:
            self.emit(diagnostic)
        except Exception as error:  # never let a handler raise into MLIR
            sys.stderr.write(f"{TOOL}: internal error printing a diagnostic: {error}\n")
        return True

    def report(self, error: ir.MLIRError, fallback: str) -> None:
        """Print the diagnostics an MLIRError captured, or `fallback` if none."""
        diagnostics = list(getattr(error, "error_diagnostics", []) or [])
        for diagnostic in diagnostics:
            self.emit(diagnostic)
        if not diagnostics and not self.errors:
            sys.stderr.write(f"{self.display_name}: error: {fallback}\n")
            self.errors += 1


# ------------------------------------------------------------------ processing


def split_chunks(text: str, marker: str | None) -> list[tuple[int, str]]:
    """(first line number, text) for each chunk; one chunk when `marker` is None."""
    if marker is None:
        return [(1, text)]
    chunks, start_line, current = [], 1, []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.startswith(marker):
            chunks.append((start_line, "".join(current)))
            start_line, current = number + 1, []
        else:
            current.append(line)
    chunks.append((start_line, "".join(current)))
    return chunks


def load_extra_dialects(context: ir.Context, irdl_sources: list[tuple[str, str]]) -> None:
    for path, source in irdl_sources:
        with context, ir.Location.unknown():
            try:
                irdl.load_dialects(ir.Module.parse(source))
            except ir.MLIRError as error:
                raise UsageError(f"cannot load IRDL file '{path}': {error}") from None


def process_chunk(
    options: Options,
    pipeline: str,
    source: str,
    first_line: int,
    display_name: str,
    parse_path: str | None,
    irdl_sources: list[tuple[str, str]],
) -> str | None:
    """The printed result of one chunk, or None after printing its errors.

    Raises PipelineError for a bad pipeline (the same for every chunk).
    """
    context = make_context()
    context.emit_error_diagnostics = True
    printer = DiagnosticPrinter(display_name)
    context.attach_diagnostic_handler(printer.handler)
    load_extra_dialects(context, irdl_sources)
    # An ambient location, as Python drivers of lintra passes have: helpers
    # such as `ir.FloatAttr.get` need one to report errors.
    with context, ir.Location.unknown():
        pass_manager = build_pass_manager(pipeline, context)
        try:
            if parse_path is not None:
                module = ir.Module.parseFile(parse_path)
            else:
                module = ir.Module.parse("\n" * (first_line - 1) + source)
        except ir.MLIRError as error:
            printer.report(error, "could not parse the input")
            return None
        for op, message in unregistered_ops(module.operation, options.allow_unregistered):
            op.location.emit_error(message)
        if printer.errors:
            return None
        if options.print_ir_after_all or options.print_ir_before_all:
            sys.stderr.flush()
            pass_manager.enable_ir_printing(
                print_before_all=options.print_ir_before_all,
                print_after_all=options.print_ir_after_all,
                enable_debug_info=options.print_debuginfo,
                print_generic_op_form=options.print_generic,
            )
        try:
            pass_manager.run(module.operation)
        except ir.MLIRError as error:
            printer.report(error, "a pass failed")
            return None
        if printer.errors:
            return None
        return module.operation.get_asm(
            print_generic_op_form=options.print_generic,
            enable_debug_info=options.print_debuginfo,
        )


def read_input(path: str) -> tuple[str, str]:
    """(display name, text) of the input file or stdin.

    Bytes that are not UTF-8 (which mlir-opt accepts, e.g. in a comment) are
    read as U+FFFD; a whole file is parsed from its own bytes (`parseFile`).
    """
    if path == "-":
        return STDIN_NAME, sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return path, handle.read()
    except OSError as error:
        raise UsageError(f"could not open input file '{path}': {error.strerror or error}") from None


def read_irdl_files(paths: list[str]) -> list[tuple[str, str]]:
    """(path, source) of the IRDL files to load; the lintra dialect is skipped."""
    sources = []
    for path in paths:
        try:
            if os.path.exists(path) and os.path.samefile(path, IRDL_PATH):
                continue
            with open(path, encoding="utf-8") as handle:
                source = handle.read()
        except OSError as error:
            raise UsageError(f"could not open IRDL file '{path}': {error.strerror}") from None
        if re.search(r"irdl\.dialect\s+@lintra\b", source):
            continue
        sources.append((path, source))
    return sources


def run(options: Options) -> int:
    if options.help:
        sys.stdout.write(help_text())
        return 0
    pipeline = options.pipeline
    if pipeline is None:
        pipeline = pipeline_from_flags(options.pass_flags)
    irdl_sources = read_irdl_files(options.irdl_files)
    display_name, text = read_input(options.input)
    chunks = split_chunks(text, options.split_marker)
    whole_file = options.split_marker is None and options.input != "-"
    outputs, failed = [], False
    for first_line, source in chunks:
        try:
            result = process_chunk(
                options,
                pipeline,
                source,
                first_line,
                display_name,
                options.input if whole_file else None,
                irdl_sources,
            )
        except PipelineError as error:
            if options.pipeline is not None and error.column is not None:
                sys.stderr.write(f"{PIPELINE_NAME}:1:{error.column}: error: {error.message}\n")
            else:
                sys.stderr.write(f"{TOOL}: error: {error.message}\n")
            return 1
        if result is None:
            failed = True
        else:
            outputs.append(result if result.endswith("\n") else result + "\n")
    separator = (options.split_marker or DEFAULT_SPLIT_MARKER) + "\n"
    output = separator.join(outputs)
    if options.output == "-":
        sys.stdout.write(output)
        sys.stdout.flush()
    elif not failed:
        try:
            with open(options.output, "w", encoding="utf-8") as handle:
                handle.write(output)
        except OSError as error:
            raise UsageError(f"could not write '{options.output}': {error.strerror}") from None
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run lintra-opt on `argv` (default: sys.argv[1:]); returns the exit code."""
    try:
        return run(parse_args(sys.argv[1:] if argv is None else list(argv)))
    except UsageError as error:
        sys.stderr.write(f"{TOOL}: error: {error}\n")
        return 1
    except PipelineError as error:
        sys.stderr.write(f"{TOOL}: error: {error.message}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except BaseException as error:  # noqa: BLE001 - the contract: no tracebacks
        if isinstance(error, SystemExit):
            raise
        if os.environ.get("LINTRA_OPT_TRACEBACK"):
            traceback.print_exc()
        sys.stderr.write(f"{TOOL}: internal error: {type(error).__name__}: {error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
