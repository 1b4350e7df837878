// col2im: the adjoint of im2col, cols (N * OH * OW, C * KH * KW) -> dx (N, C, H, W), summing
// every window entry that came from the same input pixel.
// Called by src/gpu/kernels/conv.ts (conv2d backward for the input gradient).
// Dispatch: grid1d(ceil(N * C * H * W / 256)) workgroups of 256; each thread owns one input pixel
// and gathers the (oh, ow, kh, kw) entries that cover it, so no two threads write the same
// address and no float atomics are needed (WGSL has none). The covering output rows are the oh
// with oh * stride_h <= ih + pad_h < oh * stride_h + KH, looped directly instead of over all of KH.

@group(0) @binding(0) var<storage, read> cols: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  total: u32,      // N * C * H * W
  channels: u32,   // C
  in_h: u32,       // H
  in_w: u32,       // W
  kernel_h: u32,   // KH
  kernel_w: u32,   // KW
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
  out_h: u32,      // OH
  out_w: u32,      // OW
}

// First output index o with o * stride + kernel > p (windows before it end before p), and one past
// the last with o * stride <= p, clamped to [0, out]. p is a padded coordinate (>= 0).
fn first_cover(p: u32, kernel: u32, stride: u32) -> u32 {
  if (p < kernel) { return 0u; }
  return (p - kernel) / stride + 1u;
}

fn end_cover(p: u32, stride: u32, out: u32) -> u32 {
  return min(p / stride + 1u, out);
}

@compute @workgroup_size(256)
fn col2im(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
          @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let iw = i % params.in_w;
  let ih = (i / params.in_w) % params.in_h;
  let c = (i / (params.in_w * params.in_h)) % params.channels;
  let n = i / (params.in_w * params.in_h * params.channels);
  let ph = ih + params.pad_h;
  let pw = iw + params.pad_w;
  let kernel_area = params.kernel_h * params.kernel_w;
  let row_len = params.channels * kernel_area;
  let oh_end = end_cover(ph, params.stride_h, params.out_h);
  let ow_begin = first_cover(pw, params.kernel_w, params.stride_w);
  let ow_end = end_cover(pw, params.stride_w, params.out_w);
  var acc = 0.0;
  for (var oh = first_cover(ph, params.kernel_h, params.stride_h); oh < oh_end; oh++) {
    let kh = ph - oh * params.stride_h;
    for (var ow = ow_begin; ow < ow_end; ow++) {
      let kw = pw - ow * params.stride_w;
      let row = (n * params.out_h + oh) * params.out_w + ow;
      acc += cols[row * row_len + c * kernel_area + kh * params.kernel_w + kw];
    }
  }
  dx[i] = acc;
}
