// Input gradient of the implicit sparse convolution, as a gather (no atomics, no col2im):
//   dx[n, c, h, w] = sum over the taps (kh, kw) and the nonzeros s of column (c, kh, kw) of W*M
//                    (the by-columns index) of w[t_col_idx[s] * cols + col] * dy[n, o, oh, ow],
// o = t_col_idx[s], where (oh, ow) is the output pixel whose tap (kh, kw) reads (h, w) (at most
// one per tap; none where the stride skips (h, w) or it falls outside, lib-conv-tap.wgsl).
// dy NCHW, dx NCHW, w OIHW read at the index's positions. Work is input pixels * nnz / (sh * sw).
// Called by src/gpu/kernels/sparse-conv.ts.
// Dispatch: grid1d(tiles * in_c), as sparse-conv-forward.wgsl with input channels and pixels:
// workgroup g takes channel g % in_c and tile g / in_c of WG * QUADS quads of 4 flat input
// pixels (n, h, w); vec4 accumulators, not a private array (several times faster on SwiftShader).

@group(0) @binding(0) var<storage, read> t_row_ptr: array<u32>;   // cols + 1
@group(0) @binding(1) var<storage, read> t_col_idx: array<u32>;   // nnz: the output channel
@group(0) @binding(2) var<storage, read> w: array<f32>;           // (out_c, cols)
@group(0) @binding(3) var<storage, read> dy: array<f32>;          // (N, out_c, OH, OW)
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;    // (N, C, H, W)
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
  pixels: u32,   // N * in_h * in_w
}

override WG: u32 = 16u;
override QUADS: u32 = 2u;  // quads per thread, 1 or 2

// Four input pixels: their (h, w) and their sample's offset in dy.
struct Quad {
  h: vec4u,
  w: vec4u,
  dy_base: vec4u,
}

fn quad_of(first: u32) -> Quad {
  let in_plane = params.in_h * params.in_w;
  let q = min(vec4u(first) + vec4u(0u, 1u, 2u, 3u), vec4u(params.pixels - 1u));
  let n = q / in_plane;
  let p = q - n * in_plane;
  return Quad(p / params.in_w, p % params.in_w, n * params.out_c * params.out_h * params.out_w);
}

// Offsets in a dy plane of the output pixels whose tap (kh, kw) reads the quad's pixels; -1 none.
fn quad_readers(quad: Quad, kh: u32, kw: u32) -> vec4i {
  let th = vec4i(quad.h + params.pad_h) - i32(kh);
  let tw = vec4i(quad.w + params.pad_w) - i32(kw);
  let sh = i32(params.stride_h);
  let sw = i32(params.stride_w);
  let oh = th / sh;
  let ow = tw / sw;
  let valid = (th >= vec4i(0)) & (tw >= vec4i(0)) & (th % sh == vec4i(0)) &
              (tw % sw == vec4i(0)) & (oh < vec4i(i32(params.out_h))) &
              (ow < vec4i(i32(params.out_w)));
  return select(vec4i(-1), oh * i32(params.out_w) + ow, valid);
}

fn quad_load(quad: Quad, at: vec4i, channel: u32) -> vec4f {
  let valid = at >= vec4i(0);
  let i = select(vec4u(0u), quad.dy_base + channel + vec4u(at), valid);
  return select(vec4f(0.0), vec4f(dy[i.x], dy[i.y], dy[i.z], dy[i.w]), valid);
}

fn store(first: u32, c: u32, acc: vec4f) {
  let in_plane = params.in_h * params.in_w;
  for (var e = 0u; e < 4u; e++) {
    let q = first + e;
    if (q < params.pixels) {
      let n = q / in_plane;
      dx[(n * params.in_c + c) * in_plane + q - n * in_plane] = acc[e];
    }
  }
}

@compute @workgroup_size(WG)
fn sparse_conv_input_grad(@builtin(workgroup_id) wid: vec3u,
                          @builtin(num_workgroups) nwg: vec3u,
                          @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let c = g % params.in_c;
  let first0 = ((g / params.in_c) * QUADS * WG + lid) * 4u;
  // Workgroups past the last tile (a flat grid is laid out in whole rows) have nothing to do.
  if (first0 >= params.pixels) { return; }
  let first1 = first0 + WG * 4u;
  let quad0 = quad_of(first0);
  let quad1 = quad_of(first1);
  let plane = params.out_h * params.out_w;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  for (var kh = 0u; kh < params.k_h; kh++) {
    for (var kw = 0u; kw < params.k_w; kw++) {
      let col = (c * params.k_h + kh) * params.k_w + kw;
      let s0 = t_row_ptr[col];
      let s1 = t_row_ptr[col + 1u];
      if (s0 == s1) { continue; }
      let at0 = quad_readers(quad0, kh, kw);
      let at1 = quad_readers(quad1, kh, kw);
      for (var s = s0; s < s1; s++) {
        let o = t_col_idx[s];
        let v = vec4f(w[o * params.cols + col]);
        acc0 = fma(v, quad_load(quad0, at0, o * plane), acc0);
        if (QUADS > 1u) { acc1 = fma(v, quad_load(quad1, at1, o * plane), acc1); }
      }
    }
  }
  store(first0, c, acc0);
  if (QUADS > 1u) { store(first1, c, acc1); }
}
