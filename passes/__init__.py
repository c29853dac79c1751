"""lintra's passes, one per file, each named like its kebab-case argument.

`PASSES` maps a pass argument (as written on the lintra-opt command line or in a
`--pass-pipeline`) to its pass class. See `base.ModulePass` for the protocol.

Imports flow one way, bottom to top (checked by test/python/test_import_layering.py):

1. `diagnostics`, `base`: errors and the pass protocol;
2. `core/emit.py`, `core/structured.py`, `core/ad_state.py`, `core/custom_rules.py`:
   IR building, symbols, and the user's rules given as function attributes;
   `core/batch_dims.py`: batched values (moving and broadcasting batch dims);
3. `core/tables.py`: the rule tables (`JVP_RULES`, `TRANSPOSE_RULES`,
   `BATCH_RULES`) and the `def*` helpers, empty until filled;
4. `core/jvp.py`, `core/transpose.py`, `core/checkpoint.py`, `core/linearize.py`,
   `core/batch.py`, `core/expand.py`, `core/contractions.py`, `core/cleanup.py`,
   `core/residual_report.py`: the machinery, which reads the tables and never
   imports a rule module; `core/linalg_ops.py` (the lintra linear-algebra ops'
   contracts and builders), `core/tensor_loops.py`, `core/triangular.py` and
   `core/factorizations.py` (their decompositions into scf and linalg);
5. `rules/<dialect>.py`: the rules, which fill the tables (and may call the
   machinery, e.g. func.call's rules generate derived functions);
6. the pass modules and `pipeline.py`; this file imports `rules` so the tables
   are full before any pass runs.
"""

from . import rules  # noqa: F401  (fills the rule tables)
from .lintra_ad import LintraAd
from .lintra_batch import LintraBatch
from .lintra_decompose_linalg import LintraDecomposeLinalg
from .lintra_jvp import LintraJvp
from .lintra_linearize import LintraLinearize
from .lintra_lower_to_llvm import LintraLowerToLlvm
from .lintra_lower_to_nvvm import LintraLowerToNvvm
from .lintra_transpose import LintraTranspose

PASSES = {
    pass_class.argument: pass_class
    for pass_class in (
        LintraJvp,
        LintraLinearize,
        LintraTranspose,
        LintraAd,
        LintraBatch,
        LintraDecomposeLinalg,
        LintraLowerToLlvm,
        LintraLowerToNvvm,
    )
}
