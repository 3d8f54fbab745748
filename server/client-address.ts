/**
 * The client address that limits are keyed on. Behind N trusted proxies, each appends the address
 * it got the request from to X-Forwarded-For, so the client is the Nth entry from the right (the
 * socket address counting as the last): entries further left are whatever the client chose.
 */
export function clientAddress(
  forwardedFor: string | undefined,
  socketAddress: string | undefined,
  trustedProxies: number,
): string {
  const remote = socketAddress ?? "unknown";
  if (trustedProxies === 0 || !forwardedFor) return remote;
  const hops = [
    ...forwardedFor
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean),
    remote,
  ];
  // Fewer hops than proxies: the request skipped some of them; the leftmost is the best guess.
  return hops[Math.max(0, hops.length - 1 - trustedProxies)]!;
}
