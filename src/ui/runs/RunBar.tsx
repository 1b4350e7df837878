// Start / pause / resume / stop, the queue, and the live run's progress.
import {
  pauseRun,
  queueAllTransforms,
  resumeRun,
  startProblem,
  startRun,
  stopRun,
} from '../../store/actions';
import { selectHasActiveRun, selectProgressOf, selectQueueLength } from '../../store/selectors';
import { useApp } from '../../store/store';
import { formatDuration, formatNumber, formatPercent } from '../format';

export function RunBar() {
  const problem = useApp((s) => startProblem(s));
  const busy = useApp(selectHasActiveRun);
  const queued = useApp(selectQueueLength);
  const sparsity = useApp((s) => s.setup.config.sparsity);
  const progress = useApp(selectProgressOf);
  const live =
    progress &&
    (progress.state === 'running' || progress.state === 'paused' || progress.state === 'starting');
  return (
    <div className="run-bar card" data-testid="run-bar">
      <div className="run-buttons">
        <button
          type="button"
          className="button primary"
          data-testid="start"
          disabled={!!problem}
          title={problem}
          onClick={startRun}
        >
          {busy ? 'Queue run' : 'Start'}
        </button>
        {live && progress.state === 'paused' ? (
          <button
            type="button"
            className="button"
            data-testid="resume"
            onClick={() => resumeRun(progress.runId)}
          >
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="pause"
            disabled={!live || progress.state !== 'running'}
            onClick={() => progress && pauseRun(progress.runId)}
          >
            Pause
          </button>
        )}
        <button
          type="button"
          className="button"
          data-testid="stop"
          disabled={!live}
          onClick={() => progress && stopRun(progress.runId)}
        >
          Stop
        </button>
        <span className="divider" />
        <button
          type="button"
          className="button secondary"
          data-testid="queue-all"
          disabled={!!problem}
          title="Dense and the four transforms at this sparsity, one after another"
          onClick={queueAllTransforms}
        >
          Queue all transforms at s = {sparsity}
        </button>
      </div>
      <div className="progress-block" data-testid="progress">
        <div className="progress-text">
          {progress ? (
            <>
              <span className={`state-dot ${progress.state}`} aria-hidden />
              <strong>{progress.name}</strong>
              <span className="muted">
                {' '}
                · {progress.state} · step <span data-testid="progress-step">{progress.step}</span> /{' '}
                {progress.steps}
                {progress.etaSeconds !== undefined &&
                  ` · ETA ${formatDuration(progress.etaSeconds)}`}
                {progress.samplesPerSecond !== undefined &&
                  ` · ${formatNumber(progress.samplesPerSecond)} samples/s`}
                {queued > 0 && ` · ${queued} queued`}
              </span>
            </>
          ) : (
            <span className="muted">
              {problem ?? 'Ready. Start trains the setup on the left; results appear below.'}
            </span>
          )}
        </div>
        <div
          className="progress-bar"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={progress?.steps ?? 1}
          aria-valuenow={progress?.step ?? 0}
          aria-label="Training progress"
        >
          <div
            className={`progress-fill ${progress?.state ?? ''}`}
            style={{ width: formatPercent(progress?.fraction ?? 0) }}
          />
        </div>
      </div>
    </div>
  );
}
