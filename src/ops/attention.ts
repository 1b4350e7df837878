// Causal self-attention from primitives (nanoGPT's CausalSelfAttention without flash attention):
// split the fused qkv, per-head scores QK^T / sqrt(hd), causal mask, softmax, weighted sum of V.
import { add, scale } from './elementwise';
import { matmul } from './matmul';
import { permute, reshape, slice } from './shape';
import { softmax } from './softmax';
import type { Backend } from '../tensor/backend';
import { tensor, type Tensor } from '../tensor/tensor';

/** (T, T) additive mask: 0 on and below the diagonal, a large negative number above it. */
export function causalMask(backend: Backend, t: number): Tensor {
  const values = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) values[i * t + j] = -1e9;
  return tensor(backend, values, [t, t]);
}

/**
 * qkv (B, T, 3C) -> (B, T, C): causal multi-head attention with nHead heads of C / nHead.
 * `mask` is causalMask(T), passed in so a model builds it once.
 */
export function causalSelfAttention(qkv: Tensor, nHead: number, mask: Tensor): Tensor {
  const [B, T, threeC] = qkv.shape;
  const C = threeC / 3;
  const hd = C / nHead;
  // (B, T, C) -> (B, H, T, hd) -> (B*H, T, hd)
  const heads = (start: number): Tensor =>
    reshape(
      permute(
        reshape(slice(qkv, [0, 0, start], [B, T, start + C]), [B, T, nHead, hd]),
        [0, 2, 1, 3],
      ),
      [B * nHead, T, hd],
    );
  const q = heads(0);
  const k = heads(C);
  const v = heads(2 * C);
  const scores = add(scale(matmul(q, k, { transB: true }), 1 / Math.sqrt(hd)), mask);
  const y = matmul(softmax(scores), v); // (B*H, T, hd)
  return reshape(permute(reshape(y, [B, nHead, T, hd]), [0, 2, 1, 3]), [B, T, C]);
}
