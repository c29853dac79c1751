"""The pass registry `lintra.passes.PASSES` follows the one-pass-per-file rule.

For every entry: the key is the class's `argument`; the class has a non-empty
`description` and its module a docstring; the class lives in
`passes/<argument with '-' -> '_'>.py` (xDSL style), i.e. in module
`lintra.passes.<that name>`; and its options are typed dataclass fields with
defaults, parsed from pipeline text and described by --help from those
declarations.
"""

import dataclasses
import importlib
import inspect
from pathlib import Path

import pytest

from lintra.passes import PASSES
from lintra.passes.base import ModulePass
from lintra.passes.diagnostics import LintraError

ARGUMENTS = sorted(PASSES)


def test_registry_is_not_empty():
    assert ARGUMENTS


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_key_is_the_pass_argument(argument):
    pass_class = PASSES[argument]
    assert issubclass(pass_class, ModulePass)
    assert pass_class.argument == argument


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_pass_has_a_description(argument):
    description = PASSES[argument].description
    assert isinstance(description, str) and description.strip(), (
        f"pass '{argument}' needs a non-empty `description`"
    )


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_pass_module_has_a_docstring(argument):
    module = importlib.import_module(PASSES[argument].__module__)
    assert module.__doc__ and module.__doc__.strip(), f"module {module.__name__} needs a docstring"


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_pass_lives_in_its_own_file(argument):
    pass_class = PASSES[argument]
    file_stem = argument.replace("-", "_")
    assert pass_class.__module__ == f"lintra.passes.{file_stem}"
    path = Path(inspect.getfile(pass_class))
    assert path.name == f"{file_stem}.py"
    assert path.parent == Path(inspect.getfile(ModulePass)).parent


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_options_are_typed_fields_with_defaults(argument):
    pass_class = PASSES[argument]
    assert dataclasses.is_dataclass(pass_class)
    fields = dataclasses.fields(pass_class)
    defaults = {field.name: field.default for field in fields}
    assert all(default is not dataclasses.MISSING for default in defaults.values())
    assert pass_class(**defaults) == pass_class() == pass_class.from_options([])
    types = pass_class.option_types()  # raises for an unsupported type
    assert list(types) == list(defaults)
    assert all(isinstance(defaults[name], kind) for name, kind in types.items())
    help_lines = pass_class.options_help()
    assert [line.split("=")[0] for line in help_lines] == [n.replace("_", "-") for n in defaults]


def test_option_values_are_parsed_by_their_declared_type():
    linearize, ad = PASSES["lintra-linearize"], PASSES["lintra-ad"]
    assert linearize.from_options([("functions", "f, g")]).functions == ("f", "g")
    assert linearize(functions="f").functions == ("f",)
    assert ad.from_options([("cleanup", "false")]).cleanup is False
    assert ad.from_options([("cleanup", "true")]).cleanup is True
    with pytest.raises(LintraError, match="invalid value 'maybe' for option 'cleanup'.*expected bool"):
        ad.from_options([("cleanup", "maybe")])
    with pytest.raises(LintraError, match="unknown option 'nope' for pass 'lintra-ad'"):
        ad.from_options([("nope", "1")])
    with pytest.raises(LintraError, match="option 'cleanup' of pass 'lintra-ad' must be a bool"):
        ad(cleanup="false")
