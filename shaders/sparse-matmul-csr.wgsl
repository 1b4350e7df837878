// Zero-skipping product with a compressed sparse matrix S (rows, cols):
//   out (batch, rows) = in (batch, cols) @ S^T,  out[b, r] = sum over the nonzeros s of row r of
//   w[r * w_row_stride + col_idx[s] * w_col_stride] * in[b, col_idx[s]].
// S's values are read from W itself at the index's positions (no gathered copy to refresh when W
// changes): strides (cols of W, 1) by rows, (1, cols of W) for the by-columns index.
// With S = W*M by rows it is a sparse linear layer's forward (in = x); with S = (W*M)^T, i.e. the
// index built by columns, it is the input gradient dx = dy (W*M) (in = dy). Work is batch * nnz.
// Called by src/gpu/kernels/sparse-matmul-csr.ts.
// `in_t` is the input transposed and padded by shaders/sparse-transpose.wgsl: (cols, quads) vec4,
// quads = ceil(batch / 4), so a thread reads 4 batch rows of a column in one load.
// Dispatch: grid1d(rows * chunks) workgroups of WG threads; workgroup g takes row g % rows and the
// quads [chunk * chunk_quads, +chunk_quads) of chunk g / rows (large batches, e.g. im2col rows of
// a conv, spread over more workgroups). Each thread walks the row's nonzeros once for
// QUADS_PER_THREAD quads (lid, lid + WG, ...), then steps by WG * QUADS_PER_THREAD; the row's index
// and values are the same for every thread. Several quads per thread reuse each loaded index and
// value: on SwiftShader 4 quads x 8 threads ran 2x faster than 1 quad x 32 threads.

@group(0) @binding(0) var<storage, read> row_ptr: array<u32>;       // rows + 1
@group(0) @binding(1) var<storage, read> col_idx: array<u32>;       // nnz
@group(0) @binding(2) var<storage, read> w: array<f32>;             // W (not S^T), any layout
@group(0) @binding(3) var<storage, read> in_t: array<vec4<f32>>;    // (cols, quads)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;     // (batch, rows)
@group(0) @binding(5) var<uniform> params: Params;

struct Params {
  rows: u32,         // rows of S = output features
  batch: u32,        // batch rows of in and out
  quads: u32,        // ceil(batch / 4)
  chunk_quads: u32,  // quads per workgroup
  w_row_stride: u32, // W's elements between rows of S
  w_col_stride: u32, // W's elements between columns of S
}

override WG: u32 = 8u;
override QUADS_PER_THREAD: u32 = 4u;  // 1, 2 or 4

fn store(q: u32, r: u32, acc: vec4<f32>) {
  let b = q * 4u;
  for (var e = 0u; e < 4u; e++) {
    if (b + e < params.batch) { out[(b + e) * params.rows + r] = acc[e]; }
  }
}

@compute @workgroup_size(WG)
fn csr_matmul_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                   @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let r = g % params.rows;
  let chunk = g / params.rows;
  let q_begin = chunk * params.chunk_quads;
  if (q_begin >= params.quads) { return; }
  let q_end = min(params.quads, q_begin + params.chunk_quads);
  let s0 = row_ptr[r];
  let s1 = row_ptr[r + 1u];
  // Quads past the end are clamped to the last one for loading and not stored.
  let last = params.quads - 1u;
  for (var q = q_begin + lid; q < q_end; q += WG * QUADS_PER_THREAD) {
    let q1 = min(q + WG, last);
    let q2 = min(q + 2u * WG, last);
    let q3 = min(q + 3u * WG, last);
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    for (var s = s0; s < s1; s++) {
      let c = col_idx[s];
      let v = vec4<f32>(w[r * params.w_row_stride + c * params.w_col_stride]);
      let base = c * params.quads;
      a0 = fma(v, in_t[base + q], a0);
      if (QUADS_PER_THREAD > 1u) { a1 = fma(v, in_t[base + q1], a1); }
      if (QUADS_PER_THREAD > 2u) {
        a2 = fma(v, in_t[base + q2], a2);
        a3 = fma(v, in_t[base + q3], a3);
      }
    }
    store(q, r, a0);
    if (QUADS_PER_THREAD > 1u && q + WG < q_end) { store(q + WG, r, a1); }
    if (QUADS_PER_THREAD > 2u && q + 2u * WG < q_end) { store(q + 2u * WG, r, a2); }
    if (QUADS_PER_THREAD > 2u && q + 3u * WG < q_end) { store(q + 3u * WG, r, a3); }
  }
}
