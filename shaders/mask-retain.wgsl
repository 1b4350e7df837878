// In place: x = (keep_a > 0.5 && keep_b > 0.5) ? x : 0.
// With keep_a = keep_b = the mask it masks weights, gradients or optimiser state; with the masks
// before and after a regrowth it zeroes both dropped positions and newly grown ones (grown weights
// and their optimiser state start at 0; a position dropped and grown back in one update keeps them).
// Called by src/gpu/kernels/mask-retain.ts.
// Dispatch: grid1d(ceil(n / 256)) workgroups of 256; each thread one element.

@group(0) @binding(0) var<storage, read_write> x: array<f32>;   // values, updated in place (n)
@group(0) @binding(1) var<storage, read> keep_a: array<f32>;    // 0/1 (n)
@group(0) @binding(2) var<storage, read> keep_b: array<f32>;    // 0/1 (n); may alias keep_a
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  n: u32,  // element count
}

@compute @workgroup_size(256)
fn mask_retain(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  if (!(keep_a[i] > 0.5 && keep_b[i] > 0.5)) { x[i] = 0.0; }
}
