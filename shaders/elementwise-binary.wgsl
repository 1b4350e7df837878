// out = a (op) b with NumPy broadcasting, the op chosen by the OP override.
// Called by src/gpu/kernels/elementwise.ts, which merges dims first so rank is usually 1 to 3.
// Dispatch: ceil(n / 256) workgroups of 256 over x and y (grid1d); each thread one output element,
// decoding its multi-index over at most 6 dims and reading a, b through their strides
// (stride 0 on a broadcast dim).
// Op codes (keep in sync with BINARY_CODES): 0 add, 1 sub, 2 mul, 3 div, 4 pow, 5 max, 6 min

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  n: u32,           // output element count
  rank: u32,        // dims in use (1..6), innermost last
  d0: u32, d1: u32, d2: u32, d3: u32, d4: u32, d5: u32,              // output shape
  sa0: u32, sa1: u32, sa2: u32, sa3: u32, sa4: u32, sa5: u32,        // a strides
  sb0: u32, sb1: u32, sb2: u32, sb3: u32, sb4: u32, sb5: u32,        // b strides
}

override OP: u32 = 0u;

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return pow(x, y); }
    case 5u: { return max(x, y); }
    default: { return min(x, y); }
  }
}

@compute @workgroup_size(256)
fn binary_broadcast(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  let dims = array<u32, 6>(params.d0, params.d1, params.d2, params.d3, params.d4, params.d5);
  let sa = array<u32, 6>(params.sa0, params.sa1, params.sa2, params.sa3, params.sa4, params.sa5);
  let sb = array<u32, 6>(params.sb0, params.sb1, params.sb2, params.sb3, params.sb4, params.sb5);
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let idx = rest % dims[d];
    rest = rest / dims[d];
    ia += idx * sa[d];
    ib += idx * sb[d];
  }
  out[i] = apply(a[ia], b[ib]);
}
