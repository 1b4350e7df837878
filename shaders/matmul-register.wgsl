// Batched matmul C[b] = op(A[b]) @ op(B[b]) for CPU-backed WebGPU (SwiftShader, and the like):
// register-blocked, no workgroup memory, no barriers. Called by src/gpu/kernels/matmul.ts, which
// picks it over matmul.wgsl's matmul_tiled on SwiftShader (see BENCHMARKS.md).
// Bindings and params are matmul.wgsl's: A is (batch, M, K), or (batch, K, M) when TRANS_A; B is
// (batch, K, N), or (batch, N, K) when TRANS_B; C is (batch, M, N); a batch stride of 0 reuses one
// matrix.
// Dispatch: (ceil(N / (8 WG_X)), ceil(M / (16 WG_Y)), batch) workgroups of WG_X x WG_Y threads.
// Each thread: a 16 x 8 block of C (rows 16 t_y.., cols 8 t_x..), summing K one step at a time
// (two per loop trip) straight from global memory.
// Why this shape (measured, BENCHMARKS.md): SwiftShader runs a workgroup's threads 4 at a time as
// SIMD lanes on a CPU thread. Every buffer read with a computed index becomes a 4-lane emulated
// gather (a scalar load per lane), and a barrier switches coroutines, so workgroup tiles cost
// more than they save while the caches already hold the operands. What pays is reusing each
// loaded value many times: 16 + 8 loads feed 128 multiply-adds per K step. 8x4 blocks reached
// about half of this; 32x16 blocks spill. On a GPU, the 128 accumulators per thread would cost
// occupancy; matmul_tiled stays the default there.
// Ragged M / N: rows and columns past the edge are clamped to the last one (valid reads, results
// discarded), so the K loop has no bounds checks; only the final stores are guarded.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  a_batch_stride: u32,  // elements between A matrices (0 = broadcast)
  b_batch_stride: u32,  // elements between B matrices (0 = broadcast)
}

override TRANS_A: bool = false;
override TRANS_B: bool = false;
// Workgroup shape, chosen per dispatch from M and N so narrow products do not idle threads.
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

const ROWS: u32 = 16u;  // rows of C per thread
const COLS: u32 = 8u;   // columns of C per thread

fn gather_a(index: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(a[index.x], a[index.y], a[index.z], a[index.w]);
}

fn gather_b(index: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(b[index.x], b[index.y], b[index.z], b[index.w]);
}

