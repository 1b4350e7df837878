// Input gradient of layer normalisation over the last axis of (rows, cols), llm.c's
// layernorm_backward: with xhat = (x - mean) * rstd and dnorm = dy * gamma,
// dx = (dnorm - mean(dnorm) - xhat * mean(dnorm * xhat)) * rstd.
// dgamma and dbeta are column sums over rows, computed by layernorm-param-grads.wgsl, because
// WGSL has no float atomics to let each row add into them.
// Requires lib-workgroup-reduce.wgsl in front.
// Called by src/gpu/kernels/norm.ts (layerNormBackward).
// Dispatch: grid1d(rows) workgroups of WG threads, one workgroup per row. Each thread strides
// through the row by WG for private parts of both sums; one shared-memory tree (WG a power of
// two) totals the two together. Workgroups past the last row see an empty row.

@group(0) @binding(0) var<storage, read> x: array<f32>;          // (rows, cols)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;      // (cols)
@group(0) @binding(2) var<storage, read> dy: array<f32>;         // (rows, cols)
@group(0) @binding(3) var<storage, read> row_mean: array<f32>;   // (rows) from the forward pass
@group(0) @binding(4) var<storage, read> row_rstd: array<f32>;   // (rows) from the forward pass
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;   // (rows, cols)
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  rows: u32,  // independent normalisations (at least 1)
  cols: u32,  // features normalised together
}

@compute @workgroup_size(WG)
fn layernorm_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                      @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let cols = select(0u, params.cols, row < params.rows);
  let base = row * params.cols;
  // Clamped so that workgroups past the last row read a real (unused) statistic.
  let stat = min(row, params.rows - 1u);
  let mean = row_mean[stat];
  let rstd = row_rstd[stat];

  var sums = vec2f(0.0);
  for (var c = lid; c < cols; c += WG) {
    let dnorm = dy[base + c] * gamma[c];
    sums += vec2f(dnorm, dnorm * (x[base + c] - mean) * rstd);
  }
  let means = workgroup_sum2(sums, lid) / f32(params.cols);
  let dnorm_mean = means.x;
  let dnorm_xhat_mean = means.y;

  for (var c = lid; c < cols; c += WG) {
    let xhat = (x[base + c] - mean) * rstd;
    let dnorm = dy[base + c] * gamma[c];
    dx[base + c] = (dnorm - dnorm_mean - xhat * dnorm_xhat_mean) * rstd;
  }
}
