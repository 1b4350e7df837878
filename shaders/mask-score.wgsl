// Selection keys for mask updates: one u32 per weight position, ordered like the score, with 0
// reserved for "not a candidate" (shaders/mask-select.wgsl then picks the k largest keys).
// requires: lib-random.wgsl. Called by src/gpu/kernels/mask-score.ts.
// Scores are non-negative, so the float32 bit pattern of |v| read as u32 orders exactly like the
// value; +1 keeps a candidate with score 0 (e.g. an all-zero weight) above every non-candidate.
// Random scores use 31 bits (random_u32 >> 1) for the same reason.
// MODE (override): 0 = |values| among flag > 0.5   (drop step: rank active weights by magnitude)
//                  1 = |values| among flag <= 0.5  (RigL grow: |dense grad| outside the kept set)
//                  2 = random   among flag <= 0.5  (SET grow)
//                  3 = random   everywhere         (uniform random mask init)
// Dispatch: grid1d(ceil(n / 256)) workgroups of 256; each thread one position.

@group(0) @binding(0) var<storage, read> values: array<f32>;     // weight or gradient (n); unread by modes 2, 3
@group(0) @binding(1) var<storage, read> flags: array<f32>;      // 0/1 (n); unread by mode 3
@group(0) @binding(2) var<storage, read_write> keys: array<u32>; // out (n)
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  n: u32,     // positions
  seed: u32,  // random stream for modes 2 and 3
}

override MODE: u32 = 0u;

@compute @workgroup_size(256)
fn mask_score(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  var key = 0u;
  switch MODE {
    case 0u: {
      if (flags[i] > 0.5) { key = bitcast<u32>(abs(values[i])) + 1u; }
    }
    case 1u: {
      if (!(flags[i] > 0.5)) { key = bitcast<u32>(abs(values[i])) + 1u; }
    }
    case 2u: {
      if (!(flags[i] > 0.5)) { key = (random_u32(params.seed, i) >> 1u) + 1u; }
    }
    default: {
      key = (random_u32(params.seed, i) >> 1u) + 1u;
    }
  }
  keys[i] = key;
}
