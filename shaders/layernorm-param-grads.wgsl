// Parameter gradients of layer normalisation over the last axis of (rows, cols): column sums
// dgamma[c] = sum_rows dy * xhat and dbeta[c] = sum_rows dy, with
// xhat = (x - mean[row]) * rstd[row] rebuilt from the saved statistics. Separate from
// layernorm-backward.wgsl because that kernel owns rows and these sums run down columns (WGSL has
// no float atomics to merge the two).
// Called by src/gpu/kernels/norm.ts (layerNormBackward).
// Dispatch: grid1d(ceil(cols / TILE_C)) workgroups of TILE_C x ROW_LANES threads. A workgroup owns
// TILE_C adjacent columns (so a warp reads consecutive addresses); thread (tx, ty) sums rows ty,
// ty + ROW_LANES, ... of column tx; a shared-memory tree over ty (ROW_LANES a power of two) totals
// them. Columns past the end (the last tile) sum nothing and are not stored.

@group(0) @binding(0) var<storage, read> x: array<f32>;             // (rows, cols)
@group(0) @binding(1) var<storage, read> dy: array<f32>;            // (rows, cols)
@group(0) @binding(2) var<storage, read> row_mean: array<f32>;      // (rows)
@group(0) @binding(3) var<storage, read> row_rstd: array<f32>;      // (rows)
@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>;  // (cols)
@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>;   // (cols)
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  rows: u32,  // summed over
  cols: u32,  // one gradient each
}

override TILE_C: u32 = 32u;    // columns per workgroup
override ROW_LANES: u32 = 8u;  // threads per column; a power of two

var<workgroup> partial_dgamma: array<f32, TILE_C * ROW_LANES>;
var<workgroup> partial_dbeta: array<f32, TILE_C * ROW_LANES>;

@compute @workgroup_size(TILE_C, ROW_LANES)
fn layernorm_param_grads(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                         @builtin(local_invocation_id) lid: vec3u) {
  let col = (wid.y * nwg.x + wid.x) * TILE_C + lid.x;
  let rows = select(0u, params.rows, col < params.cols);

  var g = 0.0;
  var b = 0.0;
  for (var r = lid.y; r < rows; r += ROW_LANES) {
    let d = dy[r * params.cols + col];
    g += d * (x[r * params.cols + col] - row_mean[r]) * row_rstd[r];
    b += d;
  }
  let slot = lid.y * TILE_C + lid.x;
  partial_dgamma[slot] = g;
  partial_dbeta[slot] = b;
  for (var stride = ROW_LANES / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid.y < stride) {
      partial_dgamma[slot] = partial_dgamma[slot] + partial_dgamma[slot + stride * TILE_C];
      partial_dbeta[slot] = partial_dbeta[slot] + partial_dbeta[slot + stride * TILE_C];
    }
  }
  if (lid.y == 0u && col < params.cols) {
    dgamma[col] = partial_dgamma[slot];
    dbeta[col] = partial_dbeta[slot];
  }
}
