// Sum or max over the middle axis of x (outer, size, inner) -> out (outer, inner); OP picks the
// operation (0 sum, 1 max). Called by src/gpu/kernels/reduce.ts, which picks the entry point.
// Max starts from the first element of its line instead of -inf (max is idempotent, and WGSL
// cannot spell an infinite constant), so a thread that reads nothing cannot change the result.
//
// reduce_rows (inner == 1, contiguous rows): one workgroup of 256 per row (grid1d over outer);
//   each thread folds elements lid, lid + 256, ... of its row, then a tree in workgroup memory.
// reduce_strided (inner > 1): workgroups of 16 x 16 over (outer, ceil(inner / 16)) tiles, flat
//   in grid1d; thread (x, y) folds column tile * 16 + x at axis positions y, y + 16, ... (each
//   warp-row reads 16 consecutive floats), then a 16-lane tree over y. Inner may be ragged.
// Surplus workgroups from grid1d and ragged columns load nothing and skip only the final store,
// since every thread must reach the barriers.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  outer: u32,  // product of the dims before the reduced axis
  size: u32,   // length of the reduced axis (>= 1)
  inner: u32,  // product of the dims after it
}

override OP: u32 = 0u;

var<workgroup> partial: array<f32, 256>;

fn combine(a: f32, b: f32) -> f32 {
  if (OP == 1u) { return max(a, b); }
  return a + b;
}

// The starting value of a fold whose line begins with `first`.
fn identity(first: f32) -> f32 {
  if (OP == 1u) { return first; }
  return 0.0;
}

@compute @workgroup_size(256)
fn reduce_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let is_row = row < params.outer;
  let base = row * params.size;
  var acc = 0.0;
  if (is_row) {
    acc = identity(x[base]);
    for (var j = lid; j < params.size; j += 256u) {
      acc = combine(acc, x[base + j]);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) {
      partial[lid] = combine(partial[lid], partial[lid + s]);
    }
    workgroupBarrier();
  }
  if (is_row && lid == 0u) {
    out[row] = partial[0];
  }
}

@compute @workgroup_size(16, 16)
fn reduce_strided(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                  @builtin(local_invocation_id) local: vec3u) {
  let tiles = (params.inner + 15u) / 16u;
  let group = wid.y * nwg.x + wid.x;
  let o = group / tiles;
  let col = (group % tiles) * 16u + local.x;
  let is_out = o < params.outer && col < params.inner;
  let base = o * params.size * params.inner + col;
  var acc = 0.0;
  if (is_out) {
    acc = identity(x[base]);
    for (var j = local.y; j < params.size; j += 16u) {
      acc = combine(acc, x[base + j * params.inner]);
    }
  }
  partial[local.y * 16u + local.x] = acc;
  workgroupBarrier();
  for (var s = 8u; s > 0u; s >>= 1u) {
    if (local.y < s) {
      let at = local.y * 16u + local.x;
      partial[at] = combine(partial[at], partial[at + s * 16u]);
    }
    workgroupBarrier();
  }
  if (is_out && local.y == 0u) {
    out[o * params.inner + col] = partial[local.x];
  }
}
