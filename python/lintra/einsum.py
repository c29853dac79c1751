"""Contractions for `lintra.numpy`: einsum, tensordot, inner, vdot.

Every contraction of two operands is one `linalg.generic` (`primitives.contract`:
a product accumulated into a zero init, bilinear, with the linalg.generic
rules). einsum contracts its operands left to right, summing an index out as
soon as no later operand or the output needs it; a repeated index within one
operand takes its diagonal first; `...` stands for the broadcast leading dims.
Operands are promoted to one dtype.
"""

from __future__ import annotations

import string

from . import primitives as prim
from .array_ops import diagonal
from .eager import array_function
from .elementwise import multiply
from .numpy_core import normalize_axis, operand, operand_shape, promoted_type
from .products import dot
from .shape_ops import ravel
from .tracing import Tracer

__all__ = ["einsum", "inner", "tensordot", "vdot"]


def _parse(subscripts: str, shapes: list) -> tuple[list, str]:
    """Input index strings (ellipses expanded) and the output string."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} operand subscripts for {len(shapes)} operands")
    spare = [c for c in string.ascii_uppercase + string.ascii_lowercase if c not in subscripts]
    ellipsis_ndim = max(
        (len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes, strict=True) if "..." in t),
        default=0,
    )
    batch = "".join(spare[:ellipsis_ndim])
    expanded = []
    for term, shape in zip(terms, shapes, strict=True):
        if "..." in term:
            n = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", batch[ellipsis_ndim - n :] if n else "")
        if not all(c.isalpha() for c in term):
            raise ValueError(f"einsum: invalid subscript in {term!r}")
        if len(term) != len(shape):
            raise ValueError(f"einsum: subscripts {term!r} do not match an operand of rank {len(shape)}")
        expanded.append(term)
    if arrow:
        output = output.replace("...", batch)
    else:
        letters = "".join(expanded)
        output = batch + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in batch))
    for c in output:
        if not any(c in t for t in expanded):
            raise ValueError(f"einsum: output subscript {c!r} does not appear in an input")
    return expanded, output


def _take_diagonals(x: Tracer, term: str) -> tuple[Tracer, str]:
    while len(set(term)) < len(term):
        c = next(c for c in term if term.count(c) > 1)
        first = term.index(c)
        second = term.index(c, first + 1)
        x = diagonal(x, 0, first, second)
        term = "".join(t for i, t in enumerate(term) if i not in (first, second)) + c
    return x, term


def _sum_out(x: Tracer, term: str, keep: set) -> tuple[Tracer, str]:
    axes = [i for i, c in enumerate(term) if c not in keep]
    return prim.reduce(x, axes, "add"), "".join(c for c in term if c in keep)


def einsum(subscripts, *operands, optimize=None, precision=None, preferred_element_type=None):
    """Einstein summation, as jnp.einsum (explicit or implicit output, `...`)."""
    return _einsum(operands, subscripts)


@array_function("operands")
def _einsum(operands, subscripts):
    if not isinstance(subscripts, str):
        raise TypeError("einsum: the first argument must be a subscripts string")
    dtype, weak = promoted_type("einsum", *operands)
    xs = [prim.convert(operand(x, "einsum"), dtype, weak) for x in operands]
    terms, output = _parse(subscripts, [x.shape for x in xs])
    sizes = {}
    for x, term in zip(xs, terms, strict=True):
        for c, d in zip(term, x.shape, strict=True):
            if sizes.get(c, 1) not in (1, d) and d != 1:
                raise ValueError(f"einsum: size of label {c!r} differs between operands ({sizes[c]} and {d})")
            sizes[c] = max(sizes.get(c, 1), d)
    pairs = [_take_diagonals(x, t) for x, t in zip(xs, terms, strict=True)]
    pairs = [(prim.broadcast_to(x, [sizes[c] for c in t]), t) for x, t in pairs]
    needed_later = [set(output).union(*[set(t) for _, t in pairs[i + 1 :]]) for i in range(len(pairs))]
    result, term = _sum_out(*pairs[0], needed_later[0])
    for i in range(1, len(pairs)):
        other, other_term = pairs[i]
        keep = needed_later[i]
        other, other_term = _sum_out(other, other_term, keep | set(term))
        loops = sorted(set(term) | set(other_term))
        out = [c for c in loops if c in keep]
        result = prim.contract(
            result,
            other,
            [loops.index(c) for c in term],
            [loops.index(c) for c in other_term],
            [loops.index(c) for c in out],
            len(loops),
        )
        term = "".join(out)
    return prim.transpose(result, [term.index(c) for c in output])


@array_function("a", "b")
def tensordot(a, b, axes=2):
    """Sum of products over the last `axes` axes of a and the first of b, or over
    the axis lists `axes = (a_axes, b_axes)`."""
    dtype, weak = promoted_type("tensordot", a, b)
    a, b = (
        prim.convert(operand(a, "tensordot"), dtype, weak),
        prim.convert(operand(b, "tensordot"), dtype, weak),
    )
    if isinstance(axes, int):
        if axes < 0 or axes > min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: number of contracting axes {axes} is out of range")
        a_axes, b_axes = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        a_axes, b_axes = ([x] if isinstance(x, int) else list(x) for x in axes)
        if len(a_axes) != len(b_axes):
            raise TypeError("tensordot: the axes lists must have the same length")
        a_axes = [normalize_axis(x, a.ndim, "tensordot") for x in a_axes]
        b_axes = [normalize_axis(x, b.ndim, "tensordot") for x in b_axes]
    for i, j in zip(a_axes, b_axes, strict=True):
        if a.shape[i] != b.shape[j]:
            raise TypeError(f"tensordot: shape mismatch on contracting axes: {a.shape} and {b.shape}")
    a_free = [i for i in range(a.ndim) if i not in a_axes]
    b_free = [j for j in range(b.ndim) if j not in b_axes]
    n_free = len(a_free) + len(b_free)
    a_dims = [0] * a.ndim
    b_dims = [0] * b.ndim
    for k, i in enumerate(a_free):
        a_dims[i] = k
    for k, j in enumerate(b_free):
        b_dims[j] = len(a_free) + k
    for k, (i, j) in enumerate(zip(a_axes, b_axes, strict=True)):
        a_dims[i] = b_dims[j] = n_free + k
    return prim.contract(a, b, a_dims, b_dims, list(range(n_free)), n_free + len(a_axes))


@array_function("a", "b")
def inner(a, b):
    """Sum of products over the last axes (a product with a scalar)."""
    if not operand_shape(a) or not operand_shape(b):
        return multiply(a, b)
    return tensordot(a, b, ([-1], [-1]))


@array_function("a", "b")
def vdot(a, b):
    """The dot product of the flattened arrays."""
    return dot(ravel(a), ravel(b))
