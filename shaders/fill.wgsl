// out[i] = value (constants, ones for the backward seed). Zeros use clearBuffer instead.
// Called by src/gpu/kernels/elementwise.ts. Dispatch: grid1d(ceil(n / 256)); one element per thread.

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

struct Params {
  n: u32,      // element count
  value: f32,  // the constant
}

@compute @workgroup_size(256)
fn fill(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  out[i] = params.value;
}
