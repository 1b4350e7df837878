// Strided views <-> contiguous tensors: the copy behind permute/slice/concat/broadcast.
// Called by src/gpu/kernels/layout.ts, which drops size-1 dims and merges dims that are
// contiguous together first, so rank is usually 1 to 3 (at most 6).
// A view maps flat index i over `shape` (row-major) to offset + sum_d idx_d * stride_d.
// Dispatch: grid1d(ceil(n / 256)) workgroups of 256; each thread one element of the view.
//   gather_strided:      dst[i] = src[view(i)]       (src strided, dst contiguous)
//   scatter_add_strided: dst[view(i)] += src[i]      (src contiguous, dst strided, in place)
// scatter_add_strided has no atomics (WGSL has none on f32): the view's targets must be unique,
// which the kernel module checks cheaply by refusing zero strides.

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

struct Params {
  n: u32,       // elements in the view
  rank: u32,    // dims in use (1..6), innermost last
  offset: u32,  // element offset of the view's first element
  d0: u32, d1: u32, d2: u32, d3: u32, d4: u32, d5: u32,  // view shape
  s0: u32, s1: u32, s2: u32, s3: u32, s4: u32, s5: u32,  // view strides, in elements
}

fn strided_index(i: u32) -> u32 {
  let dims = array<u32, 6>(params.d0, params.d1, params.d2, params.d3, params.d4, params.d5);
  let strides = array<u32, 6>(params.s0, params.s1, params.s2, params.s3, params.s4, params.s5);
  var rest = i;
  var at = params.offset;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    at += (rest % dims[d]) * strides[d];
    rest = rest / dims[d];
  }
  return at;
}

@compute @workgroup_size(256)
fn gather_strided(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                  @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  dst[i] = src[strided_index(i)];
}

@compute @workgroup_size(256)
fn scatter_add_strided(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                       @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.n) { return; }
  let at = strided_index(i);
  dst[at] = dst[at] + src[i];
}
