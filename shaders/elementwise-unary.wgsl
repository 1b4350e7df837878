// y = f(x) elementwise; f is chosen by the OP override (see lib-unary.wgsl, concatenated in front).
// Called by src/gpu/kernels/elementwise.ts.
// Dispatch: ceil(n / 256) workgroups of 256 spread over x and y (grid1d); each thread one element.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  n: u32,      // element count
  alpha: f32,  // scalar operand of scale / add-scalar / pow-scalar
}

@compute @workgroup_size(256)
fn unary_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                 @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  y[i] = unary_value(x[i], params.alpha);
}
