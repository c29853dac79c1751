"""Differentiation rules, one module per dialect: the top layer of `lintra.passes`.

Importing this package fills the tables of `lintra.passes.core.tables`
(`JVP_RULES`, `TRANSPOSE_RULES`) that the machinery in `lintra.passes.core`
reads; `lintra.passes` imports it, so the tables are full whenever a pass runs.
To support a new op, add its rules to `passes/rules/<dialect>.py` with the
helpers of `core/tables.py` (`defjvp`, `deflinear`, `defbilinear`, `defzero`).
linalg.generic and linalg.map have their own file, `linalg_generic.py`;
`lintra.stop_gradient` has `lintra_stop_gradient.py`; the scf ops have `scf.py`
(JVP), `scf_linear.py`, `scf_while.py` (linearize, transpose) and `scf_batch.py`.
"""

from . import (  # noqa: F401  (fill the tables)
    arith,
    func,
    linalg,
    linalg_generic,
    lintra,
    lintra_ops,
    lintra_stop_gradient,
    math,
    scf,
    scf_batch,
    scf_linear,
    scf_while,
    tensor,
)
