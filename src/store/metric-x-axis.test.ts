// The metric chart's x-axis choice: training FLOPs, executed FLOPs or wall seconds per point.
import { expect, test } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import { createAppStore } from './app-store';
import { addRun, type Run } from './runs-slice';
import { selectMetricSeries } from './selectors';

test('each point sits at the chosen measure of cost', () => {
  const store = createAppStore({ gpu: { kind: 'ready', adapter: 'test', software: false } });
  const run: Run = {
    id: 'r',
    name: 'r',
    config: defaultRunConfig,
    datasetLabel: 'built-in images',
    state: 'done',
    createdAt: 0,
    points: [
      {
        step: 10,
        trainingFlops: 1e9,
        executedFlops: 4e9,
        wallMs: 2500,
        lr: 0.1,
        evalAccuracy: 0.5,
      },
      {
        step: 20,
        trainingFlops: 2e9,
        executedFlops: 8e9,
        wallMs: 5000,
        lr: 0.1,
        evalAccuracy: 0.7,
      },
    ],
  };
  store.setState((s) => ({ runs: addRun(s.runs, run) }));
  const xs = () => selectMetricSeries(store.getState())[0].points.map((p) => p.flops);
  expect(xs()).toEqual([1e9, 2e9]);
  store.setState((s) => ({ ui: { ...s.ui, metricXAxis: 'executedFlops' } }));
  expect(xs()).toEqual([4e9, 8e9]);
  store.setState((s) => ({ ui: { ...s.ui, metricXAxis: 'wallSeconds' } }));
  expect(xs()).toEqual([2.5, 5]);
});
