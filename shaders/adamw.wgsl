// AdamW step in place over a flat range (one tensor, or an arena holding every parameter so that
// one dispatch updates them all), PyTorch torch.optim.AdamW semantics (amsgrad off):
//   g' = g * mask * grad_scale * scale_buf[0]
//   w  = w - lr * weight_decay(i) * w                    (decoupled decay, before the update)
//   m  = beta1 * m + (1 - beta1) * g'
//   v  = beta2 * v + (1 - beta2) * g'^2
//   w  = w - (lr / bias1) * m / (sqrt(v) / sqrt_bias2 + eps);  then w, m, v *= mask
// with bias1 = 1 - beta1^t and sqrt_bias2 = sqrt(1 - beta2^t) computed on the host in float64.
// The 0/1 mask is SIFT's (gradients masked before the step, weights and optimiser state after).
// weight_decay(i): lib-weight-decay.wgsl, concatenated in front (at most four decay groups).
// Called by src/gpu/kernels/optim.ts. Dispatch: grid1d(ceil(n / 256)) workgroups of 256; one
// parameter element per thread. HAS_SCALE_BUFFER = false leaves scale_buf unread (a 1-element
// factor computed on the GPU by global-norm clipping, so clipping needs no readback);
// HAS_MASK = false leaves mask unread.

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> scale_buf: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

struct Params {
  n: u32,             // element count
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  bias1: f32,         // 1 - beta1^t
  sqrt_bias2: f32,    // sqrt(1 - beta2^t)
  grad_scale: f32,    // host-side gradient factor
  decay: DecayRanges, // weight decay by element range (lib-weight-decay.wgsl)
}

override HAS_SCALE_BUFFER: bool = false;
override HAS_MASK: bool = false;

@compute @workgroup_size(256)
fn adamw_step(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  var scale = params.grad_scale;
  if (HAS_SCALE_BUFFER) { scale *= scale_buf[0]; }
  var keep = 1.0;
  if (HAS_MASK) { keep = mask[i]; }
  let gi = g[i] * keep * scale;
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * gi;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * gi * gi;
  m[i] = mi * keep;
  v[i] = vi * keep;
  let decayed = w[i] * (1.0 - params.lr * weight_decay(params.decay, i));
  let denom = sqrt(vi) / params.sqrt_bias2 + params.eps;
  w[i] = (decayed - (params.lr / params.bias1) * mi / denom) * keep;
}
