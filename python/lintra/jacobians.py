"""jacfwd, jacrev and hessian, built from lintra.jvp and lintra.vjp ops.

Shapes are static, so a Jacobian is assembled from one op per basis vector:
jacfwd emits one `lintra.jvp` per element of the differentiated inputs (a
column each), jacrev one `lintra.vjp` per element of the outputs (a row each),
all calling the same traced function; the results are stacked and reshaped to
`output.shape + input.shape`, as in JAX. For pytrees, each output leaf is
replaced by the (tuple over `argnums` of the) input structure holding the
blocks. `hessian(f) = jacfwd(jacrev(f))`: the inner vjp ops are expanded
first, then the jvp ops of the function that holds them.
"""

from __future__ import annotations

import numpy as np

from . import numpy as lnp
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


def _one_hot(aval, index: int) -> np.ndarray:
    basis = np.zeros(aval.shape, aval.dtype)
    basis.reshape(-1)[index] = 1
    return basis


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
        """{(output k, input j): columns stacked on the last axis}, one jvp per column."""
        float_inputs = set(body.float_inputs())
        zeros = [zeros_for(body.inputs[i].aval) if i in float_inputs else None for i in range(body.n_leaves)]
        blocks = {}
        for j in selected:
            aval = body.inputs[j].aval
            columns = []
            for index in range(int(np.prod(aval.shape, dtype=np.int64))):
                tangents = list(zeros)
                tangents[j] = _one_hot(aval, index)
                columns.append(emit_jvp(body, tangents)[1])
            for k in range(len(body.traced.out_avals)):
                blocks[(k, j)] = lnp.stack([column[k] for column in columns], axis=-1)
        return blocks

    @staticmethod
    def _reverse(body, selected) -> dict:
        """{(output k, input j): rows stacked on the first axis}, one vjp per row."""
        out_avals = body.traced.out_avals
        float_outputs = body.float_outputs()
        if len(float_outputs) != len(out_avals):
            raise TypeError(
                "jacrev requires float32 or float64 outputs, got "
                f"{', '.join(str(a.dtype) for a in out_avals)}"
            )
        blocks = {}
        for k, aval in enumerate(out_avals):
            rows = []
            for index in range(int(np.prod(aval.shape, dtype=np.int64))):
                cotangents = [zeros_for(a) for a in out_avals]
                cotangents[k] = lnp.asarray(_one_hot(aval, index))
                rows.append(emit_vjp(body, cotangents))
            for j in selected:
                blocks[(k, j)] = lnp.stack([row[j] for row in rows], axis=0)
        return blocks


def jacfwd(fun, argnums=0, backend=None):
    """The Jacobian of `fun` by forward mode (one JVP per input element), like jax.jacfwd.
    `backend`: see `lintra.grad`."""
    return JacobianTransformation(fun, "jacfwd", argnums, backend)


def jacrev(fun, argnums=0, backend=None):
    """The Jacobian of `fun` by reverse mode (one VJP per output element), like jax.jacrev.
    `backend`: see `lintra.grad`."""
    return JacobianTransformation(fun, "jacrev", argnums, backend)


def hessian(fun, argnums=0, backend=None):
    """The Hessian of scalar `fun`: jacfwd(jacrev(fun)), like jax.hessian."""
    transformation = jacfwd(jacrev(fun, argnums), argnums, backend)
    transformation.__name__ = f"hessian_{getattr(fun, '__name__', 'fn')}"
    return transformation
