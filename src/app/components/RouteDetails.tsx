import type { RouteRecord } from "../../core/router";
import { formatMs, formatUsd } from "../format";

export function RouteDetails({ record }: { record: RouteRecord }) {
  const t = record.timings;
  return (
    <details className="route-details">
      <summary>Details</summary>
      <dl>
        <dt>Route</dt>
        <dd>
          {record.route} — {record.reason}
        </dd>
        <dt>Local tokens</dt>
        <dd>{record.localTokens}</dd>
        {record.cloudModel && (
          <>
            <dt>Cloud</dt>
            <dd>
              {record.cloudModel}
              {record.cloudUsage &&
                ` · ${record.cloudUsage.inputTokens} in / ${record.cloudUsage.outputTokens} out`}
              {` · est. ${formatUsd(record.estimatedCostUsd)}`}
            </dd>
          </>
        )}
        <dt>Timings</dt>
        <dd>
          first local token {formatMs(t.localFirstTokenMs)} · handoff {formatMs(t.handoffMs)} · cloud first
          token {formatMs(t.cloudFirstTokenMs)} · total {formatMs(t.totalMs)}
        </dd>
      </dl>
    </details>
  );
}
