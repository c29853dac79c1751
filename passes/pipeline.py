"""Pass pipelines that mix lintra passes and upstream MLIR passes.

lintra passes are Python-defined, so MLIR's own pipeline parser cannot name
them. This module parses the textual pipeline syntax itself, hands lintra
passes to `ModulePass.add_to` and maximal runs of upstream passes, verbatim, to
`PassManager.add`:

    >>> pm = build_pass_manager(
    ...     "builtin.module(lintra-ad,canonicalize,func.func(cse),"
    ...     "lintra-linearize{functions=f,g})", context)
    # == lintra-ad | "canonicalize,func.func(cse)" | lintra-linearize(functions=f,g)

    >>> pipeline_from_flags(["lintra-ad", "cse", "lintra-linearize=functions=f"])
    'builtin.module(lintra-ad,cse,lintra-linearize{functions=f})'

Contracts:
  * The result is a `PassManager` anchored on `builtin.module`. The outer
    `builtin.module(...)` of the text is optional.
  * lintra passes run on `builtin.module` only: naming one inside another
    anchor (`func.func(lintra-ad)`) is an error.
  * lintra pass options are `{key=value ...}`, space separated; a value may
    hold commas (`functions=f,g`) or be quoted (`functions="f,g"`,
    `functions='f'`) or braced (`functions={f,g}`). A bare `key` means `true`.
    Values are converted to the option's declared type by
    `ModulePass.from_options` (see `lintra.passes.base`).
  * A lintra pass that runs upstream pipelines inside its `run` lists them in
    a `nested_pipelines` attribute (strings for `PassManager.parse`). They are
    run once on an empty module when the pass is added, so MLIR loads their
    dependent dialects before the outer PassManager starts: loading them while
    it runs trips an MLIR assertion that aborts the process
    (llvm/llvm-project#62426; reproducer:
    test/regressions/upstream/nested-pipeline-loads-dialects.py).
  * Every problem (syntax, unknown pass, bad option, upstream parse failure)
    raises `PipelineError` naming the pass, with the 1-based column in the
    pipeline text where known. A failed check never leaves the pass manager
    half-built: upstream text is validated on a scratch pass manager first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlir import ir
from mlir.passmanager import PassManager

from . import PASSES
from .diagnostics import LintraError

ANCHOR = "builtin.module"
_DELIMITERS = set(",{}()")


class PipelineError(Exception):
    """A bad pass pipeline; `column` is 1-based in the pipeline text, or None."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class PassElement:
    """One `name{options}(children)` element; `start:end` spans its text."""

    name: str
    options: str | None
    children: list["PassElement"] | None
    start: int
    end: int
    text: str = field(repr=False, default="")


# --------------------------------------------------------------------- parsing


def parse_pipeline(text: str) -> list[PassElement]:
    """The module-level elements of `text` (outer `builtin.module(...)` removed)."""
    parser = _Parser(text)
    elements = parser.parse_list(closing=None)
    if len(elements) == 1 and elements[0].name == ANCHOR and elements[0].children is not None:
        if elements[0].options:
            raise PipelineError(f"'{ANCHOR}' takes no options", elements[0].start + 1)
        return elements[0].children
    return elements


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def error(self, message: str, pos: int | None = None):
        raise PipelineError(message, (self.pos if pos is None else pos) + 1)

    def skip_space(self):
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse_list(self, closing: str | None) -> list[PassElement]:
        elements = []
        if self.peek() == (closing or ""):
            return elements
        while True:
            elements.append(self.parse_element())
            char = self.peek()
            if char == ",":
                self.pos += 1
                continue
            if char == (closing or ""):
                return elements
            found = f"'{char}'" if char else "end of pipeline"
            self.error(f"expected ',' or '{closing or 'end of pipeline'}', found {found}")

    def parse_element(self) -> PassElement:
        self.skip_space()
        start = self.pos
        while self.pos < len(self.text) and not (
            self.text[self.pos] in _DELIMITERS or self.text[self.pos].isspace()
        ):
            self.pos += 1
        name = self.text[start : self.pos]
        if not name:
            found = self.text[self.pos] if self.pos < len(self.text) else "end of pipeline"
            self.error(f"expected a pass or operation name, found '{found}'")
        options = None
        if self.peek() == "{":
            options = self.parse_braced()
        children = None
        if self.peek() == "(":
            self.pos += 1
            children = self.parse_list(closing=")")
            self.pos += 1  # the ')'
        return PassElement(name, options, children, start, self.pos, self.text[start : self.pos])

    def parse_braced(self) -> str:
        """The text between a `{` at `pos` and its matching `}` (quotes honoured)."""
        open_pos = self.pos
        for index, char, depth in unquoted(self.text, open_pos):
            if char == "}" and depth == 0:
                self.pos = index + 1
                return self.text[open_pos + 1 : index]
        self.error("missing closing '}' for pass options", open_pos)


def unquoted(text: str, start: int = 0):
    """(index, char, brace depth after it) for each character of `text[start:]`
    outside single or double quotes; the quotes themselves are skipped."""
    depth, quote = 0, None
    for index in range(start, len(text)):
        char = text[index]
        if quote or char in "\"'":
            quote = None if char == quote else (quote or char)
            continue
        depth += (char == "{") - (char == "}")
        yield index, char, depth


