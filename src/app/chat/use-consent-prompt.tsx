/** The router's consent hook as a dialog: `ask` resolves when the user answers `dialog`. */

import { type ReactNode, useCallback, useState } from "react";
import type { ConsentRequest } from "../../core/router";
import { ConsentDialog } from "../components/ConsentDialog";

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
  const dialog = pending ? (
    <ConsentDialog
      request={pending.request}
      onAnswer={(ok) => {
        pending.resolve(ok);
        setPending(undefined);
      }}
    />
  ) : null;
  return { ask, dialog };
}
