"""lintra-linearize (under construction)."""

from .base import ModulePass


class LintraLinearize(ModulePass):
    argument = "lintra-linearize"
    description = ""
    options = {}

    def run(self, module):
        raise NotImplementedError("lintra-linearize")
