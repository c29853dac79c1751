"""f64 log1p and expm1 on the IREE backend against numpy's libm, at the small
arguments IREE 3.13 gets wrong (test/iree/upstream-log1p-expm1-f64-accuracy.mlir)
and at the special values (±inf, -1, NaN, -0.0, overflow)."""

import numpy as np
import pytest

import lintra
import lintra.numpy as lnp

pytest.importorskip("iree.runtime")

POINTS = np.array(
    [-400.0, -20.0, -1e-10, 1e-10, 1.9e-174, -1e-12, 0.3, -0.7, -1.0, -2.0, 5.0, 700.0, 710.0, -745.0]
    + [np.inf, -np.inf, np.nan, -0.0, 1e300]
)


@pytest.mark.parametrize("name", ["log1p", "expm1"])
def test_f64_log1p_expm1_match_libm_on_iree(name):
    got = lintra.jit(getattr(lnp, name), backend="iree-cpu")(POINTS)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(POINTS)
    np.testing.assert_allclose(got, want, rtol=4e-16, atol=0)
    numbers = ~np.isnan(want)
    np.testing.assert_array_equal(np.signbit(got[numbers]), np.signbit(want[numbers]))


def test_f64_log1p_inside_a_gradient_on_iree():
    """Rewritten inside fused generic bodies too: softplus(-400)'s value and slope."""
    x = np.array([-400.0, -30.0, 2.0])
    value, slope = lintra.value_and_grad(lambda v: lnp.sum(lnp.log1p(lnp.exp(v))), backend="iree-cpu")(x)
    np.testing.assert_allclose(value, np.sum(np.log1p(np.exp(x))), rtol=1e-15)
    np.testing.assert_allclose(slope, 1 / (1 + np.exp(-x)), rtol=1e-15)
