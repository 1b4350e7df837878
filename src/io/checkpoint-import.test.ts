// Import validation on the CPU reference: a checkpoint exported from a sparse run loads back, and
// each class of bad file (wrong dtype, wrong mask count, non-finite values, duplicate names, a
// config that disagrees, extra tensors) is refused by name with the run left exactly as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { CpuSparseBackend } from '../reference/sparse';
import { defaultRunConfig, parseRunConfig } from '../spec/run-config';
import { cpuBackend } from '../testing/backends';
import { loadData, prepareRun, type PreparedRun } from '../train/setup';
import { exportRun, importInto, MASK_SUFFIX } from './checkpoint';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from './safetensors';

let run: PreparedRun;
let good: Uint8Array;

beforeAll(async () => {
  const config = parseRunConfig({
    ...defaultRunConfig,
    model: 'resnet-mini',
    transform: 'sparse-doped',
    sparsity: 0.75,
    method: 'static',
    steps: 4,
  });
  const data = await loadData(config, { read: nodeDataFiles() });
  run = prepareRun({
    backend: cpuBackend,
    sparse: new CpuSparseBackend(),
    config,
    data,
    evalSamples: 4,
    sync: () => Promise.resolve(),
  });
  good = (await exportRun(run, true)).safetensors;
}, 120_000);

/** The good file with its tensors (and optionally its config) changed. */
function edited(
  change: (tensors: Map<string, SafetensorsTensor>) => void,
  changeConfig: (c: { run: Record<string, unknown> }) => void = () => {},
): Uint8Array {
  const file = readSafetensors(good);
  const tensors = new Map(file.tensors);
  change(tensors);
  const config = JSON.parse(file.metadata.config) as { run: Record<string, unknown> };
  changeConfig(config);
  return writeSafetensors(tensors, { ...file.metadata, config: JSON.stringify(config) });
}

const firstMask = () => `${run.sparsity!.entries[0].weight.name}${MASK_SUFFIX}`;

async function weights(): Promise<number[]> {
  const out: number[] = [];
  for (const [, t] of run.model.module.stateDict()) out.push(...(await t.data()));
  return out;
}

describe('checkpoint import validation', () => {
  it('loads a good file back', () => {
    expect(importInto(run, good).step).toBe(0);
  });

  const cases: [string, () => Uint8Array, string, RegExp][] = [
    [
      'a weight stored as another dtype',
      () =>
        edited((t) => {
          const w = t.get('conv1.weight')!;
          t.set('conv1.weight', {
            dtype: 'I32',
            shape: w.shape,
            data: new Int32Array(w.data.length),
          });
        }),
      'CHECKPOINT_INVALID',
      /conv1\.weight is stored as I32; this model needs F32/,
    ],
    [
      'a mask with one weight too many',
      () =>
        edited((t) => {
          const m = t.get(firstMask())!;
          const data = Uint8Array.from(m.data);
          data[data.indexOf(0)] = 1;
          t.set(firstMask(), { dtype: 'U8', shape: m.shape, data });
        }),
      'CHECKPOINT_MISMATCH',
      /_mask has \d+ active weights; this run's plan gives the layer exactly \d+/,
    ],
    [
      'a mask stored as F32',
      () =>
        edited((t) => {
          const m = t.get(firstMask())!;
          t.set(firstMask(), { dtype: 'F32', shape: m.shape, data: Float32Array.from(m.data) });
        }),
      'CHECKPOINT_INVALID',
      /_mask is stored as F32; masks are U8/,
    ],
    [
      'a NaN weight',
      () =>
        edited((t) => {
          const w = t.get('fc.weight')!;
          const data = Float32Array.from(w.data);
          data[3] = NaN;
          t.set('fc.weight', { dtype: 'F32', shape: w.shape, data });
        }),
      'CHECKPOINT_INVALID',
      /fc\.weight holds NaN at index 3/,
    ],
    [
      'an infinite optimiser state (the last thing checked)',
      () =>
        edited((t) => {
          const name = [...t.keys()].filter((k) => k.startsWith('optimizer.')).pop()!;
          const s = t.get(name)!;
          const data = Float32Array.from(s.data);
          data[0] = Infinity;
          t.set(name, { dtype: 'F32', shape: s.shape, data });
        }),
      'CHECKPOINT_INVALID',
      /holds Infinity at index 0/,
    ],
    [
      'a config with another sparsity',
      () =>
        edited(
          () => {},
          (c) => (c.run.sparsity = 0.5),
        ),
      'CHECKPOINT_MISMATCH',
      /made with sparsity 0\.5; this run has sparsity 0\.75/,
    ],
    [
      'an extra tensor',
      () =>
        edited((t) =>
          t.set('layer9.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) }),
        ),
      'CHECKPOINT_MISMATCH',
      /tensor\(s\) this model does not: layer9\.weight/,
    ],
    [
      'a missing tensor',
      () => edited((t) => t.delete('fc.bias')),
      'CHECKPOINT_MISMATCH',
      /has no tensor fc\.bias/,
    ],
  ];
  for (const [name, file, code, message] of cases) {
    it(`refuses ${name} and changes nothing`, async () => {
      // Weights that differ from the file's everywhere, so a partial import would show.
      for (const [, t] of run.model.module.stateDict()) {
        const fill = run.backend.upload(new Float32Array(t.size).fill(0.125));
        run.backend.assign(t.storage, fill);
        run.backend.release(fill);
      }
      const before = await weights();
      expect(new Set(before)).toEqual(new Set([0.125]));
      const bytes = file();
      let caught: unknown;
      try {
        importInto(run, bytes);
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await weights()).toEqual(before);
    });
  }

  it("AdamW's step counts load back, and a fractional one is refused before any write", async () => {
    const config = parseRunConfig({ ...run.config, optimizer: 'adamw', lr: 1e-3 });
    const data = await loadData(config, { read: nodeDataFiles() });
    const adam = prepareRun({
      backend: cpuBackend,
      sparse: new CpuSparseBackend(),
      config,
      data,
      evalSamples: 4,
      sync: () => Promise.resolve(),
    });
    const bytes = (await exportRun(adam, true)).safetensors;
    expect(() => importInto(adam, bytes)).not.toThrow();
    const file = readSafetensors(bytes);
    const tensors = new Map(file.tensors);
    const name = [...tensors.keys()].find((k) => k.endsWith('.step'))!;
    tensors.set(name, { dtype: 'F32', shape: [], data: Float32Array.of(2.5) });
    expect(() => importInto(adam, writeSafetensors(tensors, file.metadata))).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_INVALID',
        message: expect.stringContaining(`${name} must be one whole number >= 0`),
      }),
    );
    adam.dispose();
  });

  it('names a duplicate tensor name instead of reporting an offset error', () => {
    const header = JSON.stringify({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } });
    const twice = `{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},${header.slice(1)}`;
    const json = new TextEncoder().encode(twice.padEnd(Math.ceil(twice.length / 8) * 8, ' '));
    const bytes = new Uint8Array(8 + json.length + 1);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    expect(() => readSafetensors(bytes)).toThrow(
      expect.objectContaining({
        code: 'SAFETENSORS_DUPLICATE_NAME',
        message: expect.stringContaining("'a' twice"),
      }),
    );
  });
});
