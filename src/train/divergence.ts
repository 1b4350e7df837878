// Divergence detection on the losses the session already reads back (no extra readbacks): a
// non-finite loss stops the run at once; a loss above `factor` times the first one of its series
// for `checks` consecutive reads stops it too. A large learning rate can leave the train loss at
// 33 and the eval loss at 6e6 without ever producing a NaN; this names that run instead of
// letting it finish as if it had trained.
import { SiftError } from '../common/errors';

export interface DivergenceRule {
  /** Stop when the loss exceeds this multiple of the series' first loss; 0 disables the bound. */
  factor: number;
  /** ... for this many consecutive reads of that series. */
  checks: number;
}

/** 10x the first loss for 3 reads in a row: a run that recovers from a spike is left alone. */
export const defaultDivergenceRule: DivergenceRule = { factor: 10, checks: 3 };

export function divergenceRuleProblems(rule: DivergenceRule): string[] {
  const problems: string[] = [];
  if (!(Number.isFinite(rule.factor) && (rule.factor === 0 || rule.factor > 1)))
    problems.push(`the divergence factor must be 0 (off) or above 1, got ${rule.factor}`);
  if (!(Number.isInteger(rule.checks) && rule.checks >= 1))
    problems.push(`the divergence checks must be a whole number >= 1, got ${rule.checks}`);
  return problems;
}

type Series = 'train' | 'eval';

export class DivergenceMonitor {
  private readonly first: Partial<Record<Series, number>> = {};
  private readonly over: Record<Series, number> = { train: 0, eval: 0 };

  constructor(private readonly rule: DivergenceRule = defaultDivergenceRule) {}

  /** Throws NAN_LOSS or DIVERGED; the caller has recorded the point already. */
  observe(series: Series, loss: number, step: number): void {
    const what = series === 'train' ? 'training loss' : 'evaluation loss';
    if (!Number.isFinite(loss)) {
      throw new SiftError(
        'NAN_LOSS',
        `The ${what} became ${loss} at step ${step}. Lower the learning rate (or enable gradient ` +
          'clipping) and start again; the metrics so far are kept.',
      );
    }
    const first = (this.first[series] ??= loss);
    if (this.rule.factor === 0) return;
    const bound = this.rule.factor * first;
    this.over[series] = loss > bound ? this.over[series] + 1 : 0;
    if (this.over[series] >= this.rule.checks) {
      throw new SiftError(
        'DIVERGED',
        `The run diverged: the ${what} was ${formatLoss(loss)} at step ${step}, above ` +
          `${this.rule.factor}x its first value ${formatLoss(first)} for ${this.rule.checks} ` +
          'consecutive reads. Lower the learning rate (or enable gradient clipping) and start ' +
          'again; the metrics so far are kept.',
      );
    }
  }
}

function formatLoss(x: number): string {
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(4);
}
