// Builds the compressed index of a 0/1 mask on the GPU, whenever the mask changes (every dT
// steps at most), so the zero-skipping kernels never wait for the CPU.
// Called by src/gpu/kernels/sparse-csr-build.ts, three dispatches in order:
//   csr_count_rows    grid1d(ceil(rows / 64)) x 64: each thread counts the ones of one row
//   csr_scan_rows     one workgroup of 256: counts -> row pointers (exclusive prefix sum in
//                     place, 256 rows at a time with a running carry; row_ptr[rows] = total)
//   csr_scatter_rows  grid1d(ceil(rows / 64)) x 64: each thread writes its row's column indices in
//                     ascending order, and their flat positions in the mask
// One thread per row keeps the order deterministic and the code short; the rebuild is rare, so its
// parallelism (rows threads) is not worth a workgroup scan per row.
// Both orientations come from the same kernels: element (r, c) sits at r * row_stride +
// c * col_stride, so (rows = N, cols = K, strides K, 1) is the CSR of an (N, K) mask and
// (rows = K, cols = N, strides 1, K) the CSR of its transpose (the CSC).
// Bindings (all entry points): mask (read), row_ptr, col_idx, flat (read_write).

@group(0) @binding(0) var<storage, read> mask: array<f32>;          // 0/1, the weight's layout
@group(0) @binding(1) var<storage, read_write> row_ptr: array<u32>; // rows + 1
@group(0) @binding(2) var<storage, read_write> col_idx: array<u32>; // nnz
@group(0) @binding(3) var<storage, read_write> flat: array<u32>;    // nnz: index into the mask
@group(0) @binding(4) var<uniform> params: Params;

struct Params {
  rows: u32,        // rows of the compressed orientation
  cols: u32,        // columns of the compressed orientation
  row_stride: u32,  // mask elements between consecutive rows
  col_stride: u32,  // mask elements between consecutive columns
}

var<workgroup> scan_tmp: array<u32, 256>;

fn row_index(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid;
}

@compute @workgroup_size(64)
fn csr_count_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                  @builtin(local_invocation_index) lid: u32) {
  let r = row_index(wid, nwg, lid);
  if (r >= params.rows) { return; }
  var count = 0u;
  for (var c = 0u; c < params.cols; c++) {
    if (mask[r * params.row_stride + c * params.col_stride] > 0.5) { count++; }
  }
  row_ptr[r] = count;
}

@compute @workgroup_size(256)
fn csr_scan_rows(@builtin(local_invocation_index) lid: u32) {
  var carry = 0u;
  let chunks = (params.rows + 255u) / 256u;
  for (var ch = 0u; ch < chunks; ch++) {
    let i = ch * 256u + lid;
    var v = 0u;
    if (i < params.rows) { v = row_ptr[i]; }
    scan_tmp[lid] = v;
    workgroupBarrier();
    for (var off = 1u; off < 256u; off <<= 1u) {
      var add = 0u;
      if (lid >= off) { add = scan_tmp[lid - off]; }
      workgroupBarrier();
      scan_tmp[lid] += add;
      workgroupBarrier();
    }
    if (i < params.rows) { row_ptr[i] = carry + scan_tmp[lid] - v; }
    carry += scan_tmp[255];
    workgroupBarrier();
  }
  if (lid == 0u) { row_ptr[params.rows] = carry; }
}

@compute @workgroup_size(64)
fn csr_scatter_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let r = row_index(wid, nwg, lid);
  if (r >= params.rows) { return; }
  var s = row_ptr[r];
  for (var c = 0u; c < params.cols; c++) {
    let at = r * params.row_stride + c * params.col_stride;
    if (mask[at] > 0.5) {
      col_idx[s] = c;
      flat[s] = at;
      s++;
    }
  }
}
