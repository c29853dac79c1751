"""Random compositions of lintra.numpy / lintra.nn functions, with their JAX twins.

    comp = random_composition(seed)   # comp.lintra(x, y), comp.jax(x, y): scalars
    inputs = input_sets(seed)         # (x, y) pairs: ordinary, extreme, kinks and ties

A composition is a random expression tree (depth <= 4) over two vectors x, y
of shape (4,), built from the elementwise functions, binary functions and
reductions below, each given as (lintra function, JAX function); the result is
reduced to a scalar by a weighted sum. The same tree is built twice, once per
library, so the fuzzer can compare lintra's values and derivatives (grad, HVP,
hessian) with JAX's, including where functions overflow or have kinks.

Domains are made safe structurally (log of x*x + 1, sqrt of x*x + 0.5,
division by y*y + 1); no value is rejected, so extreme inputs (+-1000, +-inf)
reach every function: where JAX's result is finite lintra's must match it, and
where JAX gives inf or nan lintra must too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

import jax.nn as jnn
import jax.numpy as jnp
import numpy as np

import lintra.nn as lnn
import lintra.numpy as lnp

# name -> (lintra, jax); elementwise on one array.
UNARY = {
    "sin": (lnp.sin, jnp.sin),
    "cos": (lnp.cos, jnp.cos),
    "tanh": (lnp.tanh, jnp.tanh),
    "exp": (lnp.exp, jnp.exp),
    "expm1": (lnp.expm1, jnp.expm1),
    "arctan": (lnp.arctan, jnp.arctan),
    "abs": (lnp.abs, jnp.abs),
    "square": (lnp.square, jnp.square),
    "negative": (lnp.negative, jnp.negative),
    "relu": (lnn.relu, jnn.relu),
    "sigmoid": (lnn.sigmoid, jnn.sigmoid),
    "softplus": (lnn.softplus, jnn.softplus),
    "log_of_square_plus_1": (lambda v: lnp.log(v * v + 1.0), lambda v: jnp.log(v * v + 1.0)),
    "log1p_of_square": (lambda v: lnp.log1p(v * v), lambda v: jnp.log1p(v * v)),
    "sqrt_of_square_plus_half": (lambda v: lnp.sqrt(v * v + 0.5), lambda v: jnp.sqrt(v * v + 0.5)),
    "scale": (lambda v: 0.5 * v, lambda v: 0.5 * v),
}

# name -> (lintra, jax); elementwise on two arrays.
BINARY = {
    "add": (lnp.add, jnp.add),
    "subtract": (lnp.subtract, jnp.subtract),
    "multiply": (lnp.multiply, jnp.multiply),
    "maximum": (lnp.maximum, jnp.maximum),
    "minimum": (lnp.minimum, jnp.minimum),
    "where_greater": (lambda a, b: lnp.where(a > b, a, b * b), lambda a, b: jnp.where(a > b, a, b * b)),
    "divide_by_square_plus_1": (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "arctan2": (lnp.arctan2, jnp.arctan2),
}

# name -> (lintra, jax); a vector to a vector of the same shape.
VECTOR = {
    "softmax": (lnn.softmax, jnn.softmax),
    "log_softmax": (lnn.log_softmax, jnn.log_softmax),
    "minus_max": (lambda v: v - lnp.max(v), lambda v: v - jnp.max(v)),
    "minus_logsumexp": (lambda v: v - lnn.logsumexp(v), lambda v: v - jax_logsumexp(v)),
    "times_mean": (lambda v: v * lnp.mean(v), lambda v: v * jnp.mean(v)),
}


def jax_logsumexp(v):
    from jax.scipy.special import logsumexp

    return logsumexp(v)


SHAPE = (4,)


@dataclass
class Composition:
    description: str
    lintra: Callable  # (x, y) -> scalar, with lintra.numpy
    jax: Callable  # (x, y) -> scalar, with jax.numpy
    functions: frozenset  # names of the functions it uses


def random_composition(seed: int, depth: int = 4, exclude=frozenset()) -> Composition:
    """A random scalar function of two (4,) vectors, deterministic in `seed`;
    `exclude` leaves out functions by name."""
    rng = random.Random(seed)
    used: set = set()

    def pick(table):
        names = sorted(n for n in table if n not in exclude)
        name = rng.choice(names)
        used.add(name)
        return name, table[name]

    def tree(level):
        """(description, lintra builder, jax builder); builders map (x, y) to an array."""
        if level == 0 or rng.random() < 0.2:
            leaf = rng.choice(["x", "y"])
            return (
                leaf,
                (lambda x, y: x) if leaf == "x" else (lambda x, y: y),
                (lambda x, y: x) if leaf == "x" else (lambda x, y: y),
            )
        kind = rng.choices(["unary", "binary", "vector"], [0.5, 0.35, 0.15])[0]
        if kind == "binary":
            name, (lf, jf) = pick(BINARY)
            (da, la, ja), (db, lb, jb) = tree(level - 1), tree(level - 1)
            return (
                f"{name}({da}, {db})",
                lambda x, y: lf(la(x, y), lb(x, y)),
                lambda x, y: jf(ja(x, y), jb(x, y)),
            )
        name, (lf, jf) = pick(UNARY if kind == "unary" else VECTOR)
        d, la, ja = tree(level - 1)
        return f"{name}({d})", lambda x, y: lf(la(x, y)), lambda x, y: jf(ja(x, y))

    description, build_l, build_j = tree(depth)
    weights = np.round(np.asarray([rng.uniform(-2.0, 2.0) for _ in range(SHAPE[0])]), 3)
    return Composition(
        f"sum({list(weights)} * {description})",
        lambda x, y: lnp.sum(weights * build_l(x, y)),
        lambda x, y: jnp.sum(weights * build_j(x, y)),
        frozenset(used),
    )


EXTREMES = [1000.0, -1000.0, np.inf, -np.inf, 0.0, -0.0, 800.0, -800.0, 40.0, -40.0]


def input_sets(seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (x, y): ordinary values; extremes; exact zeros and ties (x == y)."""
    rng = np.random.default_rng(seed)
    ordinary = rng.standard_normal(SHAPE), rng.standard_normal(SHAPE)
    pick = np.random.default_rng(seed + 1).choice
    extreme = (np.asarray(pick(EXTREMES, SHAPE)), np.asarray(pick(EXTREMES + [1.5, -0.5], SHAPE)))
    tie = np.round(rng.standard_normal(SHAPE), 2)
    tie[0] = 0.0
    return {"ordinary": ordinary, "extreme": extreme, "zeros and ties": (tie, tie.copy())}
