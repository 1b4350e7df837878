// Built-in data, or a file the person drops: CIFAR-10/100 binaries or any text. A file that is
// not what it claims is named right here, under the picker.
import { useId, useState } from 'react';
import { clearDatasetFile, dropDatasetFiles } from '../../store/actions';
import { presetFamily } from '../../store/planner';
import { useApp } from '../../store/store';
import { formatBytes } from '../format';
import { FieldError } from './Field';

const builtinLabel = {
  image: 'Built-in: handwritten digits (MNIST, 28×28)',
  text: 'Built-in: State of the Union speeches (characters)',
};

export function DatasetPicker() {
  const inputId = useId();
  const dataset = useApp((s) => s.setup.config.dataset);
  const family = useApp((s) => presetFamily(s.setup.config.model));
  const file = useApp((s) => s.ui.datasetFile);
  const error = useApp((s) => s.ui.datasetError);
  const [over, setOver] = useState(false);
  const usesFile = dataset === 'cifar10' || dataset === 'cifar100' || dataset === 'text-file';
  const fileMissing = usesFile && file?.dataset !== dataset;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <span className="label">Dataset</span>
      <div className="dataset-current" data-testid="dataset-current">
        {usesFile ? (
          file && !fileMissing ? (
            <>
              <span className="file-name">{file.label}</span>
              <span className="muted">
                {' '}
                · {dataset === 'text-file' ? 'text' : dataset.toUpperCase()} ·{' '}
                {formatBytes(file.bytes)}
              </span>
              <button type="button" className="link" onClick={clearDatasetFile}>
                use built-in
              </button>
            </>
          ) : (
            <span className="warn">
              The link asks for {dataset}: drop the file below.{' '}
              <button type="button" className="link" onClick={clearDatasetFile}>
                use built-in
              </button>
            </span>
          )
        ) : (
          <span>{builtinLabel[family]}</span>
        )}
      </div>
      <label
        htmlFor={inputId}
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dataset-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void dropDatasetFiles([...e.dataTransfer.files]);
        }}
      >
        Drop CIFAR-10/100 <code>.bin</code> / <code>.tar.gz</code> or a <code>.txt</code> file, or{' '}
        <u>choose</u>
        <input
          id={inputId}
          type="file"
          multiple
          accept=".bin,.gz,.tgz,.txt,.text,.md"
          data-testid="dataset-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void dropDatasetFiles(files);
          }}
        />
      </label>
      <FieldError message={error} testId="dataset-error" />
    </div>
  );
}
