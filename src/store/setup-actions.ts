// The setup form and its mirror in the URL hash.
import type { RunConfig } from '../spec/run-config';
import { b, get, set } from './action-context';
import { presetFamily } from './planner';
import { parseSetupValue, type SetupKey } from './setup-schema';
import { reconcileSetup, setupFromUrl, setupToUrl } from './setup-slice';

/** Apply a form field's text: valid text updates the setup, invalid text is shown beside the field. */
export function setSetupField(key: SetupKey, raw: string): void {
  const parsed = parseSetupValue(key, raw);
  if (!parsed.ok) {
    set((s) => ({
      setup: { ...s.setup, fieldErrors: { ...s.setup.fieldErrors, [key]: parsed.problem } },
    }));
    return;
  }
  setSetup({ [key]: parsed.value });
}

/** Set typed values (selects, slider); clears their field errors. */
export function setSetup(change: Partial<RunConfig>): void {
  set((s) => {
    const fieldErrors = { ...s.setup.fieldErrors };
    for (const key of Object.keys(change) as SetupKey[]) delete fieldErrors[key];
    let config = { ...s.setup.config, ...change };
    // A new model family brings its built-in dataset; a dropped file of the other family stays loaded.
    if (change.model && presetFamily(change.model) !== presetFamily(s.setup.config.model)) {
      const file = s.ui.datasetFile;
      config = {
        ...config,
        dataset:
          file && (file.kind === 'text') === (presetFamily(change.model) === 'text')
            ? file.dataset
            : config.dataset,
      };
    }
    config = reconcileSetup(config).config;
    return {
      setup: { ...s.setup, config, fieldErrors },
      ui: { ...s.ui, modelError: change.model || change.batchSize ? undefined : s.ui.modelError },
    };
  });
}

export function dismissUrlNotes(): void {
  set((s) => ({ setup: { ...s.setup, urlNotes: [] } }));
}

/** Keep the URL hash equal to the setup, and follow a pasted link in the same tab. */
export function syncSetupWithUrl(win: Window): () => void {
  let written = '';
  const write = (config: RunConfig) => {
    const hash = setupToUrl(config);
    if (hash === written) return;
    written = hash;
    win.history.replaceState(null, '', `#${hash}`);
  };
  write(get().setup.config);
  const unsubscribe = b().store.subscribe((s, prev) => {
    if (s.setup.config !== prev.setup.config) write(s.setup.config);
  });
  const onHashChange = () => {
    if (win.location.hash.slice(1) === written) return;
    const fromUrl = setupFromUrl(win.location.hash);
    set((s) => ({
      setup: {
        ...s.setup,
        config: fromUrl.config,
        urlNotes: fromUrl.notes,
        urlKeys: fromUrl.keys,
        fieldErrors: {},
      },
    }));
  };
  win.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    win.removeEventListener('hashchange', onHashChange);
  };
}
