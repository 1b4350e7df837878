// Implicit-GEMM convolution forward (dense weight): y[n, o, p] = bias[o] + sum over the taps
// (c, kh, kw) of w[o, c, kh, kw] * x[n, c, oh * sh - ph + kh, ow * sw - pw + kw] (0 in padding),
// reading x in NCHW and w in OIHW and writing y in NCHW: no patch matrix, no layout copy.
// Called by src/gpu/kernels/conv.ts (convForward).
// Dispatch: grid1d(ceil(N * ceil(O / Q) * ceil(OH * OW / 4) / WG)) workgroups of WG threads,
// Q = 4 * CHANNEL_QUADS. A thread owns Q output channels x 4 consecutive output pixels of one
// sample, so each loaded x value feeds Q multiply-adds and each loaded w value 4 (Q = 8: 32 per
// 12 loads; on SwiftShader 1.4x faster than Q = 4 at resnet-mini shapes), no workgroup memory
// (shaders/matmul-register.wgsl says why that wins on SwiftShader). Consecutive threads take
// consecutive pixel quads, so a warp's x loads and y stores run along the contiguous row.
// Per tap (kh, kw) the quad's input offsets are worked out once and reused for every channel.
// Ragged edges: channels and pixels past the end are clamped to the last one (valid reads,
// results dropped); only the stores are guarded.

@group(0) @binding(0) var<storage, read> x: array<f32>;     // (N, C, H, W)
@group(0) @binding(1) var<storage, read> w: array<f32>;     // (O, C, KH, KW)
@group(0) @binding(2) var<storage, read> bias: array<f32>;  // (O); any buffer when !HAS_BIAS
@group(0) @binding(3) var<storage, read_write> y: array<f32>;  // (N, O, OH, OW)
@group(0) @binding(4) var<uniform> params: Params;

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
override HAS_BIAS: bool = false;
// Quads of output channels per thread, 1 or 2: 2 doubles the multiply-adds per loaded x value
// (SwiftShader, where loads are per-lane gathers); 1 keeps a GPU thread's registers few.
override CHANNEL_QUADS: u32 = 1u;

@compute @workgroup_size(WG)
fn conv_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * WG + lid;
  let plane = params.out_h * params.out_w;
  let quads = (plane + 3u) / 4u;
  let o_blocks = (params.out_c + 4u * CHANNEL_QUADS - 1u) / (4u * CHANNEL_QUADS);
  if (t >= params.batch * o_blocks * quads) { return; }
  let p0 = (t % quads) * 4u;
  let o0 = ((t / quads) % o_blocks) * 4u * CHANNEL_QUADS;
  let n = t / (quads * o_blocks);

  let lane = vec4u(0u, 1u, 2u, 3u);
  let p = min(vec4u(p0) + lane, vec4u(plane - 1u));
  let oh = p / params.out_w;
  let ow = p % params.out_w;
  let ih0 = vec4i(oh * params.stride_h) - i32(params.pad_h);
  let iw0 = vec4i(ow * params.stride_w) - i32(params.pad_w);
  let in_plane = params.in_h * params.in_w;
  let x_base = n * params.in_c * in_plane;
  let taps = params.k_h * params.k_w;
  let w_row = params.in_c * taps;
  let w_base = min(vec4u(o0) + lane, vec4u(params.out_c - 1u)) * w_row;
  let w_base1 = min(vec4u(o0 + 4u) + lane, vec4u(params.out_c - 1u)) * w_row;

  // acc[r] (acc1[r]): output channel o0 + r (o0 + 4 + r) at the 4 pixels.
  var acc: mat4x4<f32>;
  var acc1: mat4x4<f32>;
  for (var kh = 0u; kh < params.k_h; kh++) {
    let ih = ih0 + i32(kh);
    let row_in = (ih >= vec4i(0)) & (ih < vec4i(i32(params.in_h)));
    for (var kw = 0u; kw < params.k_w; kw++) {
      let iw = iw0 + i32(kw);
      let inside = row_in & (iw >= vec4i(0)) & (iw < vec4i(i32(params.in_w)));
      let at = select(vec4u(0u), vec4u(ih * i32(params.in_w) + iw), inside) + x_base;
      let tap = kh * params.k_w + kw;
      for (var c = 0u; c < params.in_c; c++) {
        let xi = at + c * in_plane;
        let xv = select(vec4f(0.0), vec4f(x[xi.x], x[xi.y], x[xi.z], x[xi.w]), inside);
        let wi = w_base + c * taps + tap;
        acc += mat4x4<f32>(xv * w[wi.x], xv * w[wi.y], xv * w[wi.z], xv * w[wi.w]);
        if (CHANNEL_QUADS > 1u) {
          let vi = w_base1 + c * taps + tap;
          acc1 += mat4x4<f32>(xv * w[vi.x], xv * w[vi.y], xv * w[vi.z], xv * w[vi.w]);
        }
      }
    }
  }

  store(n, o0, p0, acc);
  if (CHANNEL_QUADS > 1u) { store(n, o0 + 4u, p0, acc1); }
}

// Writes channels o0..o0+3 at pixels p0..p0+3 of sample n, skipping what lies past the edges.
fn store(n: u32, o0: u32, p0: u32, acc: mat4x4<f32>) {
  let plane = params.out_h * params.out_w;
  for (var r = 0u; r < 4u; r++) {
    let o = o0 + r;
    if (o < params.out_c) {
      var v = acc[r];
      if (HAS_BIAS) { v += vec4f(bias[o]); }
      let at = (n * params.out_c + o) * plane + p0;
      if (p0 < plane) { y[at] = v.x; }
      if (p0 + 1u < plane) { y[at + 1u] = v.y; }
      if (p0 + 2u < plane) { y[at + 2u] = v.z; }
      if (p0 + 3u < plane) { y[at + 3u] = v.w; }
    }
  }
}
