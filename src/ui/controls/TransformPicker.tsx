import { setSetup } from '../../store/actions';
import { useApp } from '../../store/store';
import type { TransformName } from '../../spec/run-config';

// What each transform puts in place of y = W x (docs/sift-method.md, "The four transforms").
const transforms: { value: TransformName; label: string; formula: string; what: string }[] = [
  { value: 'dense', label: 'Dense', formula: 'y = W x', what: 'original sizes (sparse at s > 0)' },
  {
    value: 'sparse-wide',
    label: 'Sparse Wide',
    formula: 'k·width, sparse',
    what: 'every layer wider by k = √(1/(1−s))',
  },
  {
    value: 'sparse-parallel',
    label: 'Sparse Parallel',
    formula: 'Σ norm(Wⱼ x)',
    what: 'n = 1/(1−s) sparse branches',
  },
  {
    value: 'sparse-factorized',
    label: 'Sparse Factorized',
    formula: 'V act(U x)',
    what: 'sparse U, V through rank d',
  },
  {
    value: 'sparse-doped',
    label: 'Sparse Doped',
    formula: 'V U x + Wₛ x',
    what: 'dense low rank + sparse full',
  },
];

export function TransformPicker() {
  const transform = useApp((s) => s.setup.config.transform);
  return (
    <div
      className="transform-list"
      role="radiogroup"
      aria-label="Transform"
      data-testid="transform-picker"
    >
      {transforms.map((t) => (
        <button
          key={t.value}
          type="button"
          role="radio"
          aria-checked={t.value === transform}
          className={`transform${t.value === transform ? ' on' : ''}`}
          data-testid={`transform-${t.value}`}
          onClick={() => setSetup({ transform: t.value })}
        >
          <span className="transform-name">{t.label}</span>
          <span className="transform-formula">{t.formula}</span>
          <span className="transform-what">{t.what}</span>
        </button>
      ))}
    </div>
  );
}
