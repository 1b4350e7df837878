// Batched matmul C[b] = op(A[b]) @ op(B[b]), op = optional transpose (TRANS_A / TRANS_B overrides).
// Called by src/gpu/kernels/matmul.ts, which uses it on GPUs; on software adapters (SwiftShader)
// it takes matmul-register.wgsl instead, about 15x faster there (BENCHMARKS.md, Matmul table).
// Layout: A is (batch, M, K), or (batch, K, M) when TRANS_A; B is (batch, K, N), or (batch, N, K)
// when TRANS_B; C is (batch, M, N), all row-major. A batch stride of 0 reuses one matrix.
// Dispatch: (ceil(N / 64), ceil(M / 64), batch) workgroups of 16 x 16 threads.
// Each workgroup: a 64 x 64 tile of C, stepping K by 16 through workgroup memory.
// Each thread: a 4 x 4 block of C (rows ty + 16 i, cols tx + 16 j, strided so that the threads of
// a row read consecutive addresses of the B tile). M, N, K may be ragged: out-of-range loads read
// zero, and only the final store is guarded (an early return would break barrier uniformity).

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

const TILE: u32 = 64u;
const TK: u32 = 16u;

var<workgroup> tile_a: array<array<f32, 64>, 16>;  // [kk][row]
var<workgroup> tile_b: array<array<f32, 64>, 16>;  // [kk][col]

fn load_a(base: u32, row: u32, kk: u32) -> f32 {
  if (row >= params.m || kk >= params.k) { return 0.0; }
  if (TRANS_A) { return a[base + kk * params.m + row]; }
  return a[base + row * params.k + kk];
}

fn load_b(base: u32, kk: u32, col: u32) -> f32 {
  if (kk >= params.k || col >= params.n) { return 0.0; }
  if (TRANS_B) { return b[base + col * params.k + kk]; }
  return b[base + kk * params.n + col];
}

@compute @workgroup_size(16, 16)
fn matmul_tiled(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let flat = ty * 16u + tx;
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let a_base = wid.z * params.a_batch_stride;
  let b_base = wid.z * params.b_batch_stride;

  var acc: array<array<f32, 4>, 4>;
  let tiles = (params.k + TK - 1u) / TK;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TK;
    // 1024 values per tile, 4 per thread. For A, consecutive threads walk K when A is row-major
    // and M when transposed, so global reads stay coalesced either way.
    for (var e = 0u; e < 4u; e++) {
      let idx = flat + e * 256u;
      if (TRANS_A) {
        let r = idx % TILE;
        let kk = idx / TILE;
        tile_a[kk][r] = load_a(a_base, row0 + r, k0 + kk);
      } else {
        let kk = idx % TK;
        let r = idx / TK;
        tile_a[kk][r] = load_a(a_base, row0 + r, k0 + kk);
      }
      if (TRANS_B) {
        let kk = idx % TK;
        let cc = idx / TK;
        tile_b[kk][cc] = load_b(b_base, k0 + kk, col0 + cc);
      } else {
        let cc = idx % TILE;
        let kk = idx / TILE;
        tile_b[kk][cc] = load_b(b_base, k0 + kk, col0 + cc);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = tile_a[kk][ty + 16u * i];
        bv[i] = tile_b[kk][tx + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }

  let c_base = wid.z * params.m * params.n;
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + ty + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + tx + 16u * j;
      if (row < params.m && col < params.n) {
        c[c_base + row * params.n + col] = acc[i][j];
      }
    }
  }
}
