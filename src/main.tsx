// The page's composition root: wire the store to the worker and the URL, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bindActions, connectGpu, loadStoredWeights, syncSetupWithUrl } from './store/actions';
import { appStore } from './store/store';
import { bindSweeps } from './store/sweep-actions';
import { sweepStore } from './store/sweep-store';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { App } from './ui/App';
import { createWorkerClient } from './worker/client';

bindActions({ store: appStore, connect: createWorkerClient });
syncSetupWithUrl(window);
connectGpu();
void loadStoredWeights();
void bindSweeps({ app: appStore, sweeps: sweepStore, url: window.location.hash });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
