// dx = dy * f'(x) elementwise; f is chosen by the OP override (see lib-unary.wgsl, concatenated
// in front). Called by src/gpu/kernels/elementwise.ts. Dispatch as unary_forward.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  n: u32,      // element count
  alpha: f32,  // scalar operand of scale / add-scalar / pow-scalar
}

@compute @workgroup_size(256)
fn unary_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                  @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  dx[i] = dy[i] * unary_derivative(x[i], params.alpha);
}
