"""lintra.scipy: the jax.scipy API on lintra arrays (`lintra.scipy.linalg`)."""

from . import linalg

__all__ = ["linalg"]
