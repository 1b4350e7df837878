// Input gradient of the implicit sparse convolution, as a gather (no atomics, no col2im):
//   dx[n, c, h, w] = sum over the taps (kh, kw) and the nonzeros s of column (c, kh, kw) of W*M
//                    (the by-columns index) of w[t_col_idx[s] * cols + col] * dy[n, o, oh, ow],
// o = t_col_idx[s], where (oh, ow) is the output pixel whose tap (kh, kw) reads (h, w) (at most
// one per tap; none where the stride skips (h, w) or it falls outside, lib-conv-tap.wgsl).
// dy NCHW, dx NCHW, w OIHW read at the index's positions. Work is input pixels * nnz / (sh * sw).
// Called by src/gpu/kernels/sparse-conv.ts.
// Dispatch: grid1d(tiles * in_c), as sparse-conv-forward.wgsl with input channels and pixels:
// workgroup g takes channel g % in_c and tile g / in_c of WG * PIX flat input pixels (n, h, w).

@group(0) @binding(0) var<storage, read> t_row_ptr: array<u32>;   // cols + 1
@group(0) @binding(1) var<storage, read> t_col_idx: array<u32>;   // nnz: the output channel
@group(0) @binding(2) var<storage, read> w: array<f32>;           // (out_c, cols)
@group(0) @binding(3) var<storage, read> dy: array<f32>;          // (N, out_c, OH, OW)
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;    // (N, C, H, W)
@group(0) @binding(5) var<uniform> params: Params;

struct Params {
  in_c: u32,
  in_h: u32,
  in_w: u32,
  out_c: u32,
  out_h: u32,
  out_w: u32,
  k_h: u32,
  k_w: u32,
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
  cols: u32,     // in_c * k_h * k_w
  pixels: u32,   // N * in_h * in_w
}

override WG: u32 = 8u;
override PIX: u32 = 8u;  // pixels per thread, 1..8
const MAX_PIX = 8u;

@compute @workgroup_size(WG)
fn sparse_conv_input_grad(@builtin(workgroup_id) wid: vec3u,
                          @builtin(num_workgroups) nwg: vec3u,
                          @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  let c = g % params.in_c;
  let tile = g / params.in_c;
  let in_plane = params.in_h * params.in_w;
  let plane = params.out_h * params.out_w;
  var hw: array<vec2u, MAX_PIX>;
  var dy_base: array<u32, MAX_PIX>;
  var acc: array<f32, MAX_PIX>;
  for (var j = 0u; j < PIX; j++) {
    let q = min((tile * PIX + j) * WG + lid, params.pixels - 1u);
    let n = q / in_plane;
    let p = q - n * in_plane;
    hw[j] = vec2u(p / params.in_w, p % params.in_w);
    dy_base[j] = n * params.out_c * plane;
    acc[j] = 0.0;
  }
  for (var kh = 0u; kh < params.k_h; kh++) {
    for (var kw = 0u; kw < params.k_w; kw++) {
      let col = (c * params.k_h + kh) * params.k_w + kw;
      let s0 = t_row_ptr[col];
      let s1 = t_row_ptr[col + 1u];
      if (s0 == s1) { continue; }
      // Per pixel: the dy offset of the reading output pixel, or -1.
      var at: array<i32, MAX_PIX>;
      for (var j = 0u; j < PIX; j++) {
        let oh = conv_reader(hw[j].x, i32(kh), params.stride_h, params.pad_h, params.out_h);
        let ow = conv_reader(hw[j].y, i32(kw), params.stride_w, params.pad_w, params.out_w);
        at[j] = select(-1, oh * i32(params.out_w) + ow, oh >= 0 && ow >= 0);
      }
      for (var s = s0; s < s1; s++) {
        let o = t_col_idx[s];
        let v = w[o * params.cols + col];
        let channel = o * plane;
        for (var j = 0u; j < PIX; j++) {
          if (at[j] >= 0) {
            acc[j] = fma(v, dy[dy_base[j] + channel + u32(at[j])], acc[j]);
          }
        }
      }
    }
  }
  for (var j = 0u; j < PIX; j++) {
    let q = (tile * PIX + j) * WG + lid;
    if (q < params.pixels) {
      let n = q / in_plane;
      dx[(n * params.in_c + c) * in_plane + q - n * in_plane] = acc[j];
    }
  }
}
