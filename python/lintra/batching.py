"""vmap: the function traced once, per batch member, into its own `func.func`,
and one `lintra.vmap` op calling it, which `lintra-batch` (or `lintra-ad`)
expands with the batching rules.

Axes follow JAX: `in_axes` is an int, None, or a tuple with one entry per
positional argument, each a pytree prefix of its argument (None: not mapped);
`out_axes` likewise for the output. Negative axes count from the end (of the
input, or of the batched output). Keyword arguments are mapped over axis 0, as
in JAX. Values captured from an enclosing trace are not mapped.
"""

from __future__ import annotations

import numpy as np
import optree
from mlir import ir

from .jit import function_name
from .numpy_core import operand
from .pytree import NAMESPACE, tree_flatten, tree_unflatten
from .tracing import Aval, emit, wrap
from .transform_core import Transformation, trace_body


def leaf_axes(spec, tree, what: str) -> list:
    """One axis (int or None) per leaf of `tree`, from the prefix `spec` (JAX's rule)."""
    n_leaves = len(tree_flatten(tree)[0])
    if spec is None or isinstance(spec, (int, np.integer)):
        return [None if spec is None else int(spec)] * n_leaves
    spec_leaves, spec_def = optree.tree_flatten(spec, none_is_leaf=True, namespace=NAMESPACE)
    try:
        subtrees = spec_def.flatten_up_to(tree)
    except (ValueError, TypeError):
        raise ValueError(
            f"vmap {what} specification must be a tree prefix of the corresponding value, got "
            f"specification {spec} for value tree {tree_flatten(tree)[1]}."
        ) from None
    axes = []
    for axis, subtree in zip(spec_leaves, subtrees, strict=True):
        if axis is not None and not isinstance(axis, (int, np.integer)):
            raise TypeError(f"vmap {what} must be an int, None, or a (nested) container of them, got {axis}")
        axes.extend([axis] * len(tree_flatten(subtree)[0]))
    return axes


def normalize_axis(axis, ndim: int, what: str):
    """`axis` in [0, ndim), negative axes counted from the end; ValueError otherwise."""
    if axis is None:
        return None
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"vmap was requested to map its {what} along axis {axis}, which implies that its rank "
            f"should be at least {axis + 1 if axis >= 0 else -axis}, but is only {ndim}"
        )
    return axis % ndim


def argument_axes(in_axes, args) -> list:
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)  # as JAX: a list is a tuple prefix here
    if isinstance(in_axes, tuple):
        if len(in_axes) != len(args):
            raise ValueError(
                f"vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                f"positional arguments passed to the function, but got len(in_axes)={len(in_axes)}, "
                f"len(args)={len(args)}"
            )
        return [
            axis for spec, arg in zip(in_axes, args, strict=True) for axis in leaf_axes(spec, arg, "in_axes")
        ]
    return leaf_axes(in_axes, args, "in_axes")


def batch_size(leaves, axes, axis_size) -> int:
    sizes = {leaf.shape[axis] for leaf, axis in zip(leaves, axes, strict=True) if axis is not None}
    if axis_size is not None:
        sizes.add(int(axis_size))
    if not sizes:
        raise ValueError("vmap must have at least one non-None value in in_axes")
    if len(sizes) > 1:
        described = ", ".join(
            f"axis {axis} of an argument of shape {tuple(leaf.shape)} (size {leaf.shape[axis]})"
            for leaf, axis in zip(leaves, axes, strict=True)
            if axis is not None
        )
        suffix = f" and axis_size={axis_size}" if axis_size is not None else ""
        raise ValueError(f"vmap got inconsistent sizes for array axes to be mapped: {described}{suffix}")
    return sizes.pop()


def i64_array(values) -> ir.Attribute:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])


class VmapTransformation(Transformation):
    kind = "vmap"

    def __init__(self, fun, in_axes, out_axes, axis_size):
        super().__init__(fun, None, axes=repr((in_axes, out_axes, axis_size)))
        self.in_axes, self.out_axes, self.axis_size = in_axes, out_axes, axis_size

    def trace_call(self, *args, **kwargs):
        names = sorted(kwargs)
        fun = self.fun

        def positional(*values):
            return fun(*values[: len(args)], **dict(zip(names, values[len(args) :], strict=True)))

        positional.__name__ = function_name(fun)
        axes = argument_axes(self.in_axes, args) + [0] * len(tree_flatten([kwargs[n] for n in names])[0])
        all_args = tuple(args) + tuple(kwargs[n] for n in names)
        leaves, tree = tree_flatten(all_args)
        leaves = [operand(leaf, "vmap") for leaf in leaves]
        axes = [normalize_axis(a, leaf.ndim, "argument") for a, leaf in zip(axes, leaves, strict=True)]
        size = batch_size(leaves, axes, self.axis_size)
        avals = [
            leaf.aval
            if axis is None
            else Aval(leaf.shape[:axis] + leaf.shape[axis + 1 :], leaf.dtype, leaf.weak)
            for leaf, axis in zip(leaves, axes, strict=True)
        ]
        body = trace_body(positional, tree_unflatten(tree, avals), "vmap")
        out_avals, out_tree = body.traced.out_avals, body.traced.out_tree
        out_leaf_axes = leaf_axes(self.out_axes, tree_unflatten(out_tree, out_avals), "out_axes")
        out_leaf_axes = [
            normalize_axis(a, len(aval.shape) + 1, "output")
            for a, aval in zip(out_leaf_axes, out_avals, strict=True)
        ]
        result_avals = [
            aval
            if axis is None
            else Aval(aval.shape[:axis] + (size,) + aval.shape[axis:], aval.dtype, aval.weak)
            for aval, axis in zip(out_avals, out_leaf_axes, strict=True)
        ]
        in_axes = [-1 if a is None else a for a in axes] + [-1] * len(body.traced.captured)
        op = emit(
            "lintra.vmap",
            leaves + list(body.traced.captured),
            [a.tensor_type() for a in result_avals],
            {
                "callee": ir.FlatSymbolRefAttr.get(body.name),
                "in_axes": i64_array(in_axes),
                "out_axes": i64_array(-1 if a is None else a for a in out_leaf_axes),
                "axis_size": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), size),
            },
        )
        results = [wrap(r, a.weak) for r, a in zip(op.results, result_avals, strict=True)]
        return tree_unflatten(out_tree, results)


def vmap(fun, in_axes=0, out_axes=0, axis_size=None):
    """The function mapping `fun` over an axis of its arguments, like jax.vmap (see
    the module doc for `in_axes` and `out_axes`). `axis_size` is required when no
    argument is mapped, and must match the mapped sizes otherwise."""
    if not callable(fun):
        raise TypeError(f"vmap requires a callable, got {fun!r}")
    return VmapTransformation(fun, in_axes, out_axes, axis_size)
