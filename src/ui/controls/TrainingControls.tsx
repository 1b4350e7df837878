// Dynamic sparse training (method, dT, a0, end) and the optimiser settings.
import { setSetup } from '../../store/actions';
import { useApp } from '../../store/store';
import type { DstMethod } from '../../spec/run-config';
import { NumberField, Segmented, SelectField } from './Field';

const methods: { value: DstMethod; label: string; title: string }[] = [
  { value: 'static', label: 'Static', title: 'The random mask never changes' },
  { value: 'set', label: 'SET', title: 'Drop the smallest |w|, regrow at random' },
  {
    value: 'rigl',
    label: 'RigL',
    title: 'Drop the smallest |w|, regrow where |dense gradient| is largest',
  },
];

export function MethodControls() {
  const method = useApp((s) => s.setup.config.method);
  const dense = useApp((s) => s.setup.config.sparsity === 0);
  const fixedMask = dense || method === 'static';
  return (
    <>
      <Segmented
        label="Sparse training method"
        value={method}
        options={methods}
        testId="method"
        onChange={(m) => setSetup({ method: m })}
      />
      <div className="field-row three">
        <NumberField
          setupKey="updateInterval"
          label="dT"
          hint="Steps between mask updates"
          disabled={fixedMask}
        />
        <NumberField
          setupKey="dropFraction"
          label="a0"
          hint="Initial drop fraction (cosine decay)"
          disabled={fixedMask}
        />
        <NumberField
          setupKey="endFraction"
          label="End"
          hint="Stop updating masks after this fraction of the steps"
          disabled={fixedMask}
        />
      </div>
      <SelectField
        setupKey="maskInit"
        label="Mask init"
        disabled={dense}
        options={[
          { value: 'uniform', label: 'Uniform (same s per layer)' },
          { value: 'erk', label: 'ERK (by layer shape)' },
        ]}
      />
    </>
  );
}

export function OptimizerControls() {
  return (
    <>
      <div className="field-row">
        <SelectField
          setupKey="optimizer"
          label="Optimiser"
          options={[
            { value: 'sgd', label: 'SGD (momentum)' },
            { value: 'adamw', label: 'AdamW' },
          ]}
        />
        <NumberField setupKey="lr" label="Learning rate" />
      </div>
      <div className="field-row three">
        <NumberField setupKey="batchSize" label="Batch" />
        <NumberField setupKey="steps" label="Steps" />
        <NumberField setupKey="seed" label="Seed" />
      </div>
      <details className="advanced">
        <summary>More: schedule, momentum, decay, eval</summary>
        <div className="field-row">
          <SelectField
            setupKey="schedule"
            label="LR schedule"
            options={[
              { value: 'cosine', label: 'Cosine' },
              { value: 'multistep', label: 'Step ×0.2' },
              { value: 'constant', label: 'Constant' },
            ]}
          />
          <NumberField setupKey="warmupSteps" label="Warm-up steps" />
        </div>
        <div className="field-row">
          <NumberField setupKey="momentum" label="Momentum" />
          <SelectField
            setupKey="nesterov"
            label="Nesterov"
            options={[
              { value: 'true', label: 'yes' },
              { value: 'false', label: 'no' },
            ]}
          />
        </div>
        <div className="field-row">
          <NumberField setupKey="weightDecay" label="Weight decay" />
          <NumberField setupKey="gradClip" label="Grad clip (0 = off)" />
        </div>
        <div className="field-row">
          <NumberField setupKey="evalEvery" label="Eval every" />
          <NumberField setupKey="metricsEvery" label="Metrics every" />
        </div>
      </details>
    </>
  );
}
