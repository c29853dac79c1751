"""lintra: automatic differentiation for MLIR (linearize, then transpose).

The Python frontend has JAX's API: `lintra.numpy` and `lintra.nn` build
traced arrays, `jit` compiles, and the transformations below emit lintra ops
that the passes (`lintra.passes`) expand:

    import lintra, lintra.numpy as lnp
    df = lintra.jit(lintra.grad(lambda x: lnp.sum(lnp.sin(x) * x)))
    df(np.linspace(0.0, 1.0, 4))

`custom_jvp`, `custom_vjp` and `stop_gradient` give derivative rules as JAX's do.
`lintra.config` holds process-wide settings (backend, persistent cache);
`lintra.backends` the execution backends. `lintra.export` writes a compiled
function to a file that `lintra.load` (module `lintra.exported`, which needs
only iree-base-runtime and numpy) runs.
"""

import sys

from . import backends, lax, linalg, nn, numpy, scipy
from . import pytree as tree_util
from .batching import vmap
from .compile_cache import cache_info, clear_cache, set_cache_size
from .custom_derivatives import custom_jvp, custom_vjp, stop_gradient
from .exported import load
from .exporting import export
from .jacobians import hessian, jacfwd, jacrev
from .jit import jit
from .pytree import register_pytree_node, tree_flatten, tree_leaves, tree_map, tree_unflatten
from .remat import checkpoint, remat, saved_residuals
from .settings import config
from .tracing import TracerLeakError
from .transforms import eval_shape, grad, jvp, linear_transpose, linearize, value_and_grad, vjp

# `lintra.numpy.linalg` (and `import lintra.numpy.linalg`) is `lintra.linalg`,
# which sits above `lintra.numpy` in the import layers.
numpy.linalg = linalg
sys.modules.setdefault(f"{__name__}.numpy.linalg", linalg)

__all__ = [
    "jit",
    "grad",
    "value_and_grad",
    "jvp",
    "vjp",
    "linearize",
    "linear_transpose",
    "jacfwd",
    "jacrev",
    "hessian",
    "vmap",
    "eval_shape",
    "custom_jvp",
    "custom_vjp",
    "stop_gradient",
    "checkpoint",
    "remat",
    "saved_residuals",
    "numpy",
    "lax",
    "nn",
    "scipy",
    "cache_info",
    "clear_cache",
    "set_cache_size",
    "tree_flatten",
    "tree_unflatten",
    "tree_map",
    "tree_leaves",
    "tree_util",
    "register_pytree_node",
    "TracerLeakError",
    "config",
    "backends",
    "export",
    "load",
]
