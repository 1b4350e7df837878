import { useId } from 'react';
import { setSetup } from '../../store/actions';
import { modelPresets, presetInfo } from '../../store/planner';
import { useApp } from '../../store/store';
import { FieldError } from './Field';

export function ModelPicker() {
  const id = useId();
  const model = useApp((s) => s.setup.config.model);
  const modelError = useApp((s) => s.ui.modelError);
  const info = presetInfo(model);
  const presets = modelPresets();
  return (
    <div className="field">
      <label htmlFor={id}>Model</label>
      <select
        id={id}
        value={model}
        data-testid="field-model"
        onChange={(e) => setSetup({ model: e.target.value })}
      >
        <optgroup label="Images">
          {presets
            .filter((p) => p.family === 'image')
            .map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
        </optgroup>
        <optgroup label="Text">
          {presets
            .filter((p) => p.family === 'text')
            .map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
                {p.shapeOnly ? ' (FLOPs only)' : ''}
              </option>
            ))}
        </optgroup>
      </select>
      {info && <p className="hint">{info.description}</p>}
      <FieldError message={modelError} testId="model-error" />
    </div>
  );
}