// Rank-1 update of a 4 x 4 block: column r of the matrix is row r of C, so it adds bv * av[r].
fn outer(av: vec4<f32>, bv: vec4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(bv * av.x, bv * av.y, bv * av.z, bv * av.w);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_register(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let m = params.m;
  let n = params.n;
  let k = params.k;
  let row0 = (wid.y * WG_Y + lid.y) * ROWS;
  let col0 = (wid.x * WG_X + lid.x) * COLS;

  // Element (row, kk) of op(A) is a[row * a_row + kk * a_k]; (kk, col) of op(B) is
  // b[kk * b_k + col * b_col].
  var a_row = k;
  var a_k = 1u;
  if (TRANS_A) {
    a_row = 1u;
    a_k = m;
  }
  var b_k = n;
  var b_col = 1u;
  if (TRANS_B) {
    b_k = 1u;
    b_col = k;
  }

  // Start index of each of the thread's 16 rows of A and 8 columns of B, 4 to a vector.
  let lane = vec4<u32>(0u, 1u, 2u, 3u);
  let last_row = vec4<u32>(m - 1u);
  let last_col = vec4<u32>(n - 1u);
  let a_base = vec4<u32>(wid.z * params.a_batch_stride);
  let b_base = vec4<u32>(wid.z * params.b_batch_stride);
  let a0 = a_base + min(vec4<u32>(row0) + lane, last_row) * a_row;
  let a1 = a_base + min(vec4<u32>(row0 + 4u) + lane, last_row) * a_row;
  let a2 = a_base + min(vec4<u32>(row0 + 8u) + lane, last_row) * a_row;
  let a3 = a_base + min(vec4<u32>(row0 + 12u) + lane, last_row) * a_row;
  let b0 = b_base + min(vec4<u32>(col0) + lane, last_col) * b_col;
  let b1 = b_base + min(vec4<u32>(col0 + 4u) + lane, last_col) * b_col;

  // acc<i><j>: rows 4i..4i+3 x columns 4j..4j+3 of the thread's block.
  var acc00: mat4x4<f32>;
  var acc10: mat4x4<f32>;
  var acc20: mat4x4<f32>;
  var acc30: mat4x4<f32>;
  var acc01: mat4x4<f32>;
  var acc11: mat4x4<f32>;
  var acc21: mat4x4<f32>;
  var acc31: mat4x4<f32>;

  // Two K steps per trip: halves the loop overhead, which SwiftShader pays per SIMD group (about
  // 10% measured); written out twice because nothing below WGSL unrolls it.
  var kk = 0u;
  for (; kk + 1u < k; kk += 2u) {
    let ka = vec4<u32>(kk * a_k);
    let kb = vec4<u32>(kk * b_k);
    let r0 = gather_a(a0 + ka);
    let r1 = gather_a(a1 + ka);
    let r2 = gather_a(a2 + ka);
    let r3 = gather_a(a3 + ka);
    let c0 = gather_b(b0 + kb);
    let c1 = gather_b(b1 + kb);
    acc00 += outer(r0, c0);
    acc10 += outer(r1, c0);
    acc20 += outer(r2, c0);
    acc30 += outer(r3, c0);
    acc01 += outer(r0, c1);
    acc11 += outer(r1, c1);
    acc21 += outer(r2, c1);
    acc31 += outer(r3, c1);

    let ka2 = vec4<u32>((kk + 1u) * a_k);
    let kb2 = vec4<u32>((kk + 1u) * b_k);
    let s0 = gather_a(a0 + ka2);
    let s1 = gather_a(a1 + ka2);
    let s2 = gather_a(a2 + ka2);
    let s3 = gather_a(a3 + ka2);
    let d0 = gather_b(b0 + kb2);
    let d1 = gather_b(b1 + kb2);
    acc00 += outer(s0, d0);
    acc10 += outer(s1, d0);
    acc20 += outer(s2, d0);
    acc30 += outer(s3, d0);
    acc01 += outer(s0, d1);
    acc11 += outer(s1, d1);
    acc21 += outer(s2, d1);
    acc31 += outer(s3, d1);
  }
  if (kk < k) {
    let ka = vec4<u32>(kk * a_k);
    let kb = vec4<u32>(kk * b_k);
    let r0 = gather_a(a0 + ka);
    let r1 = gather_a(a1 + ka);
    let r2 = gather_a(a2 + ka);
    let r3 = gather_a(a3 + ka);
    let c0 = gather_b(b0 + kb);
    let c1 = gather_b(b1 + kb);
    acc00 += outer(r0, c0);
    acc10 += outer(r1, c0);
    acc20 += outer(r2, c0);
    acc30 += outer(r3, c0);
    acc01 += outer(r0, c1);
    acc11 += outer(r1, c1);
    acc21 += outer(r2, c1);
    acc31 += outer(r3, c1);
  }

  let c_base = wid.z * m * n;
  store_rows(c_base, row0, col0, acc00, acc01);
  store_rows(c_base, row0 + 4u, col0, acc10, acc11);
  store_rows(c_base, row0 + 8u, col0, acc20, acc21);
  store_rows(c_base, row0 + 12u, col0, acc30, acc31);
}

// Write 4 rows x 8 columns (two 4 x 4 blocks side by side), skipping what lies past M or N.
fn store_rows(c_base: u32, row0: u32, col0: u32, left: mat4x4<f32>, right: mat4x4<f32>) {
  let m = params.m;
  let n = params.n;
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + r;
    if (row < m) {
      let at = c_base + row * n + col0;
      let lo = left[r];
      let hi = right[r];
      if (col0 < n) { c[at] = lo.x; }
      if (col0 + 1u < n) { c[at + 1u] = lo.y; }
      if (col0 + 2u < n) { c[at + 2u] = lo.z; }
      if (col0 + 3u < n) { c[at + 3u] = lo.w; }
      if (col0 + 4u < n) { c[at + 4u] = hi.x; }
      if (col0 + 5u < n) { c[at + 5u] = hi.y; }
      if (col0 + 6u < n) { c[at + 6u] = hi.z; }
      if (col0 + 7u < n) { c[at + 7u] = hi.w; }
    }
  }
}
