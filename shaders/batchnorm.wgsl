// Batch normalisation in training mode for x shaped (n, channels, spatial): per channel, the mean
// and biased variance over the n * spatial values of that channel, rstd = 1 / sqrt(var + eps),
// out = (x - mean) * rstd * gamma + beta. mean and rstd are written for the backward pass and the
// running-statistics update (src/ops/norm.ts). Two passes over the data (mean, then
// (x - mean)^2) so that a large mean does not cancel the variance away.
// Called by src/gpu/kernels/norm.ts (batchNormTrain).
// Dispatch: grid1d(channels) workgroups of WG threads, one workgroup per channel. The channel's
// n * spatial values (131072 for a batch of 128 at 32x32) are walked as one flat range by stride
// WG, element i at ((i / spatial) * channels + channel) * spatial + i % spatial, so a (N, C) input
// (spatial 1) still spreads over all threads. A shared-memory tree (WG a power of two) totals the
// partial sums. Workgroups past the last channel see an empty range and write nothing.

@group(0) @binding(0) var<storage, read> x: array<f32>;                  // (n, channels, spatial)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;              // (channels)
@group(0) @binding(2) var<storage, read> beta: array<f32>;               // (channels)
@group(0) @binding(3) var<storage, read_write> out: array<f32>;          // (n, channels, spatial)
@group(0) @binding(4) var<storage, read_write> channel_mean: array<f32>; // (channels)
@group(0) @binding(5) var<storage, read_write> channel_rstd: array<f32>; // (channels)
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  n: u32,         // batch size
  channels: u32,  // one normalisation each
  spatial: u32,   // values per (sample, channel), H * W for images
  eps: f32,       // added to the variance inside the square root
}

override WG: u32 = 256u;  // threads per channel: a power of two, set from n * spatial

var<workgroup> partial: array<f32, WG>;

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  partial[lid] = v;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) { partial[lid] = partial[lid] + partial[lid + stride]; }
  }
  workgroupBarrier();
  let result = partial[0];
  workgroupBarrier();  // all have read partial[0] before the next reduction overwrites it
  return result;
}

fn element(i: u32, channel: u32) -> u32 {
  let sample = i / params.spatial;
  return (sample * params.channels + channel) * params.spatial + (i - sample * params.spatial);
}

@compute @workgroup_size(WG)
fn batchnorm_train_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                           @builtin(local_invocation_index) lid: u32) {
  let channel = wid.x + wid.y * nwg.x;
  let count = select(0u, params.n * params.spatial, channel < params.channels);
  let inv_count = 1.0 / f32(params.n * params.spatial);

  var s = 0.0;
  for (var i = lid; i < count; i += WG) { s += x[element(i, channel)]; }
  let mean = workgroup_sum(s, lid) * inv_count;

  var q = 0.0;
  for (var i = lid; i < count; i += WG) {
    let d = x[element(i, channel)] - mean;
    q += d * d;
  }
  let rstd = inverseSqrt(workgroup_sum(q, lid) * inv_count + params.eps);

  if (count > 0u) {
    let scale = rstd * gamma[channel];
    let shift = beta[channel];
    for (var i = lid; i < count; i += WG) {
      let e = element(i, channel);
      out[e] = (x[e] - mean) * scale + shift;
    }
    if (lid == 0u) {
      channel_mean[channel] = mean;
      channel_rstd[channel] = rstd;
    }
  }
}
