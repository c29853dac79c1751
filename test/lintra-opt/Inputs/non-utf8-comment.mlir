// a comment with a Latin-1 byte: café
func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64 // ÿş
  return %0 : f64
}
