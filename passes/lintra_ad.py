"""lintra-ad (under construction)."""

from .base import ModulePass


class LintraAd(ModulePass):
    argument = "lintra-ad"
    description = ""
    options = {}

    def run(self, module):
        raise NotImplementedError("lintra-ad")
