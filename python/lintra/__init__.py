"""lintra: automatic differentiation for MLIR (linearize, then transpose)."""
