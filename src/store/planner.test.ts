// The slider readout reads the effective per-branch sparsity from the planner (issue 11).
import { describe, expect, it } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import { planReadout } from './planner';

const readout = (transform: 'sparse-parallel' | 'sparse-doped', sparsity: number) => {
  const r = planReadout({ ...defaultRunConfig, model: 'resnet-mini', transform, sparsity });
  if (!r.ok) throw new Error(r.problem);
  return r.readout;
};

describe('planReadout', () => {
  it('Sparse Parallel at s = 0.6: 3 branches at sparsity 0.6667, iso-FLOP, with a note', () => {
    const r = readout('sparse-parallel', 0.6);
    expect(r.summary).toBe('3 parallel sparse branches per layer, each at sparsity 0.6667.');
    expect(r.notes.join(' ')).toMatch(/each branch runs at sparsity 0\.6667 instead of 0\.6/);
    expect(Math.abs(r.flopRatio - 1)).toBeLessThan(0.01);
  });

  it('Sparse Parallel at s = 0.75 needs no note: 4 branches at exactly 0.75', () => {
    const r = readout('sparse-parallel', 0.75);
    expect(r.summary).toBe('4 parallel sparse branches per layer, each at sparsity 0.75.');
    expect(r.notes.join(' ')).not.toMatch(/branch/);
  });

  it('Sparse Doped shows the sparsity W runs at after the rank is rounded down', () => {
    expect(readout('sparse-doped', 0.5).summary).toMatch(/full layer at sparsity 0\.4\d+\.$/);
  });
});
