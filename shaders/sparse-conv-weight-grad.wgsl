// Masked weight gradient of the implicit sparse convolution (SDDMM, no im2col buffer):
//   dw[o, col] = sum over n, oh, ow of dy[n, o, oh, ow] * x[n, c, oh * sh - ph + kh, ow * sw - pw + kw]
// at the nonzeros (o, col) of W*M only, (c, kh, kw) the tap of col (lib-conv-tap.wgsl), and
// dw = 0 at every position off the mask, written by the same dispatch: the workgroups after the
// first nz_groups zero the off-mask positions, so no separate fill pass runs first. The
// optimiser, clipping and the divergence check read the whole gradient, so its zeros must be
// real. Work is nnz * pixels (N * OH * OW). Called by src/gpu/kernels/sparse-conv.ts.
// Two shapes of the nonzero part (the grid is grid1d(nz_groups + zero_groups) for both):
// - sddmm_conv_thread: one thread per nonzero walks all pixels (nz_groups = ceil(nnz / WG)); no
//   workgroup memory or barriers, which SwiftShader runs 3-10x faster;
// - sddmm_conv_workgroup: one workgroup per nonzero (nz_groups = nnz); its WG threads stride over
//   the pixels, so a warp reads dy and x along the contiguous ow, and lib-workgroup-reduce.wgsl
//   sums them: the long sum is spread over WG threads and nnz workgroups fill a GPU.

@group(0) @binding(0) var<storage, read> col_idx: array<u32>;     // nnz (by rows)
@group(0) @binding(1) var<storage, read> flat: array<u32>;        // nnz: o * cols + col
@group(0) @binding(2) var<storage, read> dy: array<f32>;          // (N, out_c, OH, OW)
@group(0) @binding(3) var<storage, read> x: array<f32>;           // (N, C, H, W)
@group(0) @binding(4) var<storage, read> mask: array<f32>;        // (out_c, cols), 0/1
@group(0) @binding(5) var<storage, read_write> dw: array<f32>;    // (out_c, cols)
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  batch: u32,
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
  cols: u32,       // in_c * k_h * k_w
  nnz: u32,
  nz_groups: u32,  // workgroups of the nonzero part; the rest zero the off-mask positions
}

// Workgroup g >= nz_groups: zero its WG positions that are off the mask.
fn zero_off_mask(g: u32, lid: u32) {
  let i = (g - params.nz_groups) * WG + lid;
  if (i < params.out_c * params.cols && mask[i] < 0.5) { dw[i] = 0.0; }
}

// Sum over the pixels q = first, first + step, ... of dy[n, o, q] * x at the tap of col.
fn patch_dot(s: u32, first: u32, step: u32) -> f32 {
  let col = col_idx[s];
  let o = flat[s] / params.cols;
  let tap = conv_tap(col, params.k_h, params.k_w);
  let plane = params.out_h * params.out_w;
  let in_plane = params.in_h * params.in_w;
  let stride = vec2u(params.stride_h, params.stride_w);
  let pad = vec2u(params.pad_h, params.pad_w);
  let in_size = vec2u(params.in_h, params.in_w);
  var acc = 0.0;
  for (var q = first; q < params.batch * plane; q += step) {
    let n = q / plane;
    let p = q - n * plane;
    let at = conv_origin(p / params.out_w, p % params.out_w, stride, pad) + vec2i(tap.kh, tap.kw);
    if (conv_inside(at, in_size)) {
      let xv = x[(n * params.in_c + tap.channel) * in_plane + u32(at.x) * params.in_w + u32(at.y)];
      acc = fma(dy[(n * params.out_c + o) * plane + p], xv, acc);
    }
  }
  return acc;
}

@compute @workgroup_size(WG)
fn sddmm_conv_thread(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                     @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= params.nz_groups) {
    zero_off_mask(g, lid);
    return;
  }
  let s = g * WG + lid;
  if (s < params.nnz) { dw[flat[s]] = patch_dot(s, 0u, 1u); }
}

@compute @workgroup_size(WG)
fn sddmm_conv_workgroup(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= params.nz_groups) {
    zero_off_mask(g, lid);
    return;
  }
  let total = workgroup_sum(patch_dot(g, lid, WG), lid);
  if (lid == 0u) { dw[flat[g]] = total; }
}
