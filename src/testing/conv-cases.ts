// Awkward conv2d product shapes shared by the CPU reference test and the GPU kernel test: batch 1
// and 3, channels 1/3/5/17, output channels 1/5/16, kernels 1x1/3x3/5x3, strides 1/2, paddings
// 0/1/2, spatial sizes that are not multiples of the kernels' 4-wide blocks.
import { conv2dPlan } from '../ops/conv';
import type { ConvProductPlan } from '../tensor/backend';

export interface ConvProductCase {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  padding: number;
}

export const convProductCases: ConvProductCase[] = [
  { name: '1x1, one channel, 5x7', x: [1, 1, 5, 7], w: [1, 1, 1, 1], stride: 1, padding: 0 },
  { name: '3x3 s2 p1, C=3 O=5, batch 3', x: [3, 3, 7, 6], w: [5, 3, 3, 3], stride: 2, padding: 1 },
  { name: '3x3 s1 p1, C=17 O=16', x: [1, 17, 6, 5], w: [16, 17, 3, 3], stride: 1, padding: 1 },
  { name: '5x3 s1 p2, C=3 O=5, batch 3', x: [3, 3, 9, 7], w: [5, 3, 5, 3], stride: 1, padding: 2 },
  {
    name: '5x3 s2 p2, C=17 O=5, batch 3',
    x: [3, 17, 7, 9],
    w: [5, 17, 5, 3],
    stride: 2,
    padding: 2,
  },
  { name: '3x3 s2 p0, C=3 O=16', x: [1, 3, 5, 5], w: [16, 3, 3, 3], stride: 2, padding: 0 },
  {
    name: '1x1 s2 (skips pixels), O=1, batch 3',
    x: [3, 5, 4, 6],
    w: [1, 5, 1, 1],
    stride: 2,
    padding: 0,
  },
];

export function convProductPlan(c: ConvProductCase): ConvProductPlan {
  return {
    ...conv2dPlan(c.x, c.w, { stride: c.stride, padding: c.padding }),
    outChannels: c.w[0],
  };
}
