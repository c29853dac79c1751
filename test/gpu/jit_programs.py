# lintra.jit on the iree-cuda backend, for every program of the GPU check
# (test/gpu/programs.py), against JAX on the CPU with 64-bit types.
# RUN: %PYTHON %s

import os
import sys

import jax
import jax.numpy as jnp
import numpy as np

import lintra
import lintra.nn
import lintra.numpy as lnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from programs import PROGRAMS  # noqa: E402

jax.config.update("jax_enable_x64", True)

for program in PROGRAMS:
    args = program.make(np.random.default_rng(0))
    outputs = lintra.jit(program.fun(lnp, lintra.nn, lintra), backend="iree-cuda")(*args)
    references = jax.jit(program.fun(jnp, jax.nn, jax), backend="cpu")(*args)
    leaves, tree = jax.tree_util.tree_flatten(outputs)
    reference_leaves, reference_tree = jax.tree_util.tree_flatten(references)
    assert tree == reference_tree, (program.name, tree, reference_tree)
    for output, reference in zip(leaves, reference_leaves, strict=True):
        reference = np.asarray(reference)
        assert output.dtype == reference.dtype and output.shape == reference.shape, program.name
        if reference.dtype == np.bool_:
            np.testing.assert_array_equal(output, reference, err_msg=program.name)
        else:
            scale = max(float(np.max(np.abs(reference))), 1e-30)
            error = float(np.max(np.abs(output - reference))) / scale
            assert error <= program.rtol, (program.name, error)
    print(f"{program.name}: ok")