def split_options(text: str) -> list[tuple[str, str]]:
    """`key=value` pairs of an options body, split on top-level whitespace."""
    cuts = [index for index, char, depth in unquoted(text) if char.isspace() and depth == 0]
    items = [text[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True)]
    pairs = []
    for item in filter(None, items):
        key, equals, value = item.partition("=")
        pairs.append((key, _unwrap(value) if equals else "true"))
    return pairs


def _unwrap(value: str) -> str:
    if len(value) >= 2 and (value[0], value[-1]) in (('"', '"'), ("'", "'"), ("{", "}")):
        return value[1:-1]
    return value


# -------------------------------------------------------------------- building


def pipeline_from_flags(flags) -> str:
    """A `builtin.module(...)` pipeline from pass flags, in order.

    Each flag is `name` or `name=options` (leading dashes are dropped), as in
    `--lintra-linearize=functions=f` or `--canonicalize=max-iterations=3`.
    """
    elements = []
    for flag in flags:
        name, equals, options = flag.lstrip("-").partition("=")
        if not name:
            raise PipelineError(f"empty pass flag '{flag}'")
        if equals and options:
            body = options if options.startswith("{") and options.endswith("}") else f"{{{options}}}"
            elements.append(name + body)
        else:
            elements.append(name)
    return f"{ANCHOR}({','.join(elements)})"


def _check_no_lintra_inside(element: PassElement):
    for child in element.children or ():
        if child.name in PASSES:
            raise PipelineError(
                f"lintra pass '{child.name}' can only run on '{ANCHOR}', not nested under '{element.name}'",
                child.start + 1,
            )
        _check_no_lintra_inside(child)


def _add_upstream(pm: PassManager, run: list[PassElement], context: ir.Context):
    """Add `run` as one upstream pipeline text, validating it on a scratch pm."""
    text = ",".join(element.text for element in run)
    try:
        PassManager(ANCHOR, context=context).add(text)
    except ValueError as error:
        for element in run:  # find the culprit to name it
            try:
                PassManager(ANCHOR, context=context).add(element.text)
            except ValueError as element_error:
                raise _upstream_error(element, str(element_error)) from None
        raise PipelineError(f"invalid upstream pipeline '{text}': {_one_line(str(error))}") from None
    pm.add(text)


def _upstream_error(element: PassElement, message: str) -> PipelineError:
    if "does not refer to a registered pass or pass pipeline" in message:
        unknown = message.split("'")[1] if message.count("'") >= 2 else element.name
        offset = element.text.find(unknown)
        column = element.start + (offset if offset >= 0 else 0) + 1
        return PipelineError(
            f"unknown pass '{unknown}' (neither a lintra pass nor a registered MLIR pass)",
            column,
        )
    return PipelineError(f"invalid pass '{element.name}': {_one_line(message)}", element.start + 1)


def _one_line(message: str) -> str:
    """MLIR's multi-line parser message, without the echoed source and caret."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    lines = [line for line in lines if not set(line) <= set("^ ~")]
    for prefix in ("MLIR Textual PassPipeline Parser:", "<Pass-Options-Parser>:"):
        lines = [line.split(prefix, 1)[-1].strip() for line in lines]
    return "; ".join(lines)


def preload_nested_pipelines(lintra_pass, context: ir.Context) -> None:
    """Run `lintra_pass.nested_pipelines` once on an empty module (see module doc)."""
    for nested in getattr(lintra_pass, "nested_pipelines", ()):
        with context, ir.Location.unknown():
            try:
                PassManager.parse(nested).run(ir.Module.create().operation)
            except (ValueError, ir.MLIRError) as error:
                raise PipelineError(
                    f"pass '{lintra_pass.argument}' has a bad nested pipeline: {_one_line(str(error))}"
                ) from None


def add_pipeline(pm: PassManager, pipeline: str, context: ir.Context | None = None) -> None:
    """Append the passes of the textual `pipeline` to `pm` (see module doc)."""
    context = context or ir.Context.current
    upstream_run: list[PassElement] = []
    for element in parse_pipeline(pipeline):
        if element.name not in PASSES:
            _check_no_lintra_inside(element)
            upstream_run.append(element)
            continue
        if upstream_run:
            _add_upstream(pm, upstream_run, context)
            upstream_run = []
        if element.children is not None:
            raise PipelineError(f"lintra pass '{element.name}' is not an operation anchor", element.start + 1)
        try:
            lintra_pass = PASSES[element.name].from_options(split_options(element.options or ""))
            preload_nested_pipelines(lintra_pass, context)
            lintra_pass.add_to(pm)
        except PipelineError as error:
            error.column = error.column or element.start + 1
            raise
        except LintraError as error:
            raise PipelineError(error.message, element.start + 1) from None
    if upstream_run:
        _add_upstream(pm, upstream_run, context)


def build_pass_manager(pipeline: str, context: ir.Context | None = None) -> PassManager:
    """A `builtin.module` PassManager for the textual `pipeline` (see module doc)."""
    context = context or ir.Context.current
    pm = PassManager(ANCHOR, context=context)
    add_pipeline(pm, pipeline, context)
    return pm
