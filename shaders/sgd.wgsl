// SGD step in place over a flat range (one tensor, or an arena holding every parameter so that
// one dispatch updates them all), PyTorch torch.optim.SGD semantics with dampening 0:
//   g' = g * mask * grad_scale * scale_buf[0] + weight_decay(i) * w
//   buf = momentum * buf + g'                (buf starts at 0, so step 1 gives buf = g' as PyTorch)
//   update = nesterov ? g' + momentum * buf : buf     (update = g' without momentum)
//   w -= lr * update;  then w *= mask, buf *= mask
// The 0/1 mask is SIFT's (../docs: gradients masked before the step, weights and optimiser
// state after it), fused here instead of three more dispatches per sparse weight.
// weight_decay(i): lib-weight-decay.wgsl, concatenated in front (at most four decay groups).
// Called by src/gpu/kernels/optim.ts. Dispatch: grid1d(ceil(n / 256)) workgroups of 256; one
// parameter element per thread.
// HAS_MOMENTUM = false leaves buf unread (any buffer may be bound there); HAS_SCALE_BUFFER = false
// leaves scale_buf unread; HAS_MASK = false leaves mask unread. scale_buf is a 1-element factor
// computed on the GPU (global-norm clipping, src/nn/optim/clip.ts), so clipping needs no readback.

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;
@group(0) @binding(3) var<storage, read> scale_buf: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

struct Params {
  n: u32,             // element count
  lr: f32,
  momentum: f32,
  grad_scale: f32,    // host-side gradient factor
  decay: DecayRanges, // weight decay by element range (lib-weight-decay.wgsl)
}

override HAS_MOMENTUM: bool = false;
override NESTEROV: bool = false;
override HAS_SCALE_BUFFER: bool = false;
override HAS_MASK: bool = false;

@compute @workgroup_size(256)
fn sgd_step(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  var scale = params.grad_scale;
  if (HAS_SCALE_BUFFER) { scale *= scale_buf[0]; }
  var keep = 1.0;
  if (HAS_MASK) { keep = mask[i]; }
  let wi = w[i];
  let gi = g[i] * keep * scale + weight_decay(params.decay, i) * wi;
  var update = gi;
  if (HAS_MOMENTUM) {
    let b = params.momentum * buf[i] + gi;
    buf[i] = b * keep;
    update = select(b, gi + params.momentum * b, NESTEROV);
  }
  w[i] = (wi - params.lr * update) * keep;
}
