// y = softmax(x) over the last axis of x (rows, cols): exp(x - max) / sum(exp(x - max)). The row
// max is subtracted first so that exp never overflows, whatever the size of the logits.
// Called by src/gpu/kernels/softmax.ts (softmax).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through its row by WG (so any cols works, ~50k included) keeping a private max, then a private
// sum; the partials meet in lib-workgroup-reduce.wgsl's tree. Workgroups past the last row (grid1d
// rounds up) see an empty row, so every thread still reaches every barrier.
// Requires lib-workgroup-reduce.wgsl and lib-row-softmax.wgsl in front.

@group(0) @binding(0) var<storage, read> x: array<f32>;        // (rows, cols)
@group(0) @binding(1) var<storage, read_write> y: array<f32>;  // (rows, cols)
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  rows: u32,  // independent softmaxes
  cols: u32,  // length of each one (the reduced axis)
}

fn row_value(i: u32) -> f32 { return x[i]; }

@compute @workgroup_size(WG)
fn softmax_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                   @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;

  let stats = row_softmax_stats(base, cols, lid);
  for (var c = lid; c < cols; c += WG) { y[base + c] = exp(x[base + c] - stats.x) / stats.y; }
}
