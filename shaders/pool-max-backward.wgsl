// Max pooling backward: dx (planes, H, W) from dy (planes, OH, OW) and the forward's argmax.
// Called by src/gpu/kernels/pool.ts.
// Dispatch: grid1d(ceil(planes * H * W / 256)) workgroups of 256; each thread owns one input pixel
// and gathers dy from the windows that cover it and chose it as their maximum. Gathering instead
// of scattering from each window means no two threads write one address, so no float atomics.

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  total: u32,   // planes * H * W
  in_h: u32,    // H
  in_w: u32,    // W
  kernel: u32,  // window side
  stride: u32,
  pad: u32,
  out_h: u32,   // OH
  out_w: u32,   // OW
}

// Covering windows of padded coordinate p: o in [first_cover, end_cover) with
// o * stride <= p < o * stride + kernel, clamped to [0, out).
fn first_cover(p: u32) -> u32 {
  if (p < params.kernel) { return 0u; }
  return (p - params.kernel) / params.stride + 1u;
}

fn end_cover(p: u32, out: u32) -> u32 {
  return min(p / params.stride + 1u, out);
}

@compute @workgroup_size(256)
fn max_pool_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                     @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let plane_size = params.in_h * params.in_w;
  let at = i % plane_size;
  let iw = at % params.in_w;
  let ih = at / params.in_w;
  let out_base = (i / plane_size) * params.out_h * params.out_w;
  let ph = ih + params.pad;
  let pw = iw + params.pad;
  let oh_end = end_cover(ph, params.out_h);
  let ow_begin = first_cover(pw);
  let ow_end = end_cover(pw, params.out_w);
  var acc = 0.0;
  for (var oh = first_cover(ph); oh < oh_end; oh++) {
    for (var ow = ow_begin; ow < ow_end; ow++) {
      let o = out_base + oh * params.out_w + ow;
      // argmax holds small integers as f32, exact below 2^24.
      if (u32(argmax[o]) == at) { acc += dy[o]; }
    }
  }
  dx[i] = acc;
}
