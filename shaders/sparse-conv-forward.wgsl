// Implicit convolution with a compressed weight (no im2col buffer, no layout copies):
//   y[n, o, oh, ow] = sum over the nonzeros s of row o of W*M of
//                     w[o * cols + col_idx[s]] * x[n, c, oh * sh - ph + kh, ow * sw - pw + kw]
// with (c, kh, kw) the tap of column col_idx[s] (lib-conv-tap.wgsl), zero outside the input.
// x is NCHW, y NCHW, w OIHW read at the index's positions (no gathered value copy to refresh).
// Work is pixels * nnz. Called by src/gpu/kernels/sparse-conv.ts.
// Dispatch: grid1d(tiles * out_c); workgroup g takes output channel g % out_c and pixel tile
// g / out_c, so neighbouring workgroups read the same patch of x. Pixels are flat (n, oh, ow),
// taken 4 at a time as a vec4 "quad"; a tile is WG * QUADS quads and thread lid owns quads
// tile_base + j * WG + lid, j < QUADS, so a warp's loads run along the contiguous ow. Each loaded
// index and weight feeds 4 * QUADS products. The accumulators are vec4 registers, not a private
// array: dynamically indexed private arrays were several times slower on SwiftShader.

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

override WG: u32 = 16u;
override QUADS: u32 = 2u;  // quads per thread, 1 or 2

// Four output pixels: where their receptive fields start and their sample's offset in x.
struct Quad {
  origin_h: vec4i,
  origin_w: vec4i,
  x_base: vec4u,
}

fn quad_of(first: u32) -> Quad {
  let plane = params.out_h * params.out_w;
  let q = min(vec4u(first) + vec4u(0u, 1u, 2u, 3u), vec4u(params.pixels - 1u));
  let n = q / plane;
  let p = q - n * plane;
  let oh = vec4i(p / params.out_w);
  let ow = vec4i(p % params.out_w);
  return Quad(oh * i32(params.stride_h) - i32(params.pad_h),
              ow * i32(params.stride_w) - i32(params.pad_w),
              n * params.in_c * params.in_h * params.in_w);
}

// x at the quad's pixels through one tap (channel offset, kh, kw); 0 outside the input.
fn quad_load(quad: Quad, channel: u32, kh: i32, kw: i32) -> vec4f {
  let ih = quad.origin_h + kh;
  let iw = quad.origin_w + kw;
  let inside = (ih >= vec4i(0)) & (iw >= vec4i(0)) & (ih < vec4i(i32(params.in_h))) &
               (iw < vec4i(i32(params.in_w)));
  let at = select(vec4u(0u), quad.x_base + channel + vec4u(ih) * params.in_w + vec4u(iw), inside);
  return select(vec4f(0.0), vec4f(x[at.x], x[at.y], x[at.z], x[at.w]), inside);
}

fn store(first: u32, o: u32, acc: vec4f) {
  let plane = params.out_h * params.out_w;
  for (var e = 0u; e < 4u; e++) {
    let q = first + e;
    if (q < params.pixels) {
      let n = q / plane;
      y[(n * params.out_c + o) * plane + q - n * plane] = acc[e];
    }
  }
}

@compute @workgroup_size(WG)
fn sparse_conv_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                       @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let o = g % params.out_c;
  let first0 = ((g / params.out_c) * QUADS * WG + lid) * 4u;
  // Workgroups past the last tile (a flat grid is laid out in whole rows) have nothing to do.
  if (first0 >= params.pixels) { return; }
  let first1 = first0 + WG * 4u;
  let quad0 = quad_of(first0);
  let quad1 = quad_of(first1);
  let in_plane = params.in_h * params.in_w;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  let s1 = row_ptr[o + 1u];
  for (var s = row_ptr[o]; s < s1; s++) {
    let col = col_idx[s];
    let v = vec4f(w[o * params.cols + col]);
    let tap = conv_tap(col, params.k_h, params.k_w);
    let channel = tap.channel * in_plane;
    acc0 = fma(v, quad_load(quad0, channel, tap.kh, tap.kw), acc0);
    if (QUADS > 1u) { acc1 = fma(v, quad_load(quad1, channel, tap.kh, tap.kw), acc1); }
  }
  store(first0, o, acc0);
  if (QUADS > 1u) { store(first1, o, acc1); }
}
