// Index of the maximum of each row of x (rows, cols), written as a float; the lowest index wins
// ties. NaN is not handled (comparisons with NaN are false, so where it lands is unspecified).
// Called by src/gpu/kernels/reduce.ts.
// Dispatch: grid1d(rows) workgroups of 256, one per row. Each thread scans columns lid, lid + 256,
// ... with a strict > (so it keeps its lowest index among equals), then a tree in workgroup memory
// that prefers the larger value and, on equal values, the lower index. Threads start from column
// 0, which is the right answer whenever nothing beats it. Surplus workgroups store nothing.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  rows: u32,
  cols: u32,  // >= 1
}

var<workgroup> best_value: array<f32, 256>;
var<workgroup> best_index: array<u32, 256>;

@compute @workgroup_size(256)
fn argmax_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let is_row = row < params.rows;
  let base = row * params.cols;
  var value = 0.0;
  var index = 0u;
  if (is_row) {
    value = x[base];
    for (var j = lid; j < params.cols; j += 256u) {
      let v = x[base + j];
      if (v > value) {
        value = v;
        index = j;
      }
    }
  }
  best_value[lid] = value;
  best_index[lid] = index;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let v = best_value[lid + s];
      let i = best_index[lid + s];
      if (v > best_value[lid] || (v == best_value[lid] && i < best_index[lid])) {
        best_value[lid] = v;
        best_index[lid] = i;
      }
    }
    workgroupBarrier();
  }
  if (is_row && lid == 0u) {
    out[row] = f32(best_index[0]);
  }
}
