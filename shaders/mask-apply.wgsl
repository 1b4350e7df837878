// out = mask > 0.5 ? x : 0: the masked weight W*M of the masked-dense path (then the dense matmul).
// A select, not a multiply, so masked positions are exactly zero even if x holds Inf or NaN.
// Called by src/gpu/kernels/mask-apply.ts.
// Dispatch: grid1d(ceil(n / 256)) workgroups of 256; each thread one element.

@group(0) @binding(0) var<storage, read> x: array<f32>;            // values (n)
@group(0) @binding(1) var<storage, read> mask: array<f32>;         // 0/1 (n)
@group(0) @binding(2) var<storage, read_write> out: array<f32>;    // (n)
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  n: u32,  // element count
}

@compute @workgroup_size(256)
fn mask_apply(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  out[i] = select(0.0, x[i], mask[i] > 0.5);
}
