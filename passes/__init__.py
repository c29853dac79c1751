"""lintra's passes, one per file, each named like its kebab-case argument.

`PASSES` maps a pass argument (as written on the lintra-opt command line or in a
`--pass-pipeline`) to its pass class. See `base.ModulePass` for the protocol.
"""

from .lintra_ad import LintraAd
from .lintra_jvp import LintraJvp
from .lintra_linearize import LintraLinearize
from .lintra_lower_to_llvm import LintraLowerToLlvm
from .lintra_transpose import LintraTranspose

PASSES = {
    pass_class.argument: pass_class
    for pass_class in (LintraJvp, LintraLinearize, LintraTranspose, LintraAd, LintraLowerToLlvm)
}
