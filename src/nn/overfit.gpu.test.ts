// A tiny MLP and a tiny CNN must drive the loss on one fixed batch to near zero on the GPU, and a
// training step must not grow the live-buffer count (the same after step 2 and step 50).
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import { relu } from '../ops/elementwise';
import { crossEntropyLoss } from '../ops/loss';
import { globalAvgPool2d } from '../ops/pool';
import { reshape } from '../ops/shape';
import type { Backend } from '../tensor/backend';
import { scope } from '../tensor/scope';
import { backward } from '../tensor/tape';
import { tensor, type Tensor } from '../tensor/tensor';
import { gpuBackend } from '../testing/backends';
import { Conv2d } from './conv2d';
import { Linear } from './linear';
import { Module } from './module';
import { BatchNorm2d } from './norm';
import { SGD } from './optim/sgd';
import { AdamW } from './optim/adamw';

class Mlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(backend: Backend, rng: Rng) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(backend, 12, 32, rng));
    this.fc2 = this.addModule('fc2', new Linear(backend, 32, 5, rng));
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

class TinyCnn extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly fc: Linear;
  constructor(backend: Backend, rng: Rng) {
    super();
    this.conv1 = this.addModule('conv1', new Conv2d(backend, 1, 8, rng, { kernel: 3, padding: 1 }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(backend, 8));
    this.conv2 = this.addModule(
      'conv2',
      new Conv2d(backend, 8, 16, rng, { kernel: 3, stride: 2, padding: 1 }),
    );
    this.fc = this.addModule('fc', new Linear(backend, 16, 4, rng));
  }
  forward(x: Tensor): Tensor {
    const h = relu(this.bn1.forward(this.conv1.forward(x)));
    const g = globalAvgPool2d(relu(this.conv2.forward(h)));
    return this.fc.forward(reshape(g, [x.shape[0], 16]));
  }
}

async function overfit(
  backend: Backend,
  model: Mlp | TinyCnn,
  inputs: Float32Array,
  inputShape: number[],
  labels: Float32Array,
  makeOptimizer: (params: Tensor[]) => SGD | AdamW,
  steps: number,
  liveAt: (step: number) => void,
): Promise<number[]> {
  const optimizer = makeOptimizer(model.parameters());
  const losses: number[] = [];
  const x = tensor(backend, inputs, inputShape);
  const y = tensor(backend, labels, [labels.length]);
  for (let step = 1; step <= steps; step++) {
    const loss = scope(() => {
      const l = crossEntropyLoss(model.forward(x), y);
      backward(l);
      optimizer.step();
      optimizer.zeroGrad();
      return l;
    });
    if (step === 1 || step === steps) losses.push((await loss.data())[0]);
    loss.dispose();
    liveAt(step);
  }
  x.dispose();
  y.dispose();
  optimizer.dispose();
  return losses;
}

describe('training on the GPU', () => {
  it('a tiny MLP reaches near-zero loss on a fixed batch; live buffers stay flat', async () => {
    const { gpu, rt } = await gpuBackend();
    const rng = new Rng(3);
    const model = new Mlp(gpu, rng);
    const inputs = Float32Array.from({ length: 16 * 12 }, () => rng.normal());
    const labels = Float32Array.from({ length: 16 }, (_, i) => i % 5);
    const live: Record<number, number> = {};
    const [first, last] = await overfit(
      gpu,
      model,
      inputs,
      [16, 12],
      labels,
      (p) => new AdamW(p, { lr: 0.02, weightDecay: 0 }),
      150,
      (step) => {
        live[step] = rt.stats().liveBuffers;
      },
    );
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(0.02);
    expect(live[50]).toBe(live[2]);
    expect(live[150]).toBe(live[2]);
    model.dispose();
  });

  it('a tiny CNN with batch norm reaches near-zero loss on a fixed batch; no buffer growth', async () => {
    const { gpu, rt } = await gpuBackend();
    const rng = new Rng(5);
    const model = new TinyCnn(gpu, rng);
    const inputs = Float32Array.from({ length: 8 * 1 * 9 * 9 }, () => rng.normal());
    const labels = Float32Array.from({ length: 8 }, (_, i) => i % 4);
    const live: Record<number, number> = {};
    const created: Record<number, number> = {};
    const [first, last] = await overfit(
      gpu,
      model,
      inputs,
      [8, 1, 9, 9],
      labels,
      (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true }),
      120,
      (step) => {
        live[step] = rt.stats().liveBuffers;
        created[step] = rt.stats().createdBuffers;
      },
    );
    expect(first).toBeGreaterThan(0.8);
    expect(last).toBeLessThan(0.05);
    expect(live[50]).toBe(live[2]);
    // After warm-up every buffer comes from the pool: no allocation per step.
    expect(created[50]).toBe(created[3]);
    model.dispose();
  });
});
