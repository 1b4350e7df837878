// Gradient of per-row cross-entropy w.r.t. the logits (rows, cols):
// dlogits[row, c] = (softmax(logits[row])[c] - (c == label[row])) * dloss[row].
// The softmax is recomputed (max, then sum of exp) rather than saved: it costs two extra reads of
// the row and saves a (rows, cols) buffer, which matters for a GPT vocabulary.
// Requires lib-workgroup-reduce.wgsl and lib-row-softmax.wgsl in front.
// Called by src/gpu/kernels/softmax.ts (crossEntropyBackward).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through the row by WG; lib-workgroup-reduce.wgsl's trees combine the partial max and sum.
// Workgroups past the last row see an empty row. Labels are clamped into [0, cols) as in
// cross-entropy.wgsl.

@group(0) @binding(0) var<storage, read> logits: array<f32>;          // (rows, cols)
@group(0) @binding(1) var<storage, read> labels: array<f32>;          // (rows) class indices
@group(0) @binding(2) var<storage, read> dloss: array<f32>;           // (rows)
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;   // (rows, cols)
@group(0) @binding(4) var<uniform> params: Params;

struct Params {
  rows: u32,  // examples
  cols: u32,  // classes
}

fn row_value(i: u32) -> f32 { return logits[i]; }

@compute @workgroup_size(WG)
fn cross_entropy_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                          @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;

  let stats = row_softmax_stats(base, cols, lid);
  let m = stats.x;
  let s = stats.y;

  if (cols > 0u) {
    let label = min(u32(labels[row]), cols - 1u);
    let g = dloss[row];
    for (var c = lid; c < cols; c += WG) {
      let p = exp(logits[base + c] - m) / s;
      dlogits[base + c] = (p - select(0.0, 1.0, c == label)) * g;
    }
  }
}
