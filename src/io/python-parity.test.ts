// The values python/sift_playground must reproduce bit for bit, pinned in one fixture that both
// sides test against (python/tests/test_parity.py reads the same file): the counter-based RNG,
// SET's per-layer streams, a drop-and-grow with ties, the DST and LR schedules, and augmented
// CIFAR-shaped batches and text windows. A change on either side fails one of the two tests.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { randomU32 } from '../common/rng';
import { CIFAR10_NORMALIZATION } from '../data/augment';
import type { ImageDataset } from '../data/image-dataset';
import { ImageBatchLoader } from '../data/loader';
import { sampleTextBatch } from '../data/text';
import { makeSchedule } from '../train/setup';
import { CpuSparseBackend } from '../reference/sparse';
import { cpu, wrap } from '../reference/storage';
import { Mask } from '../sparse/mask';
import { rigLUpdate } from '../sparse/dst/rigl';
import { dropFraction, dstSchedule, isUpdateStep } from '../sparse/dst/schedule';
import { setSeed, setUpdate } from '../sparse/dst/set';
import { parseRunConfig } from '../spec/run-config';

const FIXTURE = 'python/tests/fixtures/parity.json';

interface RegrowCase {
  weight: number[];
  mask: number[];
  state: number[];
  fraction: number;
  grow: { kind: 'gradient'; grad: number[] } | { kind: 'random'; seed: number };
  expect: { mask: number[]; weight: number[]; state: number[] };
}

interface Fixture {
  randomU32: [number, number, number][];
  setSeed: [number, number, number, number][];
  regrow: RegrowCase[];
  dst: { steps: number; interval: number; end: number; updates: number[]; fractions: number[] };
  lr: { config: Record<string, unknown>; at: number[]; values: number[] }[];
  images: { seed: number; step: number; labels: number[]; checksum: number };
  text: { seed: number; step: number; length: number; inputs: number[]; targets: number[] };
}

const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;

/** 40 images of 3 x 6 x 6 with distinct pixels, labelled i % 10 (a CIFAR-shaped toy). */
function toyImages(): ImageDataset {
  const count = 40;
  const per = 3 * 6 * 6;
  return {
    name: 'toy',
    images: Uint8Array.from({ length: count * per }, (_, k) => (k * 37 + 11) % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    channels: 3,
    height: 6,
    width: 6,
    classes: 10,
  };
}

/** sum_k x_k * ((k % 97) + 1), in float64: one number that any changed value or position moves. */
function checksum(x: Float32Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * ((k % 97) + 1);
  return s;
}

describe('values PyTorch continuation reproduces (python/tests/fixtures/parity.json)', () => {
  it('randomU32 and SET seeds', () => {
    for (const [seed, index, value] of fixture.randomU32)
      expect(randomU32(seed, index)).toBe(value);
    for (const [run, layer, step, value] of fixture.setSeed)
      expect(setSeed(run, layer, step)).toBe(value);
  });

  it('drop-and-grow (CPU reference of the GPU rule), ties to the lower index', () => {
    const sparse = new CpuSparseBackend();
    for (const c of fixture.regrow) {
      const active = c.mask.reduce((a, b) => a + b, 0);
      const p = {
        weight: wrap(Float64Array.from(c.weight)),
        mask: new Mask(wrap(Float64Array.from(c.mask)), 1, c.mask.length, active),
        optimizerState: [wrap(Float64Array.from(c.state))],
      };
      if (c.grow.kind === 'gradient') {
        rigLUpdate(sparse, p, c.fraction, wrap(Float64Array.from(c.grow.grad)));
      } else {
        setUpdate(sparse, p, c.fraction, c.grow.seed);
      }
      expect(Array.from(cpu(p.mask.storage))).toEqual(c.expect.mask);
      expect(Array.from(cpu(p.weight))).toEqual(c.expect.weight);
      expect(Array.from(cpu(p.optimizerState[0]))).toEqual(c.expect.state);
    }
  });

  it('DST and learning-rate schedules', () => {
    const { steps, interval, end, updates, fractions } = fixture.dst;
    const s = dstSchedule(steps, { updateInterval: interval, endFraction: end });
    const got = Array.from({ length: steps + 1 }, (_, t) => t).filter((t) => isUpdateStep(t, s));
    expect(got).toEqual(updates);
    expect(updates.map((t) => dropFraction(t, s))).toEqual(fractions);
    for (const l of fixture.lr) {
      const lr = makeSchedule(parseRunConfig(l.config));
      expect(l.at.map(lr)).toEqual(l.values);
    }
  });

  it('augmented image batches and text windows', () => {
    const { seed, step } = fixture.images;
    const loader = new ImageBatchLoader(toyImages(), {
      batchSize: 8,
      seed,
      normalization: CIFAR10_NORMALIZATION,
      augment: { cropPadding: 4, flip: true },
    });
    const b = loader.batchAt(step);
    expect(Array.from(b.labels)).toEqual(fixture.images.labels);
    expect(checksum(b.images)).toBe(fixture.images.checksum);
    const t = fixture.text;
    const ids = Int32Array.from({ length: t.length }, (_, i) => (i * 7) % 13);
    const tb = sampleTextBatch(ids, 2, 5, t.seed, t.step);
    expect(Array.from(tb.inputs)).toEqual(t.inputs);
    expect(Array.from(tb.targets)).toEqual(t.targets);
  });
});
