import { lazy, Suspense, useEffect, useState } from "react";
import type { ChatStore } from "../../core/store";
import { formatUsd } from "../format";
import { type RouteSummary, summarize } from "./route-stats";

const StatsCharts = lazy(() => import("./StatsCharts"));

export function StatsPanel({ store }: { store: ChatStore }) {
  const [summary, setSummary] = useState<RouteSummary>();
  useEffect(() => {
    const load = () => void store.routes().then((r) => setSummary(summarize(r)));
    load();
    return store.subscribe((c) => c.kind === "routes" && load());
  }, [store]);
  if (!summary) return <p>Loading…</p>;
  if (summary.turns === 0)
    return <p className="muted">No answers yet: statistics appear after your first message.</p>;
  return (
    <div className="stats">
      <dl className="stat-grid" data-testid="stats-summary">
        <dt>Answers</dt>
        <dd data-testid="stat-turns">{summary.turns}</dd>
        <dt>On device</dt>
        <dd data-testid="stat-local-share">{Math.round(summary.localShare * 100)}%</dd>
        <dt>Cloud tokens</dt>
        <dd>{summary.cloudTokens}</dd>
        <dt>Cloud cost (est.)</dt>
        <dd>{formatUsd(summary.costUsd)}</dd>
        <dt>Saved vs always cloud (est.)</dt>
        <dd>{formatUsd(summary.savedUsd)}</dd>
      </dl>
      <Suspense fallback={<p>Drawing charts…</p>}>
        <StatsCharts days={summary.days} />
      </Suspense>
    </div>
  );
}
