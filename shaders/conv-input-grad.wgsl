// Implicit-GEMM convolution input gradient (dense weight), a gather (no col2im, no atomics):
//   dx[n, c, h, w] = sum over the taps (kh, kw) and output channels o of
//                    w[o, c, kh, kw] * dy[n, o, oh, ow],
// where (oh, ow) is the output pixel whose tap (kh, kw) reads (h, w): oh * sh - ph + kh = h (at
// most one per tap; none where the stride skips h or it falls outside), likewise for ow.
// dy NCHW, w OIHW, dx NCHW. Called by src/gpu/kernels/conv.ts (convInputGrad).
// Dispatch: grid1d(ceil(N * ceil(C / Q) * ceil(H * W / 4) / WG)) workgroups of WG threads,
// Q = 4 * CHANNEL_QUADS; a thread owns Q input channels x 4 consecutive input pixels of one
// sample (register blocked as conv-forward.wgsl, consecutive threads along the row). Per tap
// the quad's dy offsets are worked out once and reused for every output channel.

@group(0) @binding(0) var<storage, read> dy: array<f32>;     // (N, O, OH, OW)
@group(0) @binding(1) var<storage, read> w: array<f32>;      // (O, C, KH, KW)
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;  // (N, C, H, W)
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
}

override WG: u32 = 64u;
// Quads of input channels per thread, 1 or 2 (as conv-forward.wgsl's CHANNEL_QUADS).
override CHANNEL_QUADS: u32 = 1u;

@compute @workgroup_size(WG)
fn conv_input_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                   @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * WG + lid;
  let in_plane = params.in_h * params.in_w;
  let quads = (in_plane + 3u) / 4u;
  let c_blocks = (params.in_c + 4u * CHANNEL_QUADS - 1u) / (4u * CHANNEL_QUADS);
  if (t >= params.batch * c_blocks * quads) { return; }
  let p0 = (t % quads) * 4u;
  let c0 = ((t / quads) % c_blocks) * 4u * CHANNEL_QUADS;
  let n = t / (quads * c_blocks);

  let lane = vec4u(0u, 1u, 2u, 3u);
  let p = min(vec4u(p0) + lane, vec4u(in_plane - 1u));
  let ph = vec4i(p / params.in_w + params.pad_h);
  let pw = vec4i(p % params.in_w + params.pad_w);
  let sh = i32(params.stride_h);
  let sw = i32(params.stride_w);
  let plane = params.out_h * params.out_w;
  let dy_base = n * params.out_c * plane;
  let taps = params.k_h * params.k_w;
  let w_row = params.in_c * taps;
  let w_col = min(vec4u(c0) + lane, vec4u(params.in_c - 1u)) * taps;
  let w_col1 = min(vec4u(c0 + 4u) + lane, vec4u(params.in_c - 1u)) * taps;

  // acc[r] (acc1[r]): input channel c0 + r (c0 + 4 + r) at the 4 pixels.
  var acc: mat4x4<f32>;
  var acc1: mat4x4<f32>;
  for (var kh = 0u; kh < params.k_h; kh++) {
    let th = ph - i32(kh);
    let oh = th / sh;
    let row_ok = (th >= vec4i(0)) & (th % sh == vec4i(0)) & (oh < vec4i(i32(params.out_h)));
    for (var kw = 0u; kw < params.k_w; kw++) {
      let tw = pw - i32(kw);
      let ow = tw / sw;
      let valid = row_ok & (tw >= vec4i(0)) & (tw % sw == vec4i(0)) &
                  (ow < vec4i(i32(params.out_w)));
      let at = select(vec4u(0u), vec4u(oh * i32(params.out_w) + ow), valid) + dy_base;
      let tap = kh * params.k_w + kw;
      for (var o = 0u; o < params.out_c; o++) {
        let di = at + o * plane;
        let dv = select(vec4f(0.0), vec4f(dy[di.x], dy[di.y], dy[di.z], dy[di.w]), valid);
        let wi = w_col + (o * w_row + tap);
        acc += mat4x4<f32>(dv * w[wi.x], dv * w[wi.y], dv * w[wi.z], dv * w[wi.w]);
        if (CHANNEL_QUADS > 1u) {
          let vi = w_col1 + (o * w_row + tap);
          acc1 += mat4x4<f32>(dv * w[vi.x], dv * w[vi.y], dv * w[vi.z], dv * w[vi.w]);
        }
      }
    }
  }

  store(n, c0, p0, acc);
  if (CHANNEL_QUADS > 1u) { store(n, c0 + 4u, p0, acc1); }
}

// Writes channels c0..c0+3 at pixels p0..p0+3 of sample n, skipping what lies past the edges.
fn store(n: u32, c0: u32, p0: u32, acc: mat4x4<f32>) {
  let in_plane = params.in_h * params.in_w;
  for (var r = 0u; r < 4u; r++) {
    let c = c0 + r;
    if (c < params.in_c) {
      let v = acc[r];
      let at = (n * params.in_c + c) * in_plane + p0;
      if (p0 < in_plane) { dx[at] = v.x; }
      if (p0 + 1u < in_plane) { dx[at + 1u] = v.y; }
      if (p0 + 2u < in_plane) { dx[at + 2u] = v.z; }
      if (p0 + 3u < in_plane) { dx[at + 3u] = v.w; }
    }
  }
}
