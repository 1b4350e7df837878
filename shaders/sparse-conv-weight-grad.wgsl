// Masked weight gradient of the implicit sparse convolution (SDDMM, no im2col buffer):
//   dw[o, col] = sum over n, oh, ow of dy[n, o, oh, ow] * x[n, c, oh * sh - ph + kh, ow * sw - pw + kw]
// at the nonzeros (o, col) of W*M only, (c, kh, kw) the tap of col (lib-conv-tap.wgsl), and
// dw = 0 at every position off the mask, written by the same dispatch: the workgroups after the
// first nz_groups zero the off-mask positions, so no separate fill pass runs first. The
// optimiser, clipping and the divergence check read the whole gradient, so its zeros must be
// real. Work is nnz * pixels (N * OH * OW). Called by src/gpu/kernels/sparse-conv.ts.
// Two shapes of the nonzero part (the grid is grid1d(nz_groups + zero_groups) for both):
// - sddmm_conv_thread: one thread per nonzero walks all pixels row by row (nz_groups =
//   ceil(nnz / WG)); no workgroup memory or barriers, which SwiftShader runs 3-10x faster;
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

// Where nonzero s sits: its output channel and its tap.
struct Nonzero {
  o: u32,
  tap: ConvTap,
}

fn nonzero(s: u32) -> Nonzero {
  return Nonzero(flat[s] / params.cols, conv_tap(col_idx[s], params.k_h, params.k_w));
}

// The whole sum for one thread, row by row over the output pixels whose tap lands inside x
// (the valid range computed once per tap): no per-pixel division or bounds test.
fn patch_dot_rows(s: u32) -> f32 {
  let z = nonzero(s);
  let rows = conv_valid_outputs(z.tap.kh, params.stride_h, params.pad_h, params.in_h, params.out_h);
  let cols = conv_valid_outputs(z.tap.kw, params.stride_w, params.pad_w, params.in_w, params.out_w);
  let plane = params.out_h * params.out_w;
  let in_plane = params.in_h * params.in_w;
  var acc = 0.0;
  for (var n = 0u; n < params.batch; n++) {
    let dy_plane = (n * params.out_c + z.o) * plane;
    let x_plane = (n * params.in_c + z.tap.channel) * in_plane;
    for (var oh = rows.x; oh < rows.y; oh++) {
      let ih = u32(i32(oh * params.stride_h) - i32(params.pad_h) + z.tap.kh);
      let dy_row = dy_plane + oh * params.out_w;
      // x index of ow = cols.x; it advances by stride_w per output pixel.
      var xi = x_plane + ih * params.in_w +
               u32(i32(cols.x * params.stride_w) - i32(params.pad_w) + z.tap.kw);
      for (var ow = cols.x; ow < cols.y; ow++) {
        acc = fma(dy[dy_row + ow], x[xi], acc);
        xi += params.stride_w;
      }
    }
  }
  return acc;
}

// Part of the sum for one of WG threads: the flat pixels q = lid, lid + WG, ..., so a warp's
// loads of dy and x run along ow.
fn patch_dot_strided(s: u32, lid: u32) -> f32 {
  let z = nonzero(s);
  let plane = params.out_h * params.out_w;
  let in_plane = params.in_h * params.in_w;
  var acc = 0.0;
  for (var q = lid; q < params.batch * plane; q += WG) {
    let n = q / plane;
    let p = q - n * plane;
    let ih = i32((p / params.out_w) * params.stride_h) - i32(params.pad_h) + z.tap.kh;
    let iw = i32((p % params.out_w) * params.stride_w) - i32(params.pad_w) + z.tap.kw;
    if (ih >= 0 && iw >= 0 && ih < i32(params.in_h) && iw < i32(params.in_w)) {
      let xv = x[(n * params.in_c + z.tap.channel) * in_plane + u32(ih) * params.in_w + u32(iw)];
      acc = fma(dy[(n * params.out_c + z.o) * plane + p], xv, acc);
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
  if (s < params.nnz) { dw[flat[s]] = patch_dot_rows(s); }
}

@compute @workgroup_size(WG)
fn sddmm_conv_workgroup(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                        @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= params.nz_groups) {
    zero_off_mask(g, lid);
    return;
  }
  let total = workgroup_sum(patch_dot_strided(g, lid), lid);
  if (lid == 0u) { dw[flat[g]] = total; }
}
