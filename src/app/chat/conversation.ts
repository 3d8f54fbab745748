/** Pure helpers between stored turns, the router's messages and the statistics. */

import type { ChatMessage } from "../../core/engines/types";
import { estimateCostUsd } from "../../core/pricing";
import type { RouteRecord } from "../../core/router";
import type { RouteStat, Turn } from "../../core/store";

/** The messages the router sees: system prompt, the finished turns before this one, the new text. */
export function conversationFor(system: string, before: readonly Turn[], next: string): ChatMessage[] {
  const messages: ChatMessage[] = system.trim() ? [{ role: "system", content: system }] : [];
  for (const t of before) {
    if (t.status === "streaming") continue;
    messages.push({ role: "user", content: t.user });
    if (t.answer) messages.push({ role: "assistant", content: t.answer });
  }
  messages.push({ role: "user", content: next });
  return messages;
}

export function titleFor(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || "New conversation";
}

/** Rough token count for text never sent anywhere (about four characters per token). */
export function approxTokens(messages: readonly ChatMessage[]): number {
  return Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
}

export function routeStatFor(
  turn: Turn,
  record: RouteRecord,
  messages: readonly ChatMessage[],
  cloudModel: string,
): RouteStat {
  const input = record.cloudUsage?.inputTokens ?? 0;
  const output = record.cloudUsage?.outputTokens ?? 0;
  const costUsd = record.estimatedCostUsd ?? 0;
  const alwaysCloud =
    record.route === "cloud"
      ? costUsd
      : estimateCostUsd(cloudModel, approxTokens(messages), Math.max(record.localTokens, 1));
  return {
    at: record.startedAt,
    conversationId: turn.conversationId,
    turnId: turn.id,
    route: record.route,
    localTokens: record.localTokens,
    ...(record.cloudModel ? { cloudModel: record.cloudModel } : {}),
    cloudInputTokens: input,
    cloudOutputTokens: output,
    costUsd,
    ...(alwaysCloud !== undefined ? { alwaysCloudCostUsd: alwaysCloud } : {}),
  };
}
