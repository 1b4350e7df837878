import { useApp, useSaveStatus } from '../../store/store';

/**
 * The header chip in plain words: the adapter, whether it is a CPU emulation, and whether the
 * self-test passed. The figures (the test's shape and its largest GPU-vs-CPU error) are in the
 * tooltip.
 */
export function GpuStatus() {
  const gpu = useApp((s) => s.ui.gpu);
  if (gpu.kind === 'missing') return <span className="chip bad">No WebGPU</span>;
  if (gpu.kind === 'checking') return <span className="chip">Looking for a GPU…</span>;
  if (gpu.kind === 'error')
    return (
      <span className="chip bad" role="alert" data-testid="gpu-error" title={gpu.message}>
        GPU error: {gpu.message}
      </span>
    );
  const state = gpu.selftest === undefined ? 'pending' : gpu.selftest.ok ? 'ok' : 'failed';
  const verdict = {
    pending: 'running a self-test…',
    ok: 'self-test passed',
    failed: 'self-test FAILED: results may be wrong',
  }[state];
  const tooltip = [
    gpu.adapter,
    gpu.software ? 'A CPU emulation of WebGPU: much slower than a GPU.' : undefined,
    gpu.selftest && `Self-test: ${gpu.selftest.detail}`,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span
      className={`chip gpu ${state}`}
      data-testid="gpu-status"
      data-selftest={state}
      data-software={gpu.software}
      title={tooltip}
    >
      <span className="gpu-dot" aria-hidden />
      <span className="gpu-name">{gpu.adapter}</span>
      {gpu.software && <span className="gpu-tag">CPU emulation</span>}
      <span className="gpu-detail">{verdict}</span>
    </span>
  );
}

export function SaveIndicator() {
  const status = useSaveStatus();
  const text = {
    idle: '',
    saving: 'Saving runs…',
    saved: 'Runs saved in this browser',
    failed: 'Could not save runs',
  }[status];
  if (!text) return null;
  return (
    <span className={`save ${status}`} data-testid="save-status" data-status={status}>
      {text}
    </span>
  );
}
