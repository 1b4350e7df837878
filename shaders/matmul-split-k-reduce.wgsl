// Second pass of a split-K matmul (shaders/matmul.wgsl with SPLITS > 1, driven by
// src/gpu/kernels/matmul.ts): C[b] = sum over s of partial[b * splits + s], the slices added in
// order s = 0, 1, ... so the result does not depend on scheduling (no atomics).
// partial is (batch, splits, M * N); c is (batch, M * N). One thread per element of C.
// Dispatch: grid1d(ceil(batch * M * N / 256)) workgroups of 256 threads.

@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  size: u32,    // M * N
  total: u32,   // batch * M * N
  splits: u32,
}

@compute @workgroup_size(256)
fn matmul_split_k_reduce(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let i = gid.y * groups.x * 256u + gid.x;
  if (i >= params.total) { return; }
  let batch = i / params.size;
  let at = batch * params.splits * params.size + i % params.size;
  var sum = 0.0;
  for (var s = 0u; s < params.splits; s++) {
    sum += partial[at + s * params.size];
  }
  c[i] = sum;
}
