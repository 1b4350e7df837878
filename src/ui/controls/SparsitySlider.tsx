// The one knob. While it moves, the readout below shows what the transform builds at this s:
// widths / branches / ranks, parameters, forward FLOPs against dense, memory. All numbers come
// from the planner through selectors.
import { useId } from 'react';
import { setSetup } from '../../store/actions';
import { selectReadout } from '../../store/selectors';
import { snapSparsity, sparsitySnaps } from '../../store/setup-slice';
import { useApp } from '../../store/store';
import { formatBytes, formatCount, formatFlops, formatNumber } from '../format';

export function SparsitySlider() {
  const id = useId();
  const listId = useId();
  const sparsity = useApp((s) => s.setup.config.sparsity);
  const dense = useApp((s) => s.setup.config.transform === 'dense');
  return (
    <div className="field sparsity">
      <div className="sparsity-head">
        <label htmlFor={id}>
          Sparsity <span className="muted">s (fraction of zeros)</span>
        </label>
        <output htmlFor={id} className="sparsity-value" data-testid="sparsity-value">
          {sparsity.toFixed(2)}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={0.95}
        step={0.01}
        list={listId}
        value={sparsity}
        data-testid="sparsity-slider"
        onChange={(e) => setSetup({ sparsity: snapSparsity(Number(e.target.value)) })}
      />
      <datalist id={listId}>
        {sparsitySnaps.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <div className="snaps">
        {sparsitySnaps.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip${s === sparsity ? ' on' : ''}`}
            onClick={() => setSetup({ sparsity: s })}
          >
            {s}
          </button>
        ))}
      </div>
      {dense && sparsity > 0 && (
        <p className="hint">
          Dense at s &gt; 0 is the plain sparse model: same sizes, fewer FLOPs.{' '}
          <button type="button" className="link" onClick={() => setSetup({ sparsity: 0 })}>
            Set s = 0
          </button>{' '}
          for the dense baseline.
        </p>
      )}
    </div>
  );
}

export function SparsityReadout() {
  const result = useApp(selectReadout);
  const batchSize = useApp((s) => s.setup.config.batchSize);
  if (!result.ok) {
    return (
      <div className="readout" data-testid="readout">
        <p className="muted">{result.problem}</p>
      </div>
    );
  }
  const r = result.readout;
  return (
    <div className="readout" data-testid="readout">
      <p className="readout-summary" data-testid="readout-summary">
        {r.summary}
      </p>
      <dl className="readout-grid">
        <dt>Forward FLOPs</dt>
        <dd data-testid="readout-flops">
          {formatFlops(r.forwardFlops)}
          <span className="ratio">{formatNumber(r.flopRatio, 3)}× dense</span>
        </dd>
        <dt title="What masked-dense kernels compute, zeros included">Executed</dt>
        <dd data-testid="readout-executed">
          {formatFlops(r.executedForwardFlops)}
          <span className="ratio">{formatNumber(r.executedRatio, 3)}× dense</span>
        </dd>
        <dt>Parameters</dt>
        <dd data-testid="readout-params">
          {formatCount(r.paramsActive)}
          <span className="ratio">active of {formatCount(r.paramsTotal)}</span>
        </dd>
        <dt>GPU memory</dt>
        <dd data-testid="readout-memory">
          {formatBytes(r.memoryBytes)}
          <span className="ratio">at batch {batchSize}</span>
        </dd>
      </dl>
      {r.notes.map((n) => (
        <p key={n} className="hint">
          {n}
        </p>
      ))}
      {r.sizeProblems.map((p) => (
        <p key={p} className="field-error" data-testid="readout-limit" role="alert">
          Too large to start: {p}.
        </p>
      ))}
      {r.layers.length > 0 && (
        <details className="readout-layers">
          <summary>What each of the {r.layers.length} weight layers becomes</summary>
          <table>
            <tbody>
              {r.layers.map((l) => (
                <tr key={l.name}>
                  <td className="mono">{l.name}</td>
                  <td>{l.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
