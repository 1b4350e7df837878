// Batched matmul C[b] = op(A[b]) @ op(B[b]) for hardware GPUs, op = optional transpose
// (TRANS_A / TRANS_B). Called by src/gpu/kernels/matmul.ts, which picks the tile shape per adapter
// (autotuned, src/gpu/kernels/matmul-tune.ts); on software adapters it runs matmul-register.wgsl.
// Layout: A is (batch, M, K), or (batch, K, M) when TRANS_A; B is (batch, K, N), or (batch, N, K)
// when TRANS_B; C is (batch, M, N); all row-major; a batch stride of 0 reuses one matrix.
//
// Tiles: a workgroup of 16 x 16 threads owns a (16 TM) x (16 TN) tile of C and steps K by TK.
// Each thread owns TM x TN outputs in registers: rows 4 (ty + 16 i) + 0..3 and columns
// 4 (tx + 16 j) + 0..3, so its shared-memory reads and its C stores are whole vec4s and a warp's
// accesses are consecutive.
// Shared memory: op(A) and op(B) tiles as [kk][quad of rows or columns] vec4s, double-buffered.
// Loading: one thread per 4 x 4 block (4 quads along K x 1 quad of rows/columns): four vec4
// global loads along whichever dimension is contiguous in memory, transposed in registers when
// that is K, then four vec4 stores whose quad index is the thread index. So for every transpose
// pair, neighbouring threads store neighbouring 16-byte words (no bank conflicts), and the compute
// loop's reads are a consecutive vec4 per thread (B) or one broadcast vec4 per row of threads (A).
// Pipelining: the next K tile is loaded into registers before the current one is multiplied and
// stored to the other buffer after: one barrier per K tile.
// Alignment: A_VEC4 / B_VEC4 say the operand's rows start on 16-byte boundaries (leading dimension
// and batch stride multiples of 4): one vec4 load per quad. Otherwise four scalar loads. Ragged
// edges are checked per quad (aligned) or per element and read as zero, in edge tiles only
// (interior tiles load unchecked); stores past M or N are skipped (no early return: the barriers
// need every thread).
// Split-K: the grid's z is batch * splits; split s sums K in [s * k_chunk, (s + 1) * k_chunk) and
// writes its partial product to slice z of c; matmul-split-k-reduce.wgsl adds the slices in order
// (deterministic). With splits = 1, slice z is batch z of C itself.

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  a_batch_stride: u32,  // elements between A matrices (0 = broadcast)
  b_batch_stride: u32,  // elements between B matrices (0 = broadcast)
  k_chunk: u32,         // K per split (a multiple of TK); k when splits = 1
  splits: u32,          // slices of K (1: no split)
}

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override A_VEC4: bool = false;
override B_VEC4: bool = false;
override C_VEC4: bool = false;  // N is a multiple of 4: whole-vec4 stores
override TM: u32 = 8u;          // rows of C per thread: 4 or 8
override TN: u32 = 8u;          // columns of C per thread: 4 or 8
override TK: u32 = 8u;          // K per tile: a multiple of 4, TK * TM <= 256 and TK * TN <= 256

const THREADS: u32 = 256u;

// [buffer][kk][quad]; 4 TM quads of rows (A), 4 TN quads of columns (B).
var<workgroup> tile_a: array<vec4<f32>, 2u * TK * 4u * TM>;
var<workgroup> tile_b: array<vec4<f32>, 2u * TK * 4u * TN>;

fn scalar_a(i: u32) -> f32 { return a[i >> 2u][i & 3u]; }
fn scalar_b(i: u32) -> f32 { return b[i >> 2u][i & 3u]; }

// Four consecutive elements of a row-major matrix (leading dimension ld): row `outer`, columns
// inner..inner+3, zero past (outer_len, inner_len). inner is a multiple of 4. `edge` is false for
// a tile that lies wholly inside the matrix: no checks at all.
fn quad_a(base: u32, outer: u32, inner: u32, outer_len: u32, inner_len: u32, ld: u32,
          edge: bool) -> vec4<f32> {
  let at = base + outer * ld + inner;
  if (!edge) {
    if (A_VEC4) { return a[at >> 2u]; }
    return vec4<f32>(scalar_a(at), scalar_a(at + 1u), scalar_a(at + 2u), scalar_a(at + 3u));
  }
  if (outer >= outer_len || inner >= inner_len) { return vec4<f32>(0.0); }
  if (A_VEC4) { return a[at >> 2u]; }
  var v = vec4<f32>(scalar_a(at), 0.0, 0.0, 0.0);
  if (inner + 1u < inner_len) { v.y = scalar_a(at + 1u); }
  if (inner + 2u < inner_len) { v.z = scalar_a(at + 2u); }
  if (inner + 3u < inner_len) { v.w = scalar_a(at + 3u); }
  return v;
}

