// dx = y * (dy - sum(dy * y)) over the last axis of (rows, cols), where y = softmax(x) is the saved
// forward output: the Jacobian-vector product of softmax, without forming the Jacobian.
// Requires lib-workgroup-reduce.wgsl in front.
// Called by src/gpu/kernels/softmax.ts (softmaxBackward).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through the row by WG for a private part of the dot product sum(dy * y); the library's tree
// totals it, then the same threads write dx. Workgroups past the last row see an empty row, so
// every thread still reaches every barrier.

@group(0) @binding(0) var<storage, read> y: array<f32>;         // (rows, cols) softmax output
@group(0) @binding(1) var<storage, read> dy: array<f32>;        // (rows, cols)
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;  // (rows, cols)
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  rows: u32,  // independent softmaxes
  cols: u32,  // length of each one
}

@compute @workgroup_size(WG)
fn softmax_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;

  var d = 0.0;
  for (var c = lid; c < cols; c += WG) { d += dy[base + c] * y[base + c]; }
  d = workgroup_sum(d, lid);

  for (var c = lid; c < cols; c += WG) { dx[base + c] = y[base + c] * (dy[base + c] - d); }
}
