// values[s] = w[flat[s]]: refreshes the compressed values of a masked weight from the dense W
// after every optimiser step; the index (flat, from shaders/sparse-csr-build.wgsl) stays.
// Called by src/gpu/kernels/sparse-csr-values.ts, once per orientation.
// Dispatch: grid1d(ceil(nnz / 256)) workgroups of 256; each thread one nonzero.

@group(0) @binding(0) var<storage, read> flat: array<u32>;          // nnz positions in W
@group(0) @binding(1) var<storage, read> w: array<f32>;             // dense weight
@group(0) @binding(2) var<storage, read_write> values: array<f32>;  // out (nnz)
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  nnz: u32,  // nonzeros
}

@compute @workgroup_size(256)
fn csr_gather_values(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                     @builtin(local_invocation_index) lid: u32) {
  let s = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (s >= params.nnz) { return; }
  values[s] = w[flat[s]];
}
