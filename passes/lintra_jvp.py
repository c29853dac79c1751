"""lintra-jvp (under construction)."""

from .base import ModulePass


class LintraJvp(ModulePass):
    argument = "lintra-jvp"
    description = ""
    options = {}

    def run(self, module):
        raise NotImplementedError("lintra-jvp")
