"""jacfwd, jacrev and hessian: one batched lintra.jvp or lintra.vjp each.

As in JAX, jacfwd is vmap of a JVP over the standard basis of the
differentiated inputs (a column each) and jacrev vmap of a VJP over the basis
of the outputs (a row each): one `lintra.vmap` op whose callee holds one
`lintra.jvp` (`lintra.vjp`) of the traced function, so the IR does not grow
with the number of elements. The basis of all differentiated leaves (or all
outputs) is stacked along the mapped axis; the batched results are split per
leaf and reshaped to `output.shape + input.shape`. For pytrees, each output
leaf is replaced by the (tuple over `argnums` of the) input structure holding
the blocks. `hessian(f) = jacfwd(jacrev(f))`; the passes expand the inner ops
first.
"""

from __future__ import annotations

import numpy as np

from . import numpy as lnp
from .batching import vmap
from .pytree import tree_unflatten
from .transform_core import (
    Transformation,
    check_float_args,
    emit_jvp,
    emit_vjp,
    normalize_argnums,
    trace_body,
    zeros_for,
)


def basis(avals) -> tuple[list, list[int]]:
    """For leaves of `avals`: one (n, *shape) array each, stacking the standard basis
    of all leaves (n = their total size) along axis 0, and each leaf's offset. The
    identity is computed (an iota comparison), so the IR stays O(n), not O(n^2)."""
    sizes = [int(np.prod(a.shape, dtype=np.int64)) for a in avals]
    total, offsets = sum(sizes), [int(o) for o in np.cumsum([0, *sizes[:-1]])]
    ids = lnp.arange(total)
    eye = lnp.where(ids[:, None] == ids[None, :], 1.0, 0.0)
    arrays = [
        lnp.reshape(lnp.astype(eye[:, offset : offset + size], aval.dtype), (total, *aval.shape))
        for aval, size, offset in zip(avals, sizes, offsets, strict=True)
    ]
    return arrays, offsets


class JacobianTransformation(Transformation):
    """jacfwd (kind 'jacfwd') or jacrev (kind 'jacrev') of `fun`."""

    def __init__(self, fun, kind: str, argnums, backend=None):
        self.kind = kind
        super().__init__(fun, backend, argnums=argnums)

    def trace_call(self, *args, **kwargs):
        argnums = normalize_argnums(self.params["argnums"], len(args), self.kind)
        check_float_args(self.kind, args, argnums)
        body = trace_body(self.function_with(kwargs), args, self.kind)
        slices = body.arg_slices
        out_avals = body.traced.out_avals
        selected = [j for argnum in argnums for j in slices[argnum]]
        blocks = self._forward(body, selected) if self.kind == "jacfwd" else self._reverse(body, selected)
        in_avals = [body.inputs[j].aval for j in range(body.n_leaves)]
        per_output = []
        for k, out_aval in enumerate(out_avals):
            per_arg = tuple(
                tree_unflatten(
                    body.arg_trees[argnum],
                    [lnp.reshape(blocks[(k, j)], out_aval.shape + in_avals[j].shape) for j in slices[argnum]],
                )
                for argnum in argnums
            )
            per_output.append(per_arg[0] if isinstance(self.params["argnums"], int) else per_arg)
        return tree_unflatten(body.traced.out_tree, per_output)

    @staticmethod
    def _forward(body, selected) -> dict:
        """{(output k, input j): the Jacobian block, columns on the last axis}."""
        float_inputs = set(body.float_inputs())
        avals = [body.inputs[j].aval for j in selected]

        def column(*directions):
            # Zero tangents are constants of this function, so lintra-ad sees symbolic
            # zeros (no 0 * inf = nan from the other arguments).
            tangents = [
                zeros_for(body.inputs[i].aval) if i in float_inputs else None for i in range(body.n_leaves)
            ]
            for j, direction in zip(selected, directions, strict=True):
                tangents[j] = direction
            return emit_jvp(body, tangents)[1]

        arrays, offsets = basis(avals)
        out_avals = body.traced.out_avals
        columns = vmap(column, out_axes=[len(a.shape) for a in out_avals])(*arrays)
        return {
            (k, j): columns[k][..., offset : offset + int(np.prod(aval.shape, dtype=np.int64))]
            for k in range(len(out_avals))
            for j, aval, offset in zip(selected, avals, offsets, strict=True)
        }

    @staticmethod
    def _reverse(body, selected) -> dict:
        """{(output k, input j): the Jacobian block, rows on the first axis}."""
        out_avals = body.traced.out_avals
        float_outputs = body.float_outputs()
        if len(float_outputs) != len(out_avals):
            raise TypeError(
                "jacrev requires float32 or float64 outputs, got "
                f"{', '.join(str(a.dtype) for a in out_avals)}"
            )

        def row(*cotangents):
            cotangents = [lnp.asarray(c) for c in cotangents]
            return [emit_vjp(body, cotangents)[j] for j in selected]

        arrays, offsets = basis(out_avals)
        rows = vmap(row)(*arrays)
        return {
            (k, j): rows[n][offset : offset + int(np.prod(aval.shape, dtype=np.int64))]
            for k, (aval, offset) in enumerate(zip(out_avals, offsets, strict=True))
            for n, j in enumerate(selected)
        }


def jacfwd(fun, argnums=0, backend=None):
    """The Jacobian of `fun` by forward mode (a JVP batched over the input basis), like jax.jacfwd.
    `backend`: see `lintra.grad`."""
    return JacobianTransformation(fun, "jacfwd", argnums, backend)


def jacrev(fun, argnums=0, backend=None):
    """The Jacobian of `fun` by reverse mode (a VJP batched over the output basis), like jax.jacrev.
    `backend`: see `lintra.grad`."""
    return JacobianTransformation(fun, "jacrev", argnums, backend)


def hessian(fun, argnums=0, backend=None):
    """The Hessian of scalar `fun`: jacfwd(jacrev(fun)), like jax.hessian."""
    transformation = jacfwd(jacrev(fun, argnums), argnums, backend)
    transformation.__name__ = f"hessian_{getattr(fun, '__name__', 'fn')}"
    return transformation
