// Form fields bound to one setup key: the text the person types is parsed by the setup table, a
// problem shows right under the field, and the setup keeps its last valid value meanwhile.
import { useId, useState, type ReactNode } from 'react';
import { setSetupField } from '../../store/actions';
import type { SetupKey } from '../../store/setup-schema';
import { useApp } from '../../store/store';
import type { RunConfig } from '../../spec/run-config';

type NumberKey = { [K in SetupKey]: RunConfig[K] extends number ? K : never }[SetupKey];

export function Section({
  title,
  children,
  aside,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
}) {
  return (
    <section className="section">
      <header className="section-head">
        <h2>{title}</h2>
        {aside}
      </header>
      {children}
    </section>
  );
}

export function FieldError({ message, testId }: { message?: string; testId?: string }) {
  if (!message) return null;
  return (
    <p className="field-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}

export function NumberField({
  setupKey,
  label,
  hint,
  step,
  disabled,
}: {
  setupKey: NumberKey;
  label: string;
  hint?: string;
  step?: number | 'any';
  disabled?: boolean;
}) {
  const id = useId();
  const value = useApp((s) => s.setup.config[setupKey]);
  const error = useApp((s) => s.setup.fieldErrors[setupKey]);
  // The text being typed, while it differs from the stored value (e.g. "0." on the way to "0.05").
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id} title={hint}>
        {label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        spellCheck={false}
        value={draft ?? String(value)}
        step={step}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        data-testid={`field-${setupKey}`}
        onChange={(e) => {
          setDraft(e.target.value);
          setSetupField(setupKey, e.target.value);
        }}
        onBlur={() => {
          if (!error) setDraft(null);
        }}
      />
      <FieldError message={error} />
    </div>
  );
}

export function SelectField<K extends SetupKey>({
  setupKey,
  label,
  options,
  disabled,
}: {
  setupKey: K;
  label: string;
  /** Values as the setup table parses them ('true' / 'false' for booleans). */
  options: readonly { value: string; label: string }[];
  disabled?: boolean;
}) {
  const id = useId();
  const value = useApp((s) => s.setup.config[setupKey]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={String(value)}
        disabled={disabled}
        data-testid={`field-${setupKey}`}
        onChange={(e) => setSetupField(setupKey, e.target.value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A row of buttons acting as one radio group (method: static / SET / RigL). */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string; title?: string }[];
  onChange: (value: T) => void;
  testId?: string;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          title={o.title}
          className={o.value === value ? 'on' : ''}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
