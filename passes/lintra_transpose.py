"""lintra-transpose (under construction)."""

from .base import ModulePass


class LintraTranspose(ModulePass):
    argument = "lintra-transpose"
    description = ""
    options = {}

    def run(self, module):
        raise NotImplementedError("lintra-transpose")
