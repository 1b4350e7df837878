// Says plainly that the adapter is a CPU emulation, and which settings were made smaller for it.
import type { RunConfig } from '../../spec/run-config';
import { dismissSoftwareNotice, restoreGpuSizedSetup } from '../../store/actions';
import { useApp } from '../../store/store';

const labels: Partial<Record<keyof RunConfig, string>> = {
  batchSize: 'batch',
  steps: 'steps',
  metricsEvery: 'loss read every',
  evalEvery: 'evaluate every',
  evalSamples: 'held-out samples',
  updateInterval: 'mask update every',
};

export function SoftwareAdapterNotice() {
  const notice = useApp((s) => s.ui.softwareNotice);
  const adapter = useApp((s) => (s.ui.gpu.kind === 'ready' ? s.ui.gpu.adapter : undefined));
  if (!notice || notice.dismissed) return null;
  const applied = Object.entries(notice.applied) as [keyof RunConfig, unknown][];
  return (
    <div className="banner warn" role="status" data-testid="software-notice">
      <div>
        <p>
          <strong>No GPU here: WebGPU runs on a CPU emulation</strong>
          {adapter ? ` (${adapter})` : ''}. Training works, 10–100× slower than on a graphics card.
        </p>
        {applied.length > 0 ? (
          <p>
            The setup starts smaller so the first loss point shows within seconds:{' '}
            {applied.map(([k, v]) => `${labels[k] ?? k} ${String(v)}`).join(', ')}.
          </p>
        ) : null}
      </div>
      {applied.length > 0 && (
        <button type="button" className="button small secondary" onClick={restoreGpuSizedSetup}>
          Use GPU-sized settings
        </button>
      )}
      <button type="button" className="link" onClick={dismissSoftwareNotice}>
        dismiss
      </button>
    </div>
  );
}
