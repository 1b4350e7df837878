// Bring back an exported run: its .safetensors weights and config.json, to evaluate or to train on.
import { useId } from 'react';
import { clearImport, importCheckpoint, runImported } from '../../store/actions';
import { useApp } from '../../store/store';
import { formatBytes } from '../format';
import { FieldError } from './Field';

export function CheckpointImport() {
  const id = useId();
  const checkpoint = useApp((s) => s.ui.importedCheckpoint);
  const error = useApp((s) => s.ui.importError);
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id} className="button secondary file-button">
        Import .safetensors + config.json…
        <input
          id={id}
          type="file"
          multiple
          accept=".safetensors,.json"
          data-testid="import-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void importCheckpoint(files);
          }}
        />
      </label>
      {checkpoint && (
        <div className="import-card" data-testid="import-card">
          <p>
            <span className="file-name">{checkpoint.name}</span>
            <span className="muted">
              {' '}
              · {checkpoint.tensors} tensors · {formatBytes(checkpoint.bytes)}
              {checkpoint.step !== undefined ? ` · step ${checkpoint.step}` : ''}
            </span>
          </p>
          <p className="hint">
            The settings above now show its config. Raise Steps to continue training.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button secondary"
              onClick={() => runImported('evaluate')}
            >
              Evaluate
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => runImported('continue')}
            >
              Continue training
            </button>
            <button type="button" className="link" onClick={clearImport}>
              clear
            </button>
          </div>
        </div>
      )}
      <FieldError message={error} testId="import-error" />
    </div>
  );
}
