func.func @ok() {
  return
}
// -----
// An error on line 8 of this file.

func.func @bad() {
  %x = arith.addf
}
// -----
func.func @also_ok() {
  return
}
