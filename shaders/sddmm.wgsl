// Sampled dense-dense product (SDDMM) for the masked weight gradient of a sparse linear layer:
//   dw[flat[s]] = sum_b dy[b, j] * x[b, i]  for every nonzero s = (j, i) of the mask,
// i.e. (dy^T x) * M computed only where M is on: batch * nnz work instead of batch * N * K.
// Positions off the mask are zeroed by the same dispatch (the workgroups after the first
// nz_groups), so no fill pass runs first: the optimiser, clipping and the divergence check read
// the whole gradient. Called by src/gpu/kernels/sddmm.ts.
// dy_t (N, quads) and x_t (K, quads) are the transposed, zero-padded activations from
// shaders/sparse-transpose.wgsl, so each thread dots two contiguous vec4 rows.
// Dispatch: grid1d(nz_groups + ceil(N * K / 64)) workgroups of 64, nz_groups = ceil(nnz / 64); each thread one nonzero, j = flat / K,
// i = col_idx (consecutive threads mostly share j, so the dy_t row is read from cache).

@group(0) @binding(0) var<storage, read> col_idx: array<u32>;       // nnz (by rows of W)
@group(0) @binding(1) var<storage, read> flat: array<u32>;          // nnz: j * K + i
@group(0) @binding(2) var<storage, read> dy_t: array<vec4<f32>>;    // (N, quads)
@group(0) @binding(3) var<storage, read> x_t: array<vec4<f32>>;     // (K, quads)
@group(0) @binding(4) var<storage, read> mask: array<f32>;          // (N, K), 0/1
@group(0) @binding(5) var<storage, read_write> dw: array<f32>;      // (N, K), zero off the mask
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  nnz: u32,        // nonzeros
  cols: u32,       // K = in features
  quads: u32,      // ceil(batch / 4)
  nz_groups: u32,  // workgroups of the nonzero part
  size: u32,       // N * K
}

@compute @workgroup_size(64)
fn sddmm_csr(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
             @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= params.nz_groups) {
    let i = (g - params.nz_groups) * 64u + lid;
    if (i < params.size && mask[i] < 0.5) { dw[i] = 0.0; }
    return;
  }
  let s = g * 64u + lid;
  if (s >= params.nnz) { return; }
  let at = flat[s];
  let dy_row = (at / params.cols) * params.quads;
  let x_row = col_idx[s] * params.quads;
  var acc = vec4<f32>(0.0);
  for (var q = 0u; q < params.quads; q++) {
    acc = fma(dy_t[dy_row + q], x_t[x_row + q], acc);
  }
  dw[at] = acc.x + acc.y + acc.z + acc.w;
}
