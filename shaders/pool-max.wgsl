// Max pooling forward over planes (N * C, H, W) with a square window and stride; padded cells
// are skipped, so padding never wins (PyTorch pads with -inf).
// Called by src/gpu/kernels/pool.ts.
// Dispatch: grid1d(ceil(planes * OH * OW / 256)) workgroups of 256; each thread one output cell:
// it scans its window row by row and keeps the first maximum (strict >, so ties go to the lower
// flat index), writing the value and its index ih * W + iw inside the input plane as a float.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> argmax: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  total: u32,   // planes * OH * OW
  in_h: u32,    // H
  in_w: u32,    // W
  kernel: u32,  // window side
  stride: u32,
  pad: u32,
  out_h: u32,   // OH
  out_w: u32,   // OW
}

@compute @workgroup_size(256)
fn max_pool_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let ow = i % params.out_w;
  let oh = (i / params.out_w) % params.out_h;
  let plane = i / (params.out_w * params.out_h);
  let base = plane * params.in_h * params.in_w;
  let h0 = i32(oh * params.stride) - i32(params.pad);
  let w0 = i32(ow * params.stride) - i32(params.pad);
  // Starting from the first in-range cell (not from -inf) keeps the index valid even when the
  // whole window holds -inf.
  var found = false;
  var best = 0.0;
  var best_at = 0u;
  for (var kh = 0u; kh < params.kernel; kh++) {
    let ih = h0 + i32(kh);
    if (ih < 0 || ih >= i32(params.in_h)) { continue; }
    for (var kw = 0u; kw < params.kernel; kw++) {
      let iw = w0 + i32(kw);
      if (iw < 0 || iw >= i32(params.in_w)) { continue; }
      let at = u32(ih) * params.in_w + u32(iw);
      let v = x[base + at];
      if (!found || v > best) {
        found = true;
        best = v;
        best_at = at;
      }
    }
  }
  out[i] = best;
  argmax[i] = f32(best_at);
}
