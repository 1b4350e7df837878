// The peer of the browser benchmark: the same matmul and conv shapes through TensorFlow.js with
// its WebGPU backend (devDependencies, loaded only by bench.html). Timed like ours: a batch of
// iterations ended by reading the last result back (readback waits for the whole queue).
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { ConvCase } from './conv-bench';
import type { MatmulCase } from './matmul-bench';
import { randomArray } from './matmul-bench';
import { timeBatches, type Timing, type TimingOptions } from './timing';

export interface TfjsPeer {
  version: string;
  /** What tfjs's WebGPU backend reports about its adapter. */
  adapter: string;
  timeMatmul(c: MatmulCase, options: TimingOptions): Promise<Timing>;
  timeConv(c: ConvCase, options: TimingOptions): Promise<Timing>;
}

async function repeat(iterations: number, op: () => TfTensor): Promise<void> {
  let last: TfTensor | null = null;
  for (let i = 0; i < iterations; i++) {
    const out = op();
    last?.dispose();
    last = out;
  }
  if (last) {
    await last.data();
    last.dispose();
  }
}

/** Load tfjs-core + tfjs-backend-webgpu and make 'webgpu' the active backend. */
export async function loadTfjsPeer(): Promise<TfjsPeer> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not start');
  await tf.ready();
  const backend = tf.backend() as unknown as {
    adapterInfo?: { vendor?: string; architecture?: string };
  };
  const info = backend.adapterInfo;
  return {
    version: tf.version_core,
    adapter: [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown',

    async timeMatmul(c, options) {
      const a = tf.tensor2d(randomArray(c.m * c.k, 1), [c.m, c.k]);
      const b = tf.tensor2d(randomArray(c.k * c.n, 2), [c.k, c.n]);
      try {
        return await timeBatches((n) => repeat(n, () => tf.matMul(a, b)), options);
      } finally {
        a.dispose();
        b.dispose();
      }
    },

    async timeConv(c, options) {
      // tfjs convolves NHWC inputs with HWIO filters; same arithmetic as our NCHW / OIHW.
      const x = tf.tensor4d(randomArray(c.batch * c.size * c.size * c.inChannels, 3), [
        c.batch,
        c.size,
        c.size,
        c.inChannels,
      ]);
      const w = tf.tensor4d(randomArray(c.kernel * c.kernel * c.inChannels * c.outChannels, 4), [
        c.kernel,
        c.kernel,
        c.inChannels,
        c.outChannels,
      ]);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [c.padding, c.padding],
        [c.padding, c.padding],
        [0, 0],
      ];
      try {
        return await timeBatches(
          (n) => repeat(n, () => tf.conv2d(x, w, c.stride, pad, 'NHWC')),
          options,
        );
      } finally {
        x.dispose();
        w.dispose();
      }
    },
  };
}
