// y = softmax(x) over the last axis of x (rows, cols): exp(x - max) / sum(exp(x - max)). The row
// max is subtracted first so that exp never overflows, whatever the size of the logits.
// Called by src/gpu/kernels/softmax.ts (softmax).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through its row by WG (so any cols works, ~50k included) keeping a private max, then a private
// sum; the partials meet in a shared-memory tree (WG must be a power of two). Workgroups past the
// last row (grid1d rounds up) see an empty row, so every thread still reaches every barrier.

@group(0) @binding(0) var<storage, read> x: array<f32>;        // (rows, cols)
@group(0) @binding(1) var<storage, read_write> y: array<f32>;  // (rows, cols)
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  rows: u32,  // independent softmaxes
  cols: u32,  // length of each one (the reduced axis)
}

override WG: u32 = 256u;  // threads per row: a power of two, set from cols by the kernel module

// The lowest finite f32: an identity for max that keeps exp(x - m) free of inf - inf.
const LOWEST: f32 = -0x1.fffffep+127f;

var<workgroup> partial: array<f32, WG>;

fn workgroup_max(v: f32, lid: u32) -> f32 {
  partial[lid] = v;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) { partial[lid] = max(partial[lid], partial[lid + stride]); }
  }
  workgroupBarrier();
  let result = partial[0];
  workgroupBarrier();  // all have read partial[0] before the next reduction overwrites it
  return result;
}

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  partial[lid] = v;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) { partial[lid] = partial[lid] + partial[lid + stride]; }
  }
  workgroupBarrier();
  let result = partial[0];
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(WG)
fn softmax_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                   @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;

  var m = LOWEST;
  for (var c = lid; c < cols; c += WG) { m = max(m, x[base + c]); }
  m = workgroup_max(m, lid);

  var s = 0.0;
  for (var c = lid; c < cols; c += WG) { s += exp(x[base + c] - m); }
  s = workgroup_sum(s, lid);

  for (var c = lid; c < cols; c += WG) { y[base + c] = exp(x[base + c] - m) / s; }
}
