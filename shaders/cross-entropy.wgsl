// Per-row cross-entropy of logits (rows, cols) against integer labels (stored as f32):
// loss[row] = logsumexp(logits[row]) - logits[row, label], as a fused, stable log-softmax:
// logsumexp = m + log(sum(exp(x - m))) with m the row max, so logits of any size stay finite.
// Requires lib-workgroup-reduce.wgsl and lib-row-softmax.wgsl in front.
// Called by src/gpu/kernels/softmax.ts (crossEntropy).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through the row by WG for a private max, then a private sum of exp; lib-workgroup-reduce.wgsl's
// trees combine them and thread 0 writes the loss. Workgroups past the last row see an
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

fn row_value(i: u32) -> f32 { return logits[i]; }

@compute @workgroup_size(WG)
fn cross_entropy_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                         @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;

  let stats = row_softmax_stats(base, cols, lid);
  let m = stats.x;
  let s = stats.y;

  if (lid == 0u && cols > 0u) {
    let label = min(u32(labels[row]), cols - 1u);
    loss[row] = m + log(s) - logits[base + label];
  }
}
