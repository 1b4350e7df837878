import { describe, expect, test } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import type { MetricPoint } from '../worker/protocol';
import {
  addRun,
  defaultRunName,
  deleteRun,
  emptyRuns,
  finalOrLatest,
  nextQueued,
  reduceWorkerMessage,
  renameRun,
  reviveRuns,
  truncatePoints,
  type Run,
  type RunsSlice,
} from './runs-slice';

function run(id: string, extra: Partial<Run> = {}): Run {
  return {
    id,
    name: `run ${id}`,
    config: defaultRunConfig,
    datasetLabel: 'built-in images',
    state: 'queued',
    createdAt: 0,
    points: [],
    ...extra,
  };
}

function point(step: number, extra: Partial<MetricPoint> = {}): MetricPoint {
  return {
    step,
    trainingFlops: step * 100,
    executedFlops: step * 400,
    wallMs: step * 10,
    lr: 0.1,
    ...extra,
  };
}

function runsOf(...list: Run[]): RunsSlice {
  return list.reduce(addRun, emptyRuns);
}

describe('metrics', () => {
  test('batches append in order', () => {
    let runs = runsOf(run('a', { state: 'running' }));
    runs = reduceWorkerMessage(
      runs,
      { type: 'metrics', runId: 'a', points: [point(1), point(2)] },
      0,
    );
    runs = reduceWorkerMessage(
      runs,
      { type: 'metrics', runId: 'a', points: [point(3, { trainLoss: 1.5 })] },
      0,
    );
    expect(runs.byId.a.points.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(runs.byId.a.points[2].trainLoss).toBe(1.5);
  });

  test('replayed steps after a resume replace the old ones', () => {
    let runs = runsOf(run('a', { state: 'running', points: [point(1), point(2), point(3)] }));
    runs = reduceWorkerMessage(
      runs,
      { type: 'metrics', runId: 'a', points: [point(2, { trainLoss: 9 }), point(4)] },
      0,
    );
    expect(runs.byId.a.points.map((p) => p.step)).toEqual([1, 2, 4]);
    expect(runs.byId.a.points[1].trainLoss).toBe(9);
  });

  test('messages for an unknown (deleted) run change nothing', () => {
    const runs = runsOf(run('a'));
    expect(reduceWorkerMessage(runs, { type: 'metrics', runId: 'zz', points: [point(1)] }, 0)).toBe(
      runs,
    );
  });

  test('the other runs keep their identity (React skips them)', () => {
    const runs = runsOf(run('a', { state: 'running' }), run('b'));
    const next = reduceWorkerMessage(runs, { type: 'metrics', runId: 'a', points: [point(1)] }, 0);
    expect(next.byId.b).toBe(runs.byId.b);
    expect(next.byId.a).not.toBe(runs.byId.a);
  });
});

describe('rename and delete', () => {
  test('rename trims; an empty name is ignored', () => {
    let runs = runsOf(run('a'), run('b'));
    runs = renameRun(runs, 'a', '  wide, lr 0.1  ');
    expect(runs.byId.a.name).toBe('wide, lr 0.1');
    expect(renameRun(runs, 'a', '   ')).toBe(runs);
    expect(runs.byId.b.name).toBe('run b');
  });

  test('delete removes the run and its place in the order', () => {
    const runs = deleteRun(runsOf(run('a'), run('b'), run('c')), 'b');
    expect(runs.order).toEqual(['a', 'c']);
    expect(runs.byId.b).toBeUndefined();
    expect(deleteRun(runs, 'nope')).toBe(runs);
  });
});

describe('lifecycle', () => {
  test('the queue waits while a run is active and then takes the first queued run', () => {
    const runs = runsOf(run('a', { state: 'running' }), run('b'), run('c'));
    expect(nextQueued(runs)).toBeUndefined();
    const afterDone = reduceWorkerMessage(
      runs,
      { type: 'done', runId: 'a', final: finalMetrics() },
      0,
    );
    expect(afterDone.byId.a.state).toBe('done');
    expect(afterDone.byId.a.final?.evalAccuracy).toBe(0.5);
    expect(nextQueued(afterDone)?.id).toBe('b');
  });

  test("'running' records when the run started; a later 'running' (resume) keeps it", () => {
    let runs = runsOf(run('a', { state: 'starting' }));
    runs = reduceWorkerMessage(runs, { type: 'state', runId: 'a', state: 'running' }, 1000);
    runs = reduceWorkerMessage(runs, { type: 'state', runId: 'a', state: 'paused' }, 2000);
    runs = reduceWorkerMessage(runs, { type: 'state', runId: 'a', state: 'running' }, 3000);
    expect(runs.byId.a.startedAt).toBe(1000);
    expect(runs.byId.a.state).toBe('running');
  });

  test('NaN loss fails the live run and keeps its points', () => {
    let runs = runsOf(run('a', { state: 'running', points: [point(1), point(2)] }));
    runs = reduceWorkerMessage(
      runs,
      { type: 'error', runId: 'a', code: 'NAN_LOSS', message: 'loss is NaN at step 3' },
      0,
    );
    expect(runs.byId.a.state).toBe('failed');
    expect(runs.byId.a.error).toEqual({
      code: 'NAN_LOSS',
      message: 'loss is NaN at step 3',
      step: 2,
    });
    expect(runs.byId.a.points).toHaveLength(2);
  });

  test('an error about a finished run (a failed export) does not fail it', () => {
    const runs = runsOf(run('a', { state: 'done' }));
    expect(
      reduceWorkerMessage(runs, { type: 'error', runId: 'a', code: 'UNKNOWN', message: 'gone' }, 0),
    ).toBe(runs);
  });

  test('device loss interrupts the active run, with or without a run id', () => {
    const runs = runsOf(
      run('a', { state: 'done' }),
      run('b', { state: 'running', points: [point(5)] }),
    );
    for (const runId of [undefined, 'b']) {
      const next = reduceWorkerMessage(runs, { type: 'device-lost', runId, message: 'reset' }, 0);
      expect(next.byId.b.state).toBe('interrupted');
      expect(next.byId.b.error?.code).toBe('GPU_DEVICE_LOST');
      expect(next.byId.b.points).toHaveLength(1);
      expect(next.byId.a).toBe(runs.byId.a);
    }
  });

  test('checkpoints record their step; truncating drops later points', () => {
    let runs = runsOf(run('a', { state: 'running', points: [point(1), point(2), point(3)] }));
    runs = reduceWorkerMessage(
      runs,
      { type: 'checkpoint', runId: 'a', step: 2, safetensors: new ArrayBuffer(8) },
      0,
    );
    expect(runs.byId.a.checkpointStep).toBe(2);
    expect(truncatePoints(runs.byId.a, 2).points.map((p) => p.step)).toEqual([1, 2]);
  });

  test('after a reload, runs that were live are interrupted and keep their metrics', () => {
    const revived = reviveRuns(
      runsOf(
        run('a', { state: 'running', points: [point(1)] }),
        run('b', { state: 'done' }),
        run('c', { state: 'paused' }),
      ),
    );
    expect(revived.byId.a.state).toBe('interrupted');
    expect(revived.byId.a.points).toHaveLength(1);
    expect(revived.byId.b.state).toBe('done');
    expect(revived.byId.c.state).toBe('interrupted');
  });
});

test('a run in progress summarises its latest measured values', () => {
  const r = run('a', {
    points: [point(1, { evalAccuracy: 0.2, trainLoss: 2 }), point(2, { trainLoss: 1.5 })],
  });
  expect(finalOrLatest(r)).toMatchObject({
    trainLoss: 1.5,
    evalAccuracy: 0.2,
    trainingFlops: 200,
    executedFlops: 800,
    wallSeconds: 0.02,
  });
  expect(finalOrLatest(run('b'))).toEqual({});
});

test('default names say what the run is and stay unique', () => {
  const wide = {
    ...defaultRunConfig,
    transform: 'sparse-wide' as const,
    sparsity: 0.9,
    method: 'rigl' as const,
  };
  expect(defaultRunName(wide, [])).toBe('Sparse Wide · s 0.9 · RigL');
  expect(defaultRunName(wide, ['Sparse Wide · s 0.9 · RigL'])).toBe(
    'Sparse Wide · s 0.9 · RigL (2)',
  );
  expect(defaultRunName({ ...defaultRunConfig, transform: 'dense', sparsity: 0 }, [])).toBe(
    'Dense · resnet-mini',
  );
});

function finalMetrics() {
  return {
    trainLoss: 1,
    evalLoss: 1.2,
    evalAccuracy: 0.5,
    trainingFlops: 10,
    executedFlops: 40,
    wallSeconds: 3,
    paramsTotal: 100,
    paramsActive: 25,
  };
}

test("a stopped run keeps 'stopped' when its final metrics arrive", () => {
  let runs = runsOf(run('a', { state: 'running' }));
  runs = reduceWorkerMessage(runs, { type: 'state', runId: 'a', state: 'stopped' }, 0);
  runs = reduceWorkerMessage(
    runs,
    {
      type: 'done',
      runId: 'a',
      final: {
        trainLoss: 1,
        evalLoss: 1,
        trainingFlops: 1,
        executedFlops: 1,
        wallSeconds: 1,
        paramsTotal: 1,
        paramsActive: 1,
      },
    },
    0,
  );
  expect(runs.byId.a.state).toBe('stopped');
  expect(runs.byId.a.final?.evalLoss).toBe(1);
});
