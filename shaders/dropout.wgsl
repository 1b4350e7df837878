// Inverted-dropout multiplier: mask[i] = keep ? 1 / (1 - p) : 0, keep iff uniform(seed, i) >= p.
// requires: lib-random.wgsl (concatenated before this file by src/gpu/kernels/random.ts).
// Dispatch: grid1d(ceil(n / 256)) workgroups of 256; one element per thread.
// The comparison is done on the 24-bit integer behind random_uniform: uniform >= p exactly when
// (random_u32 >> 8) >= ceil(p * 2^24), which the host computes in float64. Comparing against an f32
// p instead could flip elements whose uniform lies between p and f32(p), so the CPU reference
// (src/reference/random.ts, written as uniform >= p) would no longer match bit for bit.

@group(0) @binding(0) var<storage, read_write> mask: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

struct Params {
  n: u32,          // element count
  seed: u32,       // stream id; element i uses counter i
  threshold: u32,  // ceil(p * 2^24): keep iff the 24-bit draw is >= this
  keep_value: f32, // 1 / (1 - p), rounded to f32 on the host
}

@compute @workgroup_size(256)
fn dropout_mask(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  let draw = random_u32(params.seed, i) >> 8u;
  mask[i] = select(0.0, params.keep_value, draw >= params.threshold);
}
