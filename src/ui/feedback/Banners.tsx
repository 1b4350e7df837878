// Page-wide messages: a lost GPU (with resume), worker errors not tied to a control, and notes
// about link settings that were ignored.
import {
  dismissBanner,
  dismissUrlNotes,
  hasCheckpoint,
  resumeFromCheckpoint,
} from '../../store/actions';
import { useApp } from '../../store/store';
import { SoftwareAdapterNotice } from './SoftwareAdapterNotice';

export function Banners() {
  const banner = useApp((s) => s.ui.banner);
  const urlNotes = useApp((s) => s.setup.urlNotes);
  const gpuReady = useApp((s) => s.ui.gpu.kind === 'ready');
  return (
    <>
      <SoftwareAdapterNotice />
      {banner?.kind === 'device-lost' && (
        <div className="banner bad" role="alert" data-testid="device-lost">
          <strong>The GPU was lost</strong> ({banner.message}).{' '}
          {gpuReady ? 'A new device is ready. ' : 'Asking for a new device… '}
          Nothing recorded so far is lost.
          {banner.runId && (
            <button
              type="button"
              className="button small"
              disabled={!gpuReady}
              onClick={() => resumeFromCheckpoint(banner.runId!)}
            >
              {hasCheckpoint(banner.runId) ? 'Resume from last checkpoint' : 'Restart the run'}
            </button>
          )}
          <button type="button" className="link" onClick={dismissBanner}>
            dismiss
          </button>
        </div>
      )}
      {banner?.kind === 'error' && (
        <div className="banner bad" role="alert" data-testid="error-banner">
          {banner.message}
          <button type="button" className="link" onClick={dismissBanner}>
            dismiss
          </button>
        </div>
      )}
      {urlNotes.length > 0 && (
        <div className="banner warn" role="status" data-testid="url-notes">
          <div>
            {urlNotes.map((n) => (
              <p key={n}>{n}</p>
            ))}
          </div>
          <button type="button" className="link" onClick={dismissUrlNotes}>
            dismiss
          </button>
        </div>
      )}
    </>
  );
}