fn quad_b(base: u32, outer: u32, inner: u32, outer_len: u32, inner_len: u32, ld: u32,
          edge: bool) -> vec4<f32> {
  let at = base + outer * ld + inner;
  if (!edge) {
    if (B_VEC4) { return b[at >> 2u]; }
    return vec4<f32>(scalar_b(at), scalar_b(at + 1u), scalar_b(at + 2u), scalar_b(at + 3u));
  }
  if (outer >= outer_len || inner >= inner_len) { return vec4<f32>(0.0); }
  if (B_VEC4) { return b[at >> 2u]; }
  var v = vec4<f32>(scalar_b(at), 0.0, 0.0, 0.0);
  if (inner + 1u < inner_len) { v.y = scalar_b(at + 1u); }
  if (inner + 2u < inner_len) { v.z = scalar_b(at + 2u); }
  if (inner + 3u < inner_len) { v.w = scalar_b(at + 3u); }
  return v;
}

// The 4 x 4 block of the A tile at K offset k0 that load unit `unit` owns, as the four vec4s to
// store at [kk = 4 kq + e][quad q]: quads of 4 rows, one per K step.
fn load_unit_a(base: u32, row0: u32, k0: u32, k_end: u32, unit: u32) -> array<vec4<f32>, 4> {
  let quads = 4u * TM;
  let row = row0 + 4u * (unit % quads);
  let kk = k0 + 4u * (unit / quads);
  let edge = row0 + 16u * TM > params.m || k0 + TK > k_end;
  var out: array<vec4<f32>, 4>;
  if (TRANS_A) {
    // (K, M) in memory: rows are contiguous.
    for (var e = 0u; e < 4u; e++) {
      out[e] = quad_a(base, kk + e, row, k_end, params.m, params.m, edge);
    }
  } else {
    // (M, K) in memory: K is contiguous; load 4 rows of 4 K values and transpose.
    let r0 = quad_a(base, row, kk, params.m, k_end, params.k, edge);
    let r1 = quad_a(base, row + 1u, kk, params.m, k_end, params.k, edge);
    let r2 = quad_a(base, row + 2u, kk, params.m, k_end, params.k, edge);
    let r3 = quad_a(base, row + 3u, kk, params.m, k_end, params.k, edge);
    out[0] = vec4<f32>(r0.x, r1.x, r2.x, r3.x);
    out[1] = vec4<f32>(r0.y, r1.y, r2.y, r3.y);
    out[2] = vec4<f32>(r0.z, r1.z, r2.z, r3.z);
    out[3] = vec4<f32>(r0.w, r1.w, r2.w, r3.w);
  }
  return out;
}

fn load_unit_b(base: u32, col0: u32, k0: u32, k_end: u32, unit: u32) -> array<vec4<f32>, 4> {
  let quads = 4u * TN;
  let col = col0 + 4u * (unit % quads);
  let kk = k0 + 4u * (unit / quads);
  let edge = col0 + 16u * TN > params.n || k0 + TK > k_end;
  var out: array<vec4<f32>, 4>;
  if (TRANS_B) {
    // (N, K) in memory: K is contiguous; load 4 columns of 4 K values and transpose.
    let c0 = quad_b(base, col, kk, params.n, k_end, params.k, edge);
    let c1 = quad_b(base, col + 1u, kk, params.n, k_end, params.k, edge);
    let c2 = quad_b(base, col + 2u, kk, params.n, k_end, params.k, edge);
    let c3 = quad_b(base, col + 3u, kk, params.n, k_end, params.k, edge);
    out[0] = vec4<f32>(c0.x, c1.x, c2.x, c3.x);
    out[1] = vec4<f32>(c0.y, c1.y, c2.y, c3.y);
    out[2] = vec4<f32>(c0.z, c1.z, c2.z, c3.z);
    out[3] = vec4<f32>(c0.w, c1.w, c2.w, c3.w);
  } else {
    // (K, N) in memory: columns are contiguous.
    for (var e = 0u; e < 4u; e++) {
      out[e] = quad_b(base, kk + e, col, k_end, params.n, params.n, edge);
    }
  }
  return out;
}

