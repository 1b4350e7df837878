// out = cond > 0 ? a : b elementwise (routing gradients in max/min backward).
// Called by src/gpu/kernels/elementwise.ts. Dispatch: grid1d(ceil(n / 256)); one element per thread.

@group(0) @binding(0) var<storage, read> cond: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

struct Params {
  n: u32,  // element count
}

@compute @workgroup_size(256)
fn select_where(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  out[i] = select(b[i], a[i], cond[i] > 0.0);
}
