"""The pass registry `lintra.passes.PASSES` follows the one-pass-per-file rule.

For every entry: the key is the class's `argument`; the class has a non-empty
`description` and its module a docstring; the class lives in
`passes/<argument with '-' -> '_'>.py` (xDSL style), i.e. in module
`lintra.passes.<that name>`; and `options` is a dict of defaults accepted by
the constructor.
"""

import importlib
import inspect
from pathlib import Path

import pytest

from lintra.passes import PASSES
from lintra.passes.base import ModulePass

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
    assert module.__doc__ and module.__doc__.strip(), (
        f"module {module.__name__} needs a docstring"
    )


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_pass_lives_in_its_own_file(argument):
    pass_class = PASSES[argument]
    file_stem = argument.replace("-", "_")
    assert pass_class.__module__ == f"lintra.passes.{file_stem}"
    path = Path(inspect.getfile(pass_class))
    assert path.name == f"{file_stem}.py"
    assert path.parent == Path(inspect.getfile(ModulePass)).parent


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_options_are_defaults_accepted_by_the_constructor(argument):
    pass_class = PASSES[argument]
    assert isinstance(pass_class.options, dict)
    instance = pass_class(**pass_class.options)
    assert instance.config == pass_class.options
