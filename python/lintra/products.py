"""Products for `lintra.numpy`: matmul, dot and outer, with NumPy's/JAX's rules.

2-D and 1-D operands become the named linalg ops (matmul, matvec, vecmat,
dot); batched and N-D products become one `linalg.generic` contraction.
Operands are promoted to one dtype; mismatched contracting dimensions are a
TypeError raised before any op is emitted.
"""

from __future__ import annotations

from . import primitives as prim
from .eager import array_function
from .elementwise import multiply
from .numpy_core import broadcast_shapes, operand, operand_shape, promoted_type
from .shape_ops import ravel, reshape
from .tracing import Tracer


def _same_dtype_pair(name: str, a, b) -> tuple[Tracer, Tracer]:
    dtype, weak = promoted_type(name, a, b)
    return prim.convert(operand(a, name), dtype, weak), prim.convert(operand(b, name), dtype, weak)


@array_function("a", "b")
def matmul(a, b):
    """Matrix product with NumPy's rules (1-D operands, broadcast batch dimensions)."""
    a, b = _same_dtype_pair("matmul", a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul operands must have at least one dimension, got shapes {a.shape} and {b.shape}"
        )
    inner = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner:
        raise TypeError(
            f"matmul: contracting dimensions differ: {a.shape} @ {b.shape} ({a.shape[-1]} != {inner})"
        )
    if a.ndim <= 2 and b.ndim <= 2:
        dims = {
            (1, 1): ([0], [0], [], 1),
            (2, 1): ([0, 1], [1], [0], 2),
            (1, 2): ([1], [1, 0], [0], 2),
            (2, 2): ([0, 2], [2, 1], [0, 1], 3),
        }
        return prim.contract(a, b, *dims[(a.ndim, b.ndim)], named=True)
    a2 = prim.reshape(a, (1,) + a.shape) if a.ndim == 1 else a
    b2 = prim.reshape(b, b.shape + (1,)) if b.ndim == 1 else b
    batch = broadcast_shapes("matmul", a2.shape[:-2], b2.shape[:-2])
    a2 = prim.broadcast_to(a2, batch + a2.shape[-2:])
    b2 = prim.broadcast_to(b2, batch + b2.shape[-2:])
    n = len(batch)
    loops = list(range(n))
    result = prim.contract(a2, b2, loops + [n, n + 2], loops + [n + 2, n + 1], loops + [n, n + 1], n + 3)
    out_shape = batch + ((a.shape[-2],) if a.ndim > 1 else ()) + ((b.shape[-1],) if b.ndim > 1 else ())
    return prim.reshape(result, out_shape)


@array_function("a", "b")
def dot(a, b):
    """NumPy's dot: a product with scalars, matmul for 1-D/2-D operands, and for N-D
    a sum over the last axis of `a` and the second-to-last of `b`."""
    a_ndim, b_ndim = len(operand_shape(a)), len(operand_shape(b))
    if a_ndim == 0 or b_ndim == 0:
        return multiply(a, b)
    if b_ndim == 1 or (a_ndim <= 2 and b_ndim <= 2):
        return matmul(a, b)
    a, b = _same_dtype_pair("dot", a, b)
    if a.shape[-1] != b.shape[-2]:
        raise TypeError(f"dot: contracting dimensions differ: {a.shape} and {b.shape}")
    na, nb = a.ndim, b.ndim
    k = na + nb - 2
    a_dims = list(range(na - 1)) + [k]
    b_dims = list(range(na - 1, na + nb - 3)) + [k, na + nb - 3]
    return prim.contract(a, b, a_dims, b_dims, list(range(k)), k + 1)


@array_function("a", "b")
def outer(a, b):
    a, b = ravel(a), ravel(b)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))
