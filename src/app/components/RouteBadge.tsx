import type { Turn } from "../../core/store";

export function routeLabel(turn: Turn): {
  text: string;
  kind: "local" | "cloud" | "declined" | "failed" | "running";
} {
  const r = turn.record;
  if (turn.status === "streaming")
    return { text: turn.source === "cloud" ? "cloud…" : "on device…", kind: "running" };
  if (turn.status === "interrupted") return { text: "interrupted", kind: "failed" };
  if (!r || r.stopped) return { text: "stopped", kind: "failed" };
  switch (r.route) {
    case "local":
      return { text: "on device", kind: "local" };
    case "cloud":
      return { text: "cloud", kind: "cloud" };
    case "local-declined":
      return { text: `on device (${r.reason})`, kind: "declined" };
    case "cloud-failed":
      return { text: "cloud failed", kind: "failed" };
  }
}

export function RouteBadge({ turn }: { turn: Turn }) {
  const { text, kind } = routeLabel(turn);
  return (
    <span className={`badge badge-${kind}`} data-testid="route-badge" data-route={turn.record?.route ?? ""}>
      {text}
    </span>
  );
}
