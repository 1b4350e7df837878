// Batch normalisation in eval mode for x shaped (n, channels, spatial) with given per-channel
// statistics: out = (x - mean[c]) * rstd[c] * gamma[c] + beta[c]. The statistics are the running
// ones (rstd built from the running variance in src/ops/norm.ts), so nothing is reduced here.
// Called by src/gpu/kernels/norm.ts (batchNormApply).
// Dispatch: grid1d(ceil(n * channels * spatial / 256)) workgroups of 256; one element per thread.

@group(0) @binding(0) var<storage, read> x: array<f32>;             // (n, channels, spatial)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;         // (channels)
@group(0) @binding(2) var<storage, read> beta: array<f32>;          // (channels)
@group(0) @binding(3) var<storage, read> channel_mean: array<f32>;  // (channels)
@group(0) @binding(4) var<storage, read> channel_rstd: array<f32>;  // (channels)
@group(0) @binding(5) var<storage, read_write> out: array<f32>;     // (n, channels, spatial)
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  total: u32,     // n * channels * spatial
  channels: u32,
  spatial: u32,   // values per (sample, channel)
}

@compute @workgroup_size(256)
fn batchnorm_apply(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                   @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.total) { return; }
  let c = (i / params.spatial) % params.channels;
  out[i] = (x[i] - channel_mean[c]) * channel_rstd[c] * gamma[c] + beta[c];
}
