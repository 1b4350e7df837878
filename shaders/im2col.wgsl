// im2col: x (N, C, H, W) -> cols (N * OH * OW, C * KH * KW), the patch matrix of a 2-D convolution.
// Called by src/gpu/kernels/conv.ts; conv2d (src/ops/conv.ts) multiplies cols by the OIHW weight
// viewed as (O, C * KH * KW), so a column index is c-major, then kh, then kw (PyTorch's order).
// Dispatch: grid1d(ceil(total / 256)) workgroups of 256; each thread writes one element of cols
// (row = (n, oh, ow), column = (c, kh, kw)), reading x or writing 0 where the window hits padding.
// Consecutive threads write consecutive columns of one row, so the stores are coalesced.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  total: u32,      // N * OH * OW * C * KH * KW
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

@compute @workgroup_size(256)
fn im2col(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
          @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let kernel_area = params.kernel_h * params.kernel_w;
  let row_len = params.channels * kernel_area;
  let row = i / row_len;
  let col = i % row_len;
  let c = col / kernel_area;
  let kh = (col % kernel_area) / params.kernel_w;
  let kw = col % params.kernel_w;
  let ow = row % params.out_w;
  let oh = (row / params.out_w) % params.out_h;
  let n = row / (params.out_w * params.out_h);
  // Signed: a window starting in the top or left padding has negative input coordinates.
  let ih = i32(oh * params.stride_h + kh) - i32(params.pad_h);
  let iw = i32(ow * params.stride_w + kw) - i32(params.pad_w);
  var v = 0.0;
  if (ih >= 0 && ih < i32(params.in_h) && iw >= 0 && iw < i32(params.in_w)) {
    v = x[((n * params.channels + c) * params.in_h + u32(ih)) * params.in_w + u32(iw)];
  }
  cols[i] = v;
}
