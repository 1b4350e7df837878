// Per-row cross-entropy of logits (rows, cols) against integer labels (stored as f32):
// loss[row] = logsumexp(logits[row]) - logits[row, label], as a fused, stable log-softmax:
// logsumexp = m + log(sum(exp(x - m))) with m the row max, so logits of any size stay finite.
// Called by src/gpu/kernels/softmax.ts (crossEntropy).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through the row by WG for a private max, then a private sum of exp; shared-memory trees (WG a
// power of two) combine them and thread 0 writes the loss. Workgroups past the last row see an
// empty row and write nothing. Labels outside [0, cols) are clamped into range so the read stays
// in bounds; the CPU reference rejects them instead.

@group(0) @binding(0) var<storage, read> logits: array<f32>;      // (rows, cols)
@group(0) @binding(1) var<storage, read> labels: array<f32>;      // (rows) class indices
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;  // (rows)
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  rows: u32,  // examples
  cols: u32,  // classes
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
  return partial[0];
}

@compute @workgroup_size(WG)
fn cross_entropy_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                         @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;

  var m = LOWEST;
  for (var c = lid; c < cols; c += WG) { m = max(m, logits[base + c]); }
  m = workgroup_max(m, lid);

  var s = 0.0;
  for (var c = lid; c < cols; c += WG) { s += exp(logits[base + c] - m); }
  s = workgroup_sum(s, lid);

  if (lid == 0u && cols > 0u) {
    let label = min(u32(labels[row]), cols - 1u);
    loss[row] = m + log(s) - logits[base + label];
  }
}
