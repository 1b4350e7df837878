// Counter-based random numbers shared by dropout and SET regrowth.
// Mirrors src/common/rng.ts bit for bit: value i of stream `seed` is a pure function of (seed, i).
// Include by concatenation (kernel modules say `requires: lib-random.wgsl`).

fn hash_u32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn random_u32(seed: u32, index: u32) -> u32 {
  return hash_u32(hash_u32(index) ^ hash_u32(seed ^ 0x9e3779b9u));
}

// Uniform in [0, 1) with 24 bits of precision.
fn random_uniform(seed: u32, index: u32) -> f32 {
  return f32(random_u32(seed, index) >> 8u) / 16777216.0;
}
