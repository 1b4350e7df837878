// Never a blank page: a render error shows what broke and offers a way back.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error?: Error;
}

export class ErrorBoundary extends Component<{ children: ReactNode; label?: string }, State> {
  override state: State = {};

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('render error', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert" data-testid="crash">
        <h2>
          {this.props.label
            ? `The ${this.props.label} hit a problem`
            : 'Something broke while drawing the page'}
        </h2>
        <pre>{error.message}</pre>
        <p>Your runs are saved in this browser. Try again, or reload the page.</p>
        <div className="button-row">
          <button
            type="button"
            className="button"
            onClick={() => this.setState({ error: undefined })}
          >
            Try again
          </button>
          <button type="button" className="button secondary" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      </div>
    );
  }
}
