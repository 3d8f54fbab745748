import { type ReactNode, useEffect, useId, useRef } from "react";
import { ErrorBoundary } from "./ErrorBoundary";

/**
 * A modal side panel (native dialog: focus is kept inside, Escape closes it). Contents that
 * cannot render say why, and the panel can still be closed.
 */
export function Panel({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} className="panel" aria-labelledby={id} onClose={onClose}>
      <header>
        <h2 id={id}>{title}</h2>
        <button type="button" className="icon" aria-label="Close" onClick={() => ref.current?.close()}>
          ✕
        </button>
      </header>
      <ErrorBoundary
        resetKey={title}
        fallback={(reason) => (
          <p className="error" role="alert" data-testid="panel-error">
            This panel could not be shown: {reason}
          </p>
        )}
      >
        {children}
      </ErrorBoundary>
    </dialog>
  );
}
