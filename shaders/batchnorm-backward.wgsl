// Backward of training-mode batch normalisation for x shaped (n, channels, spatial). Per channel,
// over its M = n * spatial values, with xhat = (x - mean) * rstd:
// dbeta = sum(dy), dgamma = sum(dy * xhat),
// dx = gamma * rstd * (dy - dbeta / M - xhat * dgamma / M)
// (the batch mean and variance depend on x, hence the two correction terms).
// Called by src/gpu/kernels/norm.ts (batchNormBackward).
// Dispatch: grid1d(channels) workgroups of WG threads, one workgroup per channel, walking its
// n * spatial values as one flat range by stride WG (element i at
// ((i / spatial) * channels + channel) * spatial + i % spatial). One shared-memory tree (WG a
// power of two) totals both sums; then the same threads write dx. Workgroups past the last
// channel see an empty range and write nothing.

@group(0) @binding(0) var<storage, read> x: array<f32>;                  // (n, channels, spatial)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;              // (channels)
@group(0) @binding(2) var<storage, read> dy: array<f32>;                 // (n, channels, spatial)
@group(0) @binding(3) var<storage, read> channel_mean: array<f32>;       // (channels) batch mean
@group(0) @binding(4) var<storage, read> channel_rstd: array<f32>;       // (channels) batch rstd
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;           // (n, channels, spatial)
@group(0) @binding(6) var<storage, read_write> dgamma: array<f32>;       // (channels)
@group(0) @binding(7) var<storage, read_write> dbeta: array<f32>;        // (channels)
@group(0) @binding(8) var<uniform> params: Params;

struct Params {
  n: u32,         // batch size
  channels: u32,  // one normalisation each (at least 1)
  spatial: u32,   // values per (sample, channel)
}

override WG: u32 = 256u;  // threads per channel: a power of two, set from n * spatial

var<workgroup> partial_dy: array<f32, WG>;
var<workgroup> partial_dy_xhat: array<f32, WG>;

fn element(i: u32, channel: u32) -> u32 {
  let sample = i / params.spatial;
  return (sample * params.channels + channel) * params.spatial + (i - sample * params.spatial);
}

@compute @workgroup_size(WG)
fn batchnorm_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                      @builtin(local_invocation_index) lid: u32) {
  let channel = wid.x + wid.y * nwg.x;
  let count = select(0u, params.n * params.spatial, channel < params.channels);
  // Clamped so that workgroups past the last channel read real (unused) statistics.
  let stat = min(channel, params.channels - 1u);
  let mean = channel_mean[stat];
  let rstd = channel_rstd[stat];

  var a = 0.0;
  var b = 0.0;
  for (var i = lid; i < count; i += WG) {
    let e = element(i, channel);
    a += dy[e];
    b += dy[e] * (x[e] - mean) * rstd;
  }
  partial_dy[lid] = a;
  partial_dy_xhat[lid] = b;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) {
      partial_dy[lid] = partial_dy[lid] + partial_dy[lid + stride];
      partial_dy_xhat[lid] = partial_dy_xhat[lid] + partial_dy_xhat[lid + stride];
    }
  }
  workgroupBarrier();
  let sum_dy = partial_dy[0];
  let sum_dy_xhat = partial_dy_xhat[0];

  if (count > 0u) {
    let inv_count = 1.0 / f32(count);
    let scale = gamma[channel] * rstd;
    for (var i = lid; i < count; i += WG) {
      let e = element(i, channel);
      let xhat = (x[e] - mean) * rstd;
      dx[e] = scale * (dy[e] - sum_dy * inv_count - xhat * sum_dy_xhat * inv_count);
    }
    if (lid == 0u) {
      dgamma[channel] = sum_dy_xhat;
      dbeta[channel] = sum_dy;
    }
  }
}
