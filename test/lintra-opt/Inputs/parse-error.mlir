// Used by parse-error.mlir and stdin.mlir: %y is undefined on line 4.
func.func @undefined_value(%x: f64) -> f64 {
  %0 = arith.addf %x, %x : f64
  %1 = arith.mulf %0, %y : f64
  return %1 : f64
}
