// Workgroup-wide reductions of one value per thread, shared by every shader that reduces a row or
// a channel with one workgroup (softmax, cross-entropy, layer norm, batch norm; concatenated in
// front of them by their kernel modules). WG, the threads per workgroup, must be a power of two:
// the tree halves the live threads each level. Every thread of the workgroup must call these
// (they hold barriers) and gets the result; a trailing barrier lets the next call reuse the
// shared array at once.

override WG: u32 = 256u;  // threads per workgroup: a power of two, set by the kernel module

var<workgroup> wg_partial: array<vec2f, WG>;

fn workgroup_sum2(v: vec2f, lid: u32) -> vec2f {
  wg_partial[lid] = v;
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) { wg_partial[lid] = wg_partial[lid] + wg_partial[lid + stride]; }
  }
  workgroupBarrier();
  let result = wg_partial[0];
  workgroupBarrier();
  return result;
}

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  return workgroup_sum2(vec2f(v, 0.0), lid).x;
}

fn workgroup_max(v: f32, lid: u32) -> f32 {
  wg_partial[lid] = vec2f(v, 0.0);
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) { wg_partial[lid].x = max(wg_partial[lid].x, wg_partial[lid + stride].x); }
  }
  workgroupBarrier();
  let result = wg_partial[0].x;
  workgroupBarrier();
  return result;
}
