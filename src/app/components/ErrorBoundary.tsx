import { Component, type ReactNode } from "react";

/** Words for whatever was thrown (anything can be, even an object whose toString throws). */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return String(error);
  } catch {
    return "an unknown error";
  }
}

interface Props {
  /** Shown in place of the children once they have thrown while rendering. */
  fallback: (reason: string) => ReactNode;
  /** A new value tries the children again (the data they failed on may have changed). */
  resetKey?: unknown;
  children: ReactNode;
}

interface State {
  reason?: string;
}

/**
 * Keeps a part of the page that cannot render (a stored record of the wrong shape, say) from
 * blanking the rest: React unmounts the whole tree on an error no boundary catches. A class,
 * because React offers no hook for this.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { reason: reasonOf(error) };
  }

  override componentDidUpdate(previous: Props): void {
    if (this.state.reason !== undefined && previous.resetKey !== this.props.resetKey)
      this.setState({ reason: undefined });
  }

  override render(): ReactNode {
    return this.state.reason === undefined ? this.props.children : this.props.fallback(this.state.reason);
  }
}