fn store_unit_a(buffer: u32, unit: u32, v: array<vec4<f32>, 4>) {
  let quads = 4u * TM;
  let q = unit % quads;
  let kq = unit / quads;
  for (var e = 0u; e < 4u; e++) {
    tile_a[(buffer * TK + 4u * kq + e) * quads + q] = v[e];
  }
}

fn store_unit_b(buffer: u32, unit: u32, v: array<vec4<f32>, 4>) {
  let quads = 4u * TN;
  let q = unit % quads;
  let kq = unit / quads;
  for (var e = 0u; e < 4u; e++) {
    tile_b[(buffer * TK + 4u * kq + e) * quads + q] = v[e];
  }
}

@compute @workgroup_size(16, 16)
fn matmul_tiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tx = lid.x;
  let ty = lid.y;
  let flat = ty * 16u + tx;
  let batch = wid.z / params.splits;
  let split = wid.z % params.splits;
  let row0 = wid.y * 16u * TM;
  let col0 = wid.x * 16u * TN;
  let a_base = batch * params.a_batch_stride;
  let b_base = batch * params.b_batch_stride;
  let k_begin = split * params.k_chunk;
  let k_end = min(params.k, k_begin + params.k_chunk);

  // Load units: A's go to the first threads, B's to the last (they overlap only when TK is large).
  let units_a = TM * TK;
  let units_b = TN * TK;
  let does_a = flat < units_a;
  let unit_b = flat + units_b - THREADS;
  let does_b = flat >= THREADS - units_b;

  var acc: array<array<vec4<f32>, 2>, 8>;  // [row][quad of columns]; TM x TN / 4 used
  var next_a: array<vec4<f32>, 4>;
  var next_b: array<vec4<f32>, 4>;

  var tiles = 0u;
  if (k_end > k_begin) { tiles = (k_end - k_begin + TK - 1u) / TK; }
  if (tiles > 0u) {
    if (does_a) { store_unit_a(0u, flat, load_unit_a(a_base, row0, k_begin, k_end, flat)); }
    if (does_b) { store_unit_b(0u, unit_b, load_unit_b(b_base, col0, k_begin, k_end, unit_b)); }
  }
  workgroupBarrier();
  for (var t = 0u; t < tiles; t++) {
    let current = t & 1u;
    let more = t + 1u < tiles;
    let k_next = k_begin + (t + 1u) * TK;
    if (more && does_a) { next_a = load_unit_a(a_base, row0, k_next, k_end, flat); }
    if (more && does_b) { next_b = load_unit_b(b_base, col0, k_next, k_end, unit_b); }

    for (var kk = 0u; kk < TK; kk++) {
      let a_row = (current * TK + kk) * 4u * TM;
      let b_row = (current * TK + kk) * 4u * TN;
      for (var j = 0u; j < TN / 4u; j++) {
        let bv = tile_b[b_row + tx + 16u * j];
        for (var i = 0u; i < TM / 4u; i++) {
          let av = tile_a[a_row + ty + 16u * i];
          acc[4u * i][j] = fma(vec4<f32>(av.x), bv, acc[4u * i][j]);
          acc[4u * i + 1u][j] = fma(vec4<f32>(av.y), bv, acc[4u * i + 1u][j]);
          acc[4u * i + 2u][j] = fma(vec4<f32>(av.z), bv, acc[4u * i + 2u][j]);
          acc[4u * i + 3u][j] = fma(vec4<f32>(av.w), bv, acc[4u * i + 3u][j]);
        }
      }
    }

    if (more && does_a) { store_unit_a(1u - current, flat, next_a); }
    if (more && does_b) { store_unit_b(1u - current, unit_b, next_b); }
    workgroupBarrier();
  }

  let c_base = wid.z * params.m * params.n;
  for (var i = 0u; i < TM / 4u; i++) {
    for (var e = 0u; e < 4u; e++) {
      let row = row0 + 4u * (ty + 16u * i) + e;
      if (row >= params.m) { continue; }
      for (var j = 0u; j < TN / 4u; j++) {
        let col = col0 + 4u * (tx + 16u * j);
        store_quad(c_base + row * params.n + col, params.n - min(col, params.n), acc[4u * i + e][j]);
      }
    }
  }
}

// Write v to c at element `at`, at most `room` of its components (the rest lie past N).
fn store_quad(at: u32, room: u32, v: vec4<f32>) {
  if (C_VEC4) {
    if (room >= 4u) { c[at >> 2u] = v; }
    return;
  }
  for (var e = 0u; e < min(room, 4u); e++) {
    let i = at + e;
    c[i >> 2u][i & 3u] = v[e];
  }
}
