"""Differentiation rules, one module per dialect, collected into two tables.

To support a new op, add its rules to `passes/rules/<dialect>.py` using the
helpers in `tables.py` (`defjvp`, `deflinear`, `defbilinear`, `defzero`).
"""

from .tables import (JVP_RULES, NON_DIFFERENTIABLE, TRANSPOSE_RULES, Linear, Replaced,  # noqa: F401
                     TransposeRule)
from . import arith, math, tensor, linalg, func  # noqa: F401,E402  (fill the tables)
