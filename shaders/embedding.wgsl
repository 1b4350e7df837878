// Embedding rows: gather by index, and its adjoint, a deterministic scatter-add without atomics.
// Called by src/gpu/kernels/embedding.ts. Indices are floats holding integers (exact below 2^24).
//
// gather_rows: out (count, dim) = table[indices[i]]; grid1d(ceil(count * dim / 256)) workgroups
//   of 256, one output element per thread. An index outside [0, rows) reads as a zero row.
// scatter_add_rows: out (rows, dim), out[r] = sum of grad[i] over i with indices[i] == r.
//   WGSL has no float atomics, so instead of each i adding into its row, each output element
//   gathers: workgroups of 64 over (rows, ceil(dim / 64)) tiles, flat in grid1d; thread x owns
//   column tile * 64 + x of row r. The workgroup walks the indices in chunks of 64 staged in
//   workgroup memory and adds grad[i][col] where indices[i] == r, in increasing i, so the result
//   is the same on every run. Cost: every workgroup reads all `count` indices (rows * tiles *
//   count index reads) but each grad value is read once per matching row only; fine for
//   vocabularies of hundreds to a few thousand rows and count = B * T of a few thousand.

@group(0) @binding(0) var<storage, read> src: array<f32>;      // table (rows, dim) or grad (count, dim)
@group(0) @binding(1) var<storage, read> indices: array<f32>;  // (count)
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  count: u32,  // number of indices
  rows: u32,   // table rows
  dim: u32,    // row width
}

const CHUNK: u32 = 64u;

var<workgroup> chunk: array<i32, 64>;

@compute @workgroup_size(256)
fn gather_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.count * params.dim) { return; }
  let r = i32(indices[i / params.dim]);
  var v = 0.0;
  if (r >= 0 && r < i32(params.rows)) {
    v = src[u32(r) * params.dim + i % params.dim];
  }
  out[i] = v;
}

@compute @workgroup_size(64)
fn scatter_add_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let tiles = (params.dim + CHUNK - 1u) / CHUNK;
  let group = wid.y * nwg.x + wid.x;
  let row = group / tiles;
  let col = (group % tiles) * CHUNK + lid;
  let is_out = row < params.rows && col < params.dim;
  var acc = 0.0;
  for (var start = 0u; start < params.count; start += CHUNK) {
    workgroupBarrier();  // the previous chunk is fully read before it is overwritten
    let i = start + lid;
    chunk[lid] = select(-1, i32(indices[min(i, params.count - 1u)]), i < params.count);
    workgroupBarrier();
    let n = min(CHUNK, params.count - start);
    for (var j = 0u; j < n; j++) {
      if (is_out && chunk[j] == i32(row)) {
        acc += src[(start + j) * params.dim + col];
      }
    }
  }
  if (is_out) {
    out[row * params.dim + col] = acc;
  }
}
