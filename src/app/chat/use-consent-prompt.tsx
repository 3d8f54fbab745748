/** The router's consent hook as a dialog: `ask` resolves when the user answers `dialog`. */

import { type ReactNode, useCallback, useState } from "react";
import type { ConsentRequest } from "../../core/router";
import { ConsentDialog } from "../components/ConsentDialog";
import { ErrorBoundary } from "../components/ErrorBoundary";

interface PendingConsent {
  request: ConsentRequest;
  resolve: (ok: boolean) => void;
}

export function useConsentPrompt(): {
  ask: (request: ConsentRequest) => Promise<boolean>;
  dialog: ReactNode;
} {
  const [pending, setPending] = useState<PendingConsent>();
  const ask = useCallback(
    (request: ConsentRequest) => new Promise<boolean>((resolve) => setPending({ request, resolve })),
    [],
  );
  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(undefined);
  };
  // A stored turn of the wrong shape can make the request unshowable: then nothing is sent.
  const dialog = pending ? (
    <ErrorBoundary
      fallback={(reason) => (
        <p className="error" role="alert" data-testid="consent-error">
          The request to the cloud could not be shown ({reason}), so it will not be sent.{" "}
          <button type="button" onClick={() => answer(false)}>
            Answer on this device
          </button>
        </p>
      )}
    >
      <ConsentDialog request={pending.request} onAnswer={answer} />
    </ErrorBoundary>
  ) : null;
  return { ask, dialog };
}
