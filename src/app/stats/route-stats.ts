/** Aggregates stored routing decisions into what the statistics panel shows. */

import type { RouteStat } from "../../core/store";

export interface DayRow {
  day: string;
  local: number;
  cloud: number;
  /** The model asked for the cloud but the turn stayed local (budget, consent, offline, privacy). */
  declined: number;
  failed: number;
  cloudTokens: number;
  costUsd: number;
  alwaysCloudCostUsd: number;
}

export interface RouteSummary {
  turns: number;
  localShare: number;
  cloudTokens: number;
  costUsd: number;
  /** Estimated cost had every turn gone to the cloud, minus what was spent. */
  savedUsd: number;
  days: DayRow[];
}

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export function summarize(stats: readonly RouteStat[]): RouteSummary {
  const byDay = new Map<string, DayRow>();
  for (const s of stats) {
    const day = dayOf(s.at);
    let row = byDay.get(day);
    if (!row) {
      row = {
        day,
        local: 0,
        cloud: 0,
        declined: 0,
        failed: 0,
        cloudTokens: 0,
        costUsd: 0,
        alwaysCloudCostUsd: 0,
      };
      byDay.set(day, row);
    }
    if (s.route === "local") row.local++;
    else if (s.route === "cloud") row.cloud++;
    else if (s.route === "local-declined") row.declined++;
    else row.failed++;
    row.cloudTokens += s.cloudInputTokens + s.cloudOutputTokens;
    row.costUsd += s.costUsd;
    row.alwaysCloudCostUsd += s.alwaysCloudCostUsd ?? s.costUsd;
  }
  const days = [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  const sum = (f: (d: DayRow) => number) => days.reduce((n, d) => n + f(d), 0);
  const turns = stats.length;
  const costUsd = sum((d) => d.costUsd);
  return {
    turns,
    localShare: turns ? sum((d) => d.local + d.declined) / turns : 0,
    cloudTokens: sum((d) => d.cloudTokens),
    costUsd,
    savedUsd: Math.max(0, sum((d) => d.alwaysCloudCostUsd) - costUsd),
    days,
  };
}
