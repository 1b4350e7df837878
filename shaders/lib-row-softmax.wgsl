// The statistics of a stable softmax over one row, shared by softmax.wgsl, cross-entropy.wgsl and
// cross-entropy-backward.wgsl: m = max(row) and s = sum(exp(row - m)), so softmax = exp(x - m) / s
// and logsumexp = m + log(s) for logits of any size. Requires lib-workgroup-reduce.wgsl in front
// and `fn row_value(i: u32) -> f32` (the row's storage read) in the including shader. Each thread
// of the workgroup strides the row by WG; all must call it (it holds barriers).

// The lowest finite f32: an identity for max that keeps exp(x - m) free of inf - inf.
const LOWEST: f32 = -0x1.fffffep+127f;

// (max, sum of exp(value - max)) over row_value(base .. base + cols).
fn row_softmax_stats(base: u32, cols: u32, lid: u32) -> vec2f {
  var m = LOWEST;
  for (var c = lid; c < cols; c += WG) { m = max(m, row_value(base + c)); }
  m = workgroup_max(m, lid);
  var s = 0.0;
  for (var c = lid; c < cols; c += WG) { s += exp(row_value(base + c) - m); }
  return vec2f(m, workgroup_sum(s, lid));
}
