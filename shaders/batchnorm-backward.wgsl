// Backward of training-mode batch normalisation for x shaped (n, channels, spatial), with the
// forward's optional ReLU fused in. Per channel, over its M = n * spatial values, with
// xhat = (x - mean) * rstd and dz = RELU ? dy * (out > 0) : dy (the gradient before the ReLU):
// dbeta = sum(dz), dgamma = sum(dz * xhat),
// dx = gamma * rstd * (dz - dbeta / M - xhat * dgamma / M)
// (the batch mean and variance depend on x, hence the two correction terms). WRITE_DZ also
// stores dz: the gradient of the residual the forward added before its ReLU.
// With branches > 1 (Sparse Parallel, see batchnorm.wgsl) channel c = j * out_channels + o was
// summed into output channel o: dy, out and dz are (n, out_channels, spatial) and every branch
// reads the same dz, so the branch sum's backward (a broadcast) costs nothing; branch 0's
// workgroup writes dz.
// Requires lib-workgroup-reduce.wgsl in front. Called by src/gpu/kernels/norm.ts
// (batchNormBackward).
// Dispatch: grid1d(channels) workgroups of WG threads, one workgroup per (input) channel, walking its
// n * spatial values as one flat range by stride WG (element i at
// ((i / spatial) * channels + channel) * spatial + i % spatial). One tree totals both sums; then
// the same threads write dx. Workgroups past the last channel see an empty range and write
// nothing. RELU = false leaves `out` unread; WRITE_DZ = false leaves `dz_out` untouched.

@group(0) @binding(0) var<storage, read> x: array<f32>;                  // (n, channels, spatial)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;              // (channels)
@group(0) @binding(2) var<storage, read> dy: array<f32>;                 // (n, out_channels, spatial)
@group(0) @binding(3) var<storage, read> channel_mean: array<f32>;       // (channels) batch mean
@group(0) @binding(4) var<storage, read> channel_rstd: array<f32>;       // (channels) batch rstd
@group(0) @binding(5) var<storage, read> out: array<f32>;                // (n, out_channels, spatial)
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;           // (n, channels, spatial)
@group(0) @binding(7) var<storage, read_write> dgamma: array<f32>;       // (channels)
@group(0) @binding(8) var<storage, read_write> dbeta: array<f32>;        // (channels)
@group(0) @binding(9) var<storage, read_write> dz_out: array<f32>;       // (n, out_channels, spatial)
@group(0) @binding(10) var<uniform> params: Params;

struct Params {
  n: u32,         // batch size
  channels: u32,  // one normalisation each (at least 1)
  spatial: u32,   // values per (sample, channel)
  branches: u32,  // stacked norms summed into each output channel (1: a plain batch norm)
}

override RELU: bool = false;
override WRITE_DZ: bool = false;

fn element(i: u32, channel: u32, channels: u32) -> u32 {
  let sample = i / params.spatial;
  return (sample * channels + channel) * params.spatial + (i - sample * params.spatial);
}

fn grad_before_relu(e: u32) -> f32 {
  if (RELU) { return select(0.0, dy[e], out[e] > 0.0); }
  return dy[e];
}

@compute @workgroup_size(WG)
fn batchnorm_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                      @builtin(local_invocation_index) lid: u32) {
  let channel = wid.x + wid.y * nwg.x;
  let out_channels = params.channels / params.branches;
  let o = channel % out_channels;
  let count = select(0u, params.n * params.spatial, channel < params.channels);
  // Clamped so that workgroups past the last channel read real (unused) statistics.
  let stat = min(channel, params.channels - 1u);
  let mean = channel_mean[stat];
  let rstd = channel_rstd[stat];

  var sums = vec2f(0.0);
  for (var i = lid; i < count; i += WG) {
    let dz = grad_before_relu(element(i, o, out_channels));
    sums += vec2f(dz, dz * (x[element(i, channel, params.channels)] - mean) * rstd);
  }
  sums = workgroup_sum2(sums, lid);
  let sum_dz = sums.x;
  let sum_dz_xhat = sums.y;

  if (count > 0u) {
    let inv_count = 1.0 / f32(count);
    let scale = gamma[channel] * rstd;
    for (var i = lid; i < count; i += WG) {
      let e = element(i, channel, params.channels);
      let eo = element(i, o, out_channels);
      let dz = grad_before_relu(eo);
      let xhat = (x[e] - mean) * rstd;
      dx[e] = scale * (dz - sum_dz * inv_count - xhat * sum_dz_xhat * inv_count);
      if (WRITE_DZ && channel < out_channels) { dz_out[eo] = dz; }
    }
    if (lid == 0u) {
      dgamma[channel] = sum_dz_xhat;
      dbeta[channel] = sum_dz;
    }
  }
}
