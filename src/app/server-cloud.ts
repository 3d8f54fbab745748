/** Whether the server this page came from offers a cloud proxy (GET /api/cloud/status). */

import { useEffect, useState } from "react";

export type ServerCloud =
  | { state: "checking" }
  | { state: "available"; baseURL: string; models: string[] }
  | { state: "unavailable"; why: string };

export function useServerCloud(): ServerCloud {
  const [status, setStatus] = useState<ServerCloud>({ state: "checking" });
  useEffect(() => {
    const base = new URL("api/cloud", document.baseURI).href;
    fetch(`${base}/status`)
      .then(async (r) => {
        if (!r.ok) throw new Error(String(r.status));
        const s = (await r.json()) as { configured: boolean; models: string[] };
        setStatus(
          s.configured
            ? { state: "available", baseURL: base, models: s.models }
            : {
                state: "unavailable",
                why: "this server has no cloud key (its operator can set ANTHROPIC_API_KEY)",
              },
        );
      })
      .catch(() =>
        setStatus({
          state: "unavailable",
          why: "this page is not served by a Tandem server with a cloud proxy",
        }),
      );
  }, []);
  return status;
}
