/**
 * The iframe's side of the protocol: messages are taken only from the parent window at the host
 * origin given at mount, and only when the browser confirms that origin really embeds us
 * (location.ancestorOrigins). Everything else is ignored and counted.
 */

import { useCallback, useEffect, useRef, useState } from "react";
import { envelope, type HostMessage, parseHostMessage, type WidgetEvent } from "./protocol";

function embeddedBy(host: string): boolean {
  if (window.parent === window) return false;
  const ancestors = location.ancestorOrigins;
  return ancestors ? ancestors[0] === host : true;
}

export function useHost(host: string, onMessage: (m: HostMessage) => void) {
  const trusted = useRef(embeddedBy(host));
  const [ignored, setIgnored] = useState(0);
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    const receive = (e: MessageEvent) => {
      const message =
        trusted.current && e.source === window.parent && e.origin === host
          ? parseHostMessage(e.data)
          : undefined;
      if (message) handler.current(message);
      else setIgnored((n) => n + 1);
    };
    addEventListener("message", receive);
    return () => removeEventListener("message", receive);
  }, [host]);

  const emit = useCallback(
    (event: WidgetEvent) => {
      if (trusted.current) window.parent.postMessage(envelope(event), host);
    },
    [host],
  );

  return { emit, ignored, trusted: trusted.current };
}
