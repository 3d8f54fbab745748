/** Opens the conversation store once per tab and recovers answers a closed tab left streaming. */

import { useEffect, useState } from "react";
import { ChatStore } from "../../core/store";
import { isTurnOrphaned } from "./turn-lock";

export type StoreState =
  | { state: "opening" }
  | { state: "ready"; store: ChatStore }
  | { state: "error"; message: string };

export function useStore(): StoreState {
  const [state, setState] = useState<StoreState>({ state: "opening" });
  useEffect(() => {
    let store: ChatStore | undefined;
    let live = true;
    ChatStore.open({
      onVersionChange: () =>
        setState({
          state: "error",
          message: "Tandem was updated in another tab. Reload this page to continue.",
        }),
    })
      .then(async (s) => {
        store = s;
        await s.recoverInterrupted(isTurnOrphaned);
        if (live) setState({ state: "ready", store: s });
        else s.close();
      })
      .catch(
        (e: unknown) =>
          live && setState({ state: "error", message: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      live = false;
      store?.close();
    };
  }, []);
  return state;
}
