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

// Output pixel (oh, ow) reads input (origin + (kh, kw)); origin = (oh, ow) * stride - pad.
fn conv_origin(oh: u32, ow: u32, stride: vec2u, pad: vec2u) -> vec2i {
  return vec2i(i32(oh * stride.x) - i32(pad.x), i32(ow * stride.y) - i32(pad.y));
}

fn conv_inside(at: vec2i, size: vec2u) -> bool {
  return at.x >= 0 && at.y >= 0 && at.x < i32(size.x) && at.y < i32(size.y);
}

// The output coordinate whose tap k reads input coordinate i along one dim, or -1 if none:
// i = o * stride - pad + k, so o = (i + pad - k) / stride when that divides and 0 <= o < out.
fn conv_reader(i: u32, k: i32, stride: u32, pad: u32, out: u32) -> i32 {
  let t = i32(i + pad) - k;
  if (t < 0 || t % i32(stride) != 0) { return -1; }
  let o = t / i32(stride);
  return select(-1, o, o < i32(out));
}
