// Implicit-GEMM convolution weight gradient (dense):
//   dw[o, col] = sum over samples n and output pixels (oh, ow) of
//                dy[n, o, oh, ow] * x[n, c, oh * sh - ph + kh, ow * sw - pw + kw] (0 in padding),
// col = (c, kh, kw) as in lib-conv-tap.wgsl (prepended by src/gpu/kernels/conv.ts). dy and x are
// read in NCHW as they stand: no rows gather of dy, no patch matrix of x.
// Dispatch: grid1d(ceil(SPLITS * ceil(O / Q) * ceil(cols / 4) / WG)) workgroups of WG threads,
// Q = 4 * CHANNEL_QUADS. A thread owns Q output channels x 4 consecutive columns (register
// blocked, no workgroup memory, as conv-forward.wgsl) and sums over the samples of its split, which are
// n_chunk consecutive samples. SPLITS = 1 writes dw; SPLITS > 1 writes slice s of
// out (SPLITS, O, cols), summed by matmul-split-k-reduce.wgsl, so a GPU has enough workgroups
// when O * cols is small next to N * OH * OW. Consecutive threads take consecutive columns.

@group(0) @binding(0) var<storage, read> dy: array<f32>;    // (N, O, OH, OW)
@group(0) @binding(1) var<storage, read> x: array<f32>;     // (N, C, H, W)
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // (SPLITS, O, cols)
@group(0) @binding(3) var<uniform> params: Params;

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
  n_chunk: u32,  // samples per split
}

override WG: u32 = 64u;
override SPLITS: u32 = 1u;
// Quads of output channels per thread, 1 or 2 (as conv-forward.wgsl's CHANNEL_QUADS).
override CHANNEL_QUADS: u32 = 1u;

@compute @workgroup_size(WG)
fn conv_weight_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * WG + lid;
  let cols = params.in_c * params.k_h * params.k_w;
  let col_blocks = (cols + 3u) / 4u;
  let o_blocks = (params.out_c + 4u * CHANNEL_QUADS - 1u) / (4u * CHANNEL_QUADS);
  if (t >= SPLITS * o_blocks * col_blocks) { return; }
  let col0 = (t % col_blocks) * 4u;
  let o0 = ((t / col_blocks) % o_blocks) * 4u * CHANNEL_QUADS;
  let split = t / (col_blocks * o_blocks);

  let lane = vec4u(0u, 1u, 2u, 3u);
  let col = min(vec4u(col0) + lane, vec4u(cols - 1u));
  let t0 = conv_tap(col.x, params.k_h, params.k_w);
  let t1 = conv_tap(col.y, params.k_h, params.k_w);
  let t2 = conv_tap(col.z, params.k_h, params.k_w);
  let t3 = conv_tap(col.w, params.k_h, params.k_w);
  let in_plane = params.in_h * params.in_w;
  let x_chan = vec4u(t0.channel, t1.channel, t2.channel, t3.channel) * in_plane;
  let kh = vec4i(t0.kh, t1.kh, t2.kh, t3.kh) - i32(params.pad_h);
  let kw = vec4i(t0.kw, t1.kw, t2.kw, t3.kw) - i32(params.pad_w);
  let plane = params.out_h * params.out_w;
  let dy_chan = min(vec4u(o0) + lane, vec4u(params.out_c - 1u)) * plane;
  let dy_chan1 = min(vec4u(o0 + 4u) + lane, vec4u(params.out_c - 1u)) * plane;

  // acc[r] (acc1[r]): output channel o0 + r (o0 + 4 + r) at the 4 columns.
  var acc: mat4x4<f32>;
  var acc1: mat4x4<f32>;
  let n_end = min(params.batch, (split + 1u) * params.n_chunk);
  for (var n = split * params.n_chunk; n < n_end; n++) {
    let x_n = x_chan + n * params.in_c * in_plane;
    let dy_n = dy_chan + n * params.out_c * plane;
    let dy_n1 = dy_chan1 + n * params.out_c * plane;
    for (var oh = 0u; oh < params.out_h; oh++) {
      let ih = kh + i32(oh * params.stride_h);
      let row_in = (ih >= vec4i(0)) & (ih < vec4i(i32(params.in_h)));
      let x_row = x_n + vec4u(select(vec4i(0), ih * i32(params.in_w), row_in));
      let dy_row = dy_n + oh * params.out_w;
      let dy_row1 = dy_n1 + oh * params.out_w;
      for (var ow = 0u; ow < params.out_w; ow++) {
        let iw = kw + i32(ow * params.stride_w);
        let inside = row_in & (iw >= vec4i(0)) & (iw < vec4i(i32(params.in_w)));
        let xi = x_row + vec4u(select(vec4i(0), iw, inside));
        let xv = select(vec4f(0.0), vec4f(x[xi.x], x[xi.y], x[xi.z], x[xi.w]), inside);
        let di = dy_row + ow;
        acc += mat4x4<f32>(xv * dy[di.x], xv * dy[di.y], xv * dy[di.z], xv * dy[di.w]);
        if (CHANNEL_QUADS > 1u) {
          let ei = dy_row1 + ow;
          acc1 += mat4x4<f32>(xv * dy[ei.x], xv * dy[ei.y], xv * dy[ei.z], xv * dy[ei.w]);
        }
      }
    }
  }

  store(split, o0, col0, acc);
  if (CHANNEL_QUADS > 1u) { store(split, o0 + 4u, col0, acc1); }
}

// Writes channels o0..o0+3 at columns col0..col0+3 of slice `split`, skipping what lies past the
// edges.
fn store(split: u32, o0: u32, col0: u32, acc: mat4x4<f32>) {
  let cols = params.in_c * params.k_h * params.k_w;
  let base = split * params.out_c * cols;
  for (var r = 0u; r < 4u; r++) {
    let o = o0 + r;
    if (o < params.out_c) {
      let v = acc[r];
      let at = base + o * cols + col0;
      if (col0 < cols) { out[at] = v.x; }
      if (col0 + 1u < cols) { out[at + 1u] = v.y; }
      if (col0 + 2u < cols) { out[at + 2u] = v.z; }
      if (col0 + 3u < cols) { out[at + 3u] = v.w; }
    }
  }
}
