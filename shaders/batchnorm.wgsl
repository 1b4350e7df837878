// Batch normalisation in training mode for x shaped (n, channels, spatial), fused with what a
// ResNet puts after it: per channel, the mean and biased variance over the n * spatial values of
// that channel, rstd = 1 / sqrt(var + eps),
//   out = relu?((x - mean) * rstd * gamma + beta + residual?)
// With branches > 1 (Sparse Parallel's n stacked branch norms, docs/sift-method.md) channel
// c = j * out_channels + o is branch j's norm of output channel o, and the branches are summed
// before the residual and the ReLU: out (n, out_channels, spatial), out_channels = channels /
// branches, out[o] = relu?(sum_j ((x[j, o] - mean) * rstd * gamma + beta) + residual?). That
// saves the branch sum (forward and backward) and the separate add and ReLU (issue #10).
// and PyTorch's running statistics updated in place (unbiased variance for running_var):
//   running_mean = (1 - momentum) * running_mean + momentum * mean
//   running_var  = (1 - momentum) * running_var  + momentum * var * count / (count - 1)
// mean and rstd are written for the backward pass. Two passes over the data (mean, then
// (x - mean)^2) so that a large mean does not cancel the variance away. Fusing the ReLU, the
// residual add and the running update saves 1 + 1 + 8 dispatches per norm (issue #10).
// Requires lib-workgroup-reduce.wgsl in front. Called by src/gpu/kernels/norm.ts (batchNormTrain).
// Dispatch: grid1d(out_channels) workgroups of WG threads, one workgroup per output channel,
// which normalises its `branches` input channels one after the other. A channel's
// n * spatial values (131072 for a batch of 128 at 32x32) are walked as one flat range by stride
// WG, element i at ((i / spatial) * channels + channel) * spatial + i % spatial, so a (N, C) input
// (spatial 1) still spreads over all threads. Workgroups past the last output channel see an empty
// range and write nothing. HAS_RESIDUAL = false leaves `residual` unread (x is bound there).

@group(0) @binding(0) var<storage, read> x: array<f32>;                  // (n, channels, spatial)
@group(0) @binding(1) var<storage, read> gamma: array<f32>;              // (channels)
@group(0) @binding(2) var<storage, read> beta: array<f32>;               // (channels)
@group(0) @binding(3) var<storage, read> residual: array<f32>;           // (n, out_channels, spatial)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;          // (n, out_channels, spatial)
@group(0) @binding(5) var<storage, read_write> channel_mean: array<f32>; // (channels)
@group(0) @binding(6) var<storage, read_write> channel_rstd: array<f32>; // (channels)
@group(0) @binding(7) var<storage, read_write> running_mean: array<f32>; // (channels)
@group(0) @binding(8) var<storage, read_write> running_var: array<f32>;  // (channels)
@group(0) @binding(9) var<uniform> params: Params;

struct Params {
  n: u32,         // batch size
  channels: u32,  // one normalisation each
  spatial: u32,   // values per (sample, channel), H * W for images
  eps: f32,       // added to the variance inside the square root
  momentum: f32,  // weight of this batch in the running statistics
  branches: u32,  // stacked norms summed into each output channel (1: a plain batch norm)
}

override HAS_RESIDUAL: bool = false;
override RELU: bool = false;

fn element(i: u32, channel: u32, channels: u32) -> u32 {
  let sample = i / params.spatial;
  return (sample * channels + channel) * params.spatial + (i - sample * params.spatial);
}

@compute @workgroup_size(WG)
fn batchnorm_train_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                           @builtin(local_invocation_index) lid: u32) {
  let out_channels = params.channels / params.branches;
  let o = wid.x + wid.y * nwg.x;
  let count = select(0u, params.n * params.spatial, o < out_channels);
  let inv_count = 1.0 / f32(params.n * params.spatial);

  for (var j = 0u; j < params.branches; j++) {
    let channel = j * out_channels + o;
    var s = 0.0;
    for (var i = lid; i < count; i += WG) { s += x[element(i, channel, params.channels)]; }
    let mean = workgroup_sum(s, lid) * inv_count;

    var q = 0.0;
    for (var i = lid; i < count; i += WG) {
      let d = x[element(i, channel, params.channels)] - mean;
      q += d * d;
    }
    let variance = workgroup_sum(q, lid) * inv_count;
    if (count > 0u && lid == 0u) {
      channel_mean[channel] = mean;
      channel_rstd[channel] = inverseSqrt(variance + params.eps);
      let m = params.momentum;
      let unbiased = variance * f32(count) / f32(max(count, 2u) - 1u);
      running_mean[channel] = (1.0 - m) * running_mean[channel] + m * mean;
      running_var[channel] = (1.0 - m) * running_var[channel] + m * unbiased;
    }
  }
  // Thread 0 wrote every branch's statistics; the apply pass below reads them back.
  storageBarrier();

  for (var i = lid; i < count; i += WG) {
    var y = 0.0;
    for (var j = 0u; j < params.branches; j++) {
      let channel = j * out_channels + o;
      let scale = channel_rstd[channel] * gamma[channel];
      y += (x[element(i, channel, params.channels)] - channel_mean[channel]) * scale + beta[channel];
    }
    let e = element(i, o, out_channels);
    if (HAS_RESIDUAL) { y += residual[e]; }
    if (RELU) { y = max(y, 0.0); }
    out[e] = y;
  }
}
