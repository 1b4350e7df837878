// Index math of a 2-D convolution's taps, shared by the implicit sparse conv kernels
// (sparse-conv-forward, sparse-conv-input-grad, sparse-conv-weight-grad; concatenated in front of
// them by src/gpu/kernels/sparse-conv.ts). A weight column is a tap of the OIHW kernel:
// col = (c * k_h + kh) * k_w + kw, the same order as PyTorch's weight.view(O, -1).

struct ConvTap {
  channel: u32,
  kh: i32,
  kw: i32,
}

fn conv_tap(col: u32, k_h: u32, k_w: u32) -> ConvTap {
  let per_channel = k_h * k_w;
  let c = col / per_channel;
  let r = col - c * per_channel;
  return ConvTap(c, i32(r / k_w), i32(r % k_w));
}

// The output coordinates [lo, hi) along one dim whose tap k reads inside the input:
// 0 <= o * stride - pad + k < size. Empty (lo >= hi) when none does.
fn conv_valid_outputs(k: i32, stride: u32, pad: u32, size: u32, out: u32) -> vec2u {
  let s = i32(stride);
  let lead = i32(pad) - k;  // o * s must be >= lead
  let lo = select(0, (lead + s - 1) / s, lead > 0);
  let last = i32(size) - 1 + i32(pad) - k;  // o * s must be <= last
  let hi = select(0, min(last / s + 1, i32(out)), last >= 0);
  return vec2u(u32(lo), u32(max(hi, lo)));
}
