"""The frontend examples run on their own and print what they promise."""

import functools
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_mlp_loss_falls():
    losses = [float(v) for v in re.findall(r"loss ([0-9.]+)", run_example("mlp.py"))]
    assert len(losses) >= 5 and all(a > b for a, b in itertools.pairwise(losses))


def test_linear_regression_matches_least_squares():
    output = run_example("linear_regression.py")
    fitted = re.search(r"gradient descent: (.*)", output).group(1)
    exact = re.search(r"least squares: +(.*)", output).group(1)
    assert fitted.split() == exact.split()


@functools.lru_cache(maxsize=None)
def walkthrough_output() -> str:
    return run_example("linearize_walkthrough.py")


@pytest.mark.parametrize(
    "expected",
    [
        "func.func private @f_fwd",
        "func.func private @f_lin(",
        "{lintra.linear}",
        "func.func private @f_lin_transpose",
    ],
)
def test_linearize_walkthrough_prints_both_halves_and_the_transpose(expected):
    assert expected in walkthrough_output()


def test_linearize_walkthrough_jvp_and_vjp_are_transposes():
    forward = float(re.search(r"<ct, J t>   = (.*)", walkthrough_output()).group(1))
    reverse = float(re.search(r"<J\^T ct, t> = (.*)", walkthrough_output()).group(1))
    assert forward == pytest.approx(reverse, rel=1e-12)
