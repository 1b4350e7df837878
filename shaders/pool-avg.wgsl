// Average pooling over planes (N * C, H, W) with a square window, forward and backward.
// Padded cells count in the divisor (PyTorch count_include_pad=True). Without ceil_mode a window
// never reaches past the padded border, so the divisor is always kernel * kernel.
// Called by src/gpu/kernels/pool.ts.
// avg_pool_forward: src = x, dst = out (planes, OH, OW); grid1d(ceil(planes * OH * OW / 256))
//   workgroups of 256, each thread one output cell summing its in-range window.
// avg_pool_backward: src = dy (planes, OH, OW), dst = dx (planes, H, W);
//   grid1d(ceil(planes * H * W / 256)), each thread one input pixel gathering dy / (kernel^2) from
//   the windows that cover it (a gather, so no float atomics).

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  total: u32,   // threads: planes * OH * OW (forward) or planes * H * W (backward)
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
fn avg_pool_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let ow = i % params.out_w;
  let oh = (i / params.out_w) % params.out_h;
  let base = (i / (params.out_w * params.out_h)) * params.in_h * params.in_w;
  let h0 = i32(oh * params.stride) - i32(params.pad);
  let w0 = i32(ow * params.stride) - i32(params.pad);
  let h_begin = u32(max(h0, 0));
  let h_end = u32(clamp(h0 + i32(params.kernel), 0, i32(params.in_h)));
  let w_begin = u32(max(w0, 0));
  let w_end = u32(clamp(w0 + i32(params.kernel), 0, i32(params.in_w)));
  var acc = 0.0;
  for (var ih = h_begin; ih < h_end; ih++) {
    for (var iw = w_begin; iw < w_end; iw++) {
      acc += src[base + ih * params.in_w + iw];
    }
  }
  dst[i] = acc / f32(params.kernel * params.kernel);
}

@compute @workgroup_size(256)
fn avg_pool_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                     @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let plane_size = params.in_h * params.in_w;
  let iw = i % params.in_w;
  let ih = (i % plane_size) / params.in_w;
  let out_base = (i / plane_size) * params.out_h * params.out_w;
  let ph = ih + params.pad;
  let pw = iw + params.pad;
  let oh_end = end_cover(ph, params.out_h);
  let ow_begin = first_cover(pw);
  let ow_end = end_cover(pw, params.out_w);
  var acc = 0.0;
  for (var oh = first_cover(ph); oh < oh_end; oh++) {
    for (var ow = ow_begin; ow < ow_end; ow++) {
      acc += src[out_base + oh * params.out_w + ow];
    }
  }
  dst[i] = acc / f32(params.kernel * params.kernel);
}
