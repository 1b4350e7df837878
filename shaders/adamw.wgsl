// AdamW step in place, PyTorch torch.optim.AdamW semantics (amsgrad off):
//   g' = g * grad_scale * scale_buf[0]
//   w  = w - lr * weight_decay * w                       (decoupled decay, before the update)
//   m  = beta1 * m + (1 - beta1) * g'
//   v  = beta2 * v + (1 - beta2) * g'^2
//   w  = w - (lr / bias1) * m / (sqrt(v) / sqrt_bias2 + eps)
// with bias1 = 1 - beta1^t and sqrt_bias2 = sqrt(1 - beta2^t) computed on the host in float64.
// Called by src/gpu/kernels/optim.ts. Dispatch: grid1d(ceil(n / 256)) workgroups of 256; one
// parameter element per thread. HAS_SCALE_BUFFER = false leaves scale_buf unread; it is a
// 1-element factor computed on the GPU (global-norm clipping), so clipping needs no readback.

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> scale_buf: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

struct Params {
  n: u32,             // element count
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,  // decoupled: w *= 1 - lr * weight_decay
  bias1: f32,         // 1 - beta1^t
  sqrt_bias2: f32,    // sqrt(1 - beta2^t)
  grad_scale: f32,    // host-side gradient factor
}

override HAS_SCALE_BUFFER: bool = false;

@compute @workgroup_size(256)
fn adamw_step(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  var scale = params.grad_scale;
  if (HAS_SCALE_BUFFER) { scale *= scale_buf[0]; }
  let gi = g[i] * scale;
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * gi;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  let decayed = w[i] * (1.0 - params.lr * params.weight_decay);
  let denom = sqrt(vi) / params.sqrt_bias2 + params.eps;
  w[i] = decayed - (params.lr / params.bias1) * mi / denom;
}
