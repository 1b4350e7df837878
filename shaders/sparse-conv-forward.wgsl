// Implicit convolution with a compressed weight (no im2col buffer, no layout copies):
//   y[n, o, oh, ow] = sum over the nonzeros s of row o of W*M of
//                     w[o * cols + col_idx[s]] * x[n, c, oh * sh - ph + kh, ow * sw - pw + kw]
// with (c, kh, kw) the tap of column col_idx[s] (lib-conv-tap.wgsl), zero outside the input.
// x is NCHW, y NCHW, w OIHW read at the index's positions (no gathered value copy to refresh).
// Work is pixels * nnz. Called by src/gpu/kernels/sparse-conv.ts.
// Dispatch: grid1d(tiles * out_c); workgroup g takes output channel g % out_c and pixel tile
// g / out_c, so neighbouring workgroups read the same patch of x. A tile is WG * PIX flat output
// pixels (n, oh, ow); thread lid owns pixels tile_base + j * WG + lid, j < PIX, so a warp's loads
// and stores run along the contiguous ow. Each loaded index and weight feeds PIX products.

@group(0) @binding(0) var<storage, read> row_ptr: array<u32>;     // out_c + 1
@group(0) @binding(1) var<storage, read> col_idx: array<u32>;     // nnz
@group(0) @binding(2) var<storage, read> w: array<f32>;           // (out_c, cols)
@group(0) @binding(3) var<storage, read> x: array<f32>;           // (N, C, H, W)
@group(0) @binding(4) var<storage, read_write> y: array<f32>;     // (N, out_c, OH, OW)
@group(0) @binding(5) var<uniform> params: Params;

struct Params {
  in_c: u32,
  in_h: u32,
  in_w: u32,
  out_c: u32,
  out_h: u32,
  out_w: u32,
  k_h: u32,
  k_w: u32,
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
  cols: u32,     // in_c * k_h * k_w
  pixels: u32,   // N * out_h * out_w
}

override WG: u32 = 8u;
override PIX: u32 = 8u;  // pixels per thread, 1..8
const MAX_PIX = 8u;

@compute @workgroup_size(WG)
fn sparse_conv_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                       @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let o = g % params.out_c;
  let tile = g / params.out_c;
  let plane = params.out_h * params.out_w;
  let in_plane = params.in_h * params.in_w;
  let stride = vec2u(params.stride_h, params.stride_w);
  let pad = vec2u(params.pad_h, params.pad_w);
  let in_size = vec2u(params.in_h, params.in_w);
  var origin: array<vec2i, MAX_PIX>;
  var x_base: array<u32, MAX_PIX>;
  var acc: array<f32, MAX_PIX>;
  for (var j = 0u; j < PIX; j++) {
    let q = min((tile * PIX + j) * WG + lid, params.pixels - 1u);
    let n = q / plane;
    let p = q - n * plane;
    origin[j] = conv_origin(p / params.out_w, p % params.out_w, stride, pad);
    x_base[j] = n * params.in_c * in_plane;
    acc[j] = 0.0;
  }
  let s1 = row_ptr[o + 1u];
  for (var s = row_ptr[o]; s < s1; s++) {
    let col = col_idx[s];
    let v = w[o * params.cols + col];
    let tap = conv_tap(col, params.k_h, params.k_w);
    let channel = tap.channel * in_plane;
    for (var j = 0u; j < PIX; j++) {
      let at = origin[j] + vec2i(tap.kh, tap.kw);
      if (conv_inside(at, in_size)) {
        acc[j] = fma(v, x[x_base[j] + channel + u32(at.x) * params.in_w + u32(at.y)], acc[j]);
      }
    }
  }
  for (var j = 0u; j < PIX; j++) {
    let q = (tile * PIX + j) * WG + lid;
    if (q < params.pixels) {
      let n = q / plane;
      y[(n * params.out_c + o) * plane + q - n * plane] = acc[j];
    }
  }
}
