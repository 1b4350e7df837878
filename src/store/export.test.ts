import { expect, test } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import { fileStem, runsToCsv, runsToJson, type RunsJson } from './export';
import type { Run } from './runs-slice';

const runs: Run[] = [
  {
    id: 'a',
    name: 'Wide, "big"',
    config: { ...defaultRunConfig, transform: 'sparse-wide', sparsity: 0.9 },
    datasetLabel: 'built-in images',
    state: 'done',
    createdAt: 0,
    points: [
      {
        step: 10,
        trainingFlops: 1.5e9,
        executedFlops: 1.5e10,
        wallMs: 812.5,
        lr: 0.05,
        trainLoss: 2.25,
        samplesPerSecond: 400,
      },
      {
        step: 20,
        trainingFlops: 3e9,
        executedFlops: 3e10,
        wallMs: 1600,
        lr: 0.04,
        trainLoss: 1.75,
        evalLoss: 1.8,
        evalAccuracy: 0.42,
      },
    ],
  },
  {
    id: 'b',
    name: 'Dense',
    config: { ...defaultRunConfig, transform: 'dense', sparsity: 0 },
    datasetLabel: 'built-in images',
    state: 'stopped',
    createdAt: 0,
    points: [
      { step: 10, trainingFlops: 1e9, executedFlops: 1e9, wallMs: 500, lr: 0.05, trainLoss: 2.5 },
    ],
  },
];

test('CSV: one header, one row per run and step, names quoted, missing values empty', () => {
  expect(runsToCsv(runs)).toBe(
    [
      'run,model,transform,sparsity,method,step,trainingFlops,executedFlops,wallMs,lr,trainLoss,trainAccuracy,evalLoss,evalAccuracy,evalBitsPerChar,samplesPerSecond',
      '"Wide, ""big""",resnet-mini,sparse-wide,0.9,rigl,10,1500000000,15000000000,812.5,0.05,2.25,,,,,400',
      '"Wide, ""big""",resnet-mini,sparse-wide,0.9,rigl,20,3000000000,30000000000,1600,0.04,1.75,,1.8,0.42,,',
      'Dense,resnet-mini,dense,0,rigl,10,1000000000,1000000000,500,0.05,2.5,,,,,',
      '',
    ].join('\n'),
  );
});

test('CSV of no runs is just the header', () => {
  expect(runsToCsv([]).trim().split('\n')).toHaveLength(1);
});

test('JSON keeps config, state and every point', () => {
  const body = JSON.parse(runsToJson(runs)) as RunsJson;
  expect(body.format).toBe('sift-playground-runs');
  expect(body.runs).toHaveLength(2);
  expect(body.runs[0].config.transform).toBe('sparse-wide');
  expect(body.runs[0].points[1].evalAccuracy).toBe(0.42);
  expect(body.runs[1].state).toBe('stopped');
});

test('file stems are safe', () => {
  expect(fileStem('Sparse Wide · s 0.9 · RigL')).toBe('sparse-wide-s-0.9-rigl');
  expect(fileStem('///')).toBe('run');
});
