// Sweeps in the page: the lists to sweep over (the recipe is the setup on the left), the two
// Reproduce presets, start/pause/resume/cancel, progress, the chart, the table and the exports.
import { useEffect, useMemo, useRef, useState } from 'react';
import { dstMethods, transformNames } from '../../spec/run-config';
import { RECIPE_NAMES, RECIPES } from '../../spec/recipes';
import {
  applyRecipe,
  cancelSweep,
  exportSweep,
  pauseSweep,
  resumeSweep,
  setSweepForm,
  setSweepListText,
  startSweep,
  sweepLinkHash,
} from '../../store/sweep-actions';
import { selectSweepView, type SweepXAxis } from '../../store/sweep-selectors';
import { useSweep } from '../../store/sweep-store';
import { SweepChart } from './SweepChart';
import { SweepTable } from './SweepTable';

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

export function SweepPanel() {
  const form = useSweep((s) => s.form);
  const slice = useSweep((s) => s);
  const [xAxis, setXAxis] = useState<SweepXAxis>('sparsity');
  const [problem, setProblem] = useState<string | undefined>();
  const [sparsityText, setSparsityText] = useState(form.sparsities.join(', '));
  const [link, setLink] = useState<string | undefined>();
  const editing = useRef(false);
  // The form also changes from IndexedDB, a link or a recipe; follow it unless the user is typing.
  useEffect(() => {
    if (!editing.current) setSparsityText(form.sparsities.join(', '));
  }, [form.sparsities]);
  const view = useMemo(() => selectSweepView(slice, xAxis), [slice, xAxis]);
  const status = view?.status;
  const live = status === 'running' || status === 'paused';
  return (
    <section className="card sweep-panel" data-testid="sweep-panel" aria-label="Sweep">
      <header className="card-head">
        <div>
          <h3>Sweep</h3>
          <p className="card-sub">
            Every transform × sparsity × method × seed at the setup on the left; dense once per
            seed.
          </p>
        </div>
        <div className="sweep-recipes">
          {RECIPE_NAMES.map((name) => (
            <button
              key={name}
              type="button"
              className="button small secondary"
              title={RECIPES[name].description}
              data-testid={`recipe-${name}`}
              onClick={() => {
                applyRecipe(name);
                setSparsityText(RECIPES[name].sparsities.join(', '));
              }}
            >
              {RECIPES[name].label}
            </button>
          ))}
        </div>
      </header>
      <div className="sweep-form">
        <fieldset>
          <legend>Transforms</legend>
          {transformNames.map((t) => (
            <label key={t} className="toggle">
              <input
                type="checkbox"
                checked={form.transforms.includes(t)}
                data-testid={`sweep-transform-${t}`}
                onChange={(e) =>
                  setSweepForm({ transforms: toggle(form.transforms, t, e.target.checked) })
                }
              />
              {t}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Methods</legend>
          {dstMethods.map((m) => (
            <label key={m} className="toggle">
              <input
                type="checkbox"
                checked={form.methods.includes(m)}
                data-testid={`sweep-method-${m}`}
                onChange={(e) =>
                  setSweepForm({ methods: toggle(form.methods, m, e.target.checked) })
                }
              />
              {m}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Sparsities</span>
          <input
            type="text"
            value={sparsityText}
            data-testid="sweep-sparsities"
            onFocus={() => (editing.current = true)}
            onBlur={() => (editing.current = false)}
            onChange={(e) => {
              setSparsityText(e.target.value);
              setProblem(setSweepListText('sparsities', e.target.value));
            }}
          />
        </label>
        <label className="field">
          <span>Seeds</span>
          <input
            type="number"
            min={1}
            max={20}
            value={form.seeds}
            data-testid="sweep-seeds"
            onChange={(e) => setProblem(setSweepListText('seeds', e.target.value))}
          />
        </label>
      </div>
      <div className="sweep-controls">
        <button
          type="button"
          className="button primary"
          data-testid="sweep-start"
          disabled={live}
          onClick={() => setProblem(startSweep())}
        >
          Start sweep
        </button>
        {status === 'running' && (
          <button
            type="button"
            className="button secondary"
            data-testid="sweep-pause"
            onClick={pauseSweep}
          >
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button
            type="button"
            className="button secondary"
            data-testid="sweep-resume"
            onClick={resumeSweep}
          >
            Resume
          </button>
        )}
        {live && (
          <button
            type="button"
            className="button danger"
            data-testid="sweep-cancel"
            onClick={cancelSweep}
          >
            Cancel
          </button>
        )}
        {view && (
          <>
            <span className="sweep-progress" data-testid="sweep-progress">
              {`${status}: ${view.done} of ${view.total} runs`}
              {view.inFlightKey && live ? ` — now ${view.inFlightKey}` : ''}
            </span>
            <button
              type="button"
              className="button small"
              data-testid="sweep-export-csv"
              onClick={() => exportSweep('csv')}
            >
              CSV
            </button>
            <button
              type="button"
              className="button small"
              data-testid="sweep-export-json"
              onClick={() => exportSweep('json')}
            >
              JSON
            </button>
          </>
        )}
      </div>
      <div className="sweep-controls">
        <button
          type="button"
          className="button small"
          data-testid="sweep-link"
          onClick={() => {
            const url = `${location.origin}${location.pathname}#${sweepLinkHash()}`;
            setLink(url);
            void navigator.clipboard?.writeText(url).catch(() => {});
          }}
        >
          Link to this sweep
        </button>
        {link && (
          <input
            className="sweep-link"
            readOnly
            value={link}
            data-testid="sweep-link-url"
            onFocus={(e) => e.target.select()}
          />
        )}
      </div>
      {problem && (
        <p className="field-error" role="alert" data-testid="sweep-problem">
          {problem}
        </p>
      )}
      {view && (
        <>
          <SweepChart view={view} xAxis={xAxis} onXAxis={setXAxis} />
          <SweepTable view={view} />
        </>
      )}
    </section>
  );
}
