// Each recipe is a valid sweep of the paper's settings (SIFT.md), so a click cannot start a sweep
// the validator rejects halfway.
import { describe, expect, it } from 'vitest';
import { getPreset } from '../models/presets';
import { expandSweep } from '../train/sweep-plan';
import { RECIPE_NAMES, RECIPES } from './recipes';
import { defaultRunConfig, parseRunConfig } from './run-config';

describe('sweep recipes', () => {
  it('every recipe expands into valid runs of a trainable preset', () => {
    for (const name of RECIPE_NAMES) {
      const r = RECIPES[name];
      const base = parseRunConfig({ ...defaultRunConfig, ...r.config });
      expect(getPreset(base.model).isShapeOnly).toBe(false);
      const runs = expandSweep({ ...r, base });
      expect(runs.length).toBe(r.seeds * (1 + (r.transforms.length - 1) * r.sparsities.length));
    }
  });

  it('CIFAR: SIFT.md schedule scaled to 10 epochs of 50k images at batch 128; RigL dT 100, end .75', () => {
    const c = RECIPES.cifar.config;
    expect(c).toMatchObject({ optimizer: 'sgd', momentum: 0.9, nesterov: true, lr: 0.1 });
    expect(c.steps).toBe(10 * Math.ceil(50_000 / 128)); // 391 steps an epoch
    expect([c.weightDecay, c.updateInterval, c.endFraction, c.dropFraction]).toEqual([
      5e-4, 100, 0.75, 0.3,
    ]);
  });

  it('text: a GPT on the built-in text, AdamW with clipping, thousands of steps', () => {
    const t = RECIPES.text.config;
    expect(getPreset(t.model!).task).toBe('language');
    expect(t).toMatchObject({ dataset: 'builtin-text', optimizer: 'adamw', gradClip: 1 });
    expect(t.steps).toBeGreaterThanOrEqual(2000);
  });
});
