// dst += src elementwise, in place (gradient accumulation).
// Called by src/gpu/kernels/elementwise.ts. Dispatch: grid1d(ceil(n / 256)); one element per thread.

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  n: u32,  // element count
}

@compute @workgroup_size(256)
fn accumulate(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  dst[i] = dst[i] + src[i];
}
