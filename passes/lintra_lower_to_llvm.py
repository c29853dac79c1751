"""lintra-lower-to-llvm (under construction)."""

from .base import ModulePass


class LintraLowerToLlvm(ModulePass):
    argument = "lintra-lower-to-llvm"
    description = ""
    options = {}

    def run(self, module):
        raise NotImplementedError("lintra-lower-to-llvm")
