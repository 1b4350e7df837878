// Layer normalisation over the last axis of x (rows, cols), as in llm.c's layernorm_forward:
// mean and biased variance per row, rstd = 1 / sqrt(var + eps),
// out = (x - mean) * rstd * gamma + beta.
// The variance is a second pass over (x - mean)^2, not E[x^2] - mean^2, so rows with a large
// mean do not lose their variance to cancellation. mean and rstd are saved for the backward pass.
// Requires lib-workgroup-reduce.wgsl in front. Called by src/gpu/kernels/norm.ts (layerNorm).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through the row by WG for private partial sums; a shared-memory tree (WG a power of two)
// totals them. Workgroups past the last row see an empty row and write nothing.

@group(0) @binding(0) var<storage, read> x: array<f32>;              // (rows, cols)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;          // (cols)
@group(0) @binding(2) var<storage, read> beta: array<f32>;           // (cols)
@group(0) @binding(3) var<storage, read_write> out: array<f32>;      // (rows, cols)
@group(0) @binding(4) var<storage, read_write> row_mean: array<f32>; // (rows)
@group(0) @binding(5) var<storage, read_write> row_rstd: array<f32>; // (rows)
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  rows: u32,  // independent normalisations
  cols: u32,  // features normalised together
  eps: f32,   // added to the variance inside the square root
}

@compute @workgroup_size(WG)
fn layernorm_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                     @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;
  let inv_cols = 1.0 / f32(params.cols);

  var s = 0.0;
  for (var c = lid; c < cols; c += WG) { s += x[base + c]; }
  let mean = workgroup_sum(s, lid) * inv_cols;

  var q = 0.0;
  for (var c = lid; c < cols; c += WG) {
    let d = x[base + c] - mean;
    q += d * d;
  }
  let rstd = inverseSqrt(workgroup_sum(q, lid) * inv_cols + params.eps);

  for (var c = lid; c < cols; c += WG) {
    out[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c];
  }
  if (lid == 0u && cols > 0u) {
    row_mean[row] = mean;
    row_rstd[row] = rstd;
  }
}
