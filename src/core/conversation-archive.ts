/**
 * Export and import of all conversations: a versioned JSON archive (validated on import, so a
 * bad file is rejected with a reason before anything is written) and markdown per conversation.
 */

import type { z } from "zod";
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, archiveSchema, type ConversationArchive } from "./archive-schema";
import type { ChatStore, Conversation, Turn } from "./store";

/** Larger files are refused before parsing. */
export const MAX_ARCHIVE_BYTES = 50 * 1024 * 1024;

export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export async function exportArchive(store: ChatStore, now = new Date()): Promise<ConversationArchive> {
  const all = await store.allConversationsWithTurns();
  return {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    exportedAt: now.toISOString(),
    conversations: all.map((c) => ({ ...c, turns: c.turns.map(({ conversationId: _, ...t }) => t) })),
  };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "it does not match the archive format";
  const where = issue.path.length ? ` at ${issue.path.join(".")}` : "";
  return `${issue.message}${where}`;
}

/** Parses and validates an archive file's text; throws ArchiveError saying what is wrong. */
export function parseArchive(json: string): ConversationArchive {
  if (json.length > MAX_ARCHIVE_BYTES) throw new ArchiveError("The file is larger than 50 MB.");
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ArchiveError("The file is not JSON.");
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== ARCHIVE_FORMAT) throw new ArchiveError("The file is not a Tandem conversations export.");
  const version = (data as { version?: unknown }).version;
  if (typeof version === "number" && version > ARCHIVE_VERSION)
    throw new ArchiveError(`The file was exported by a newer Tandem (format version ${version}).`);
  const parsed = archiveSchema.safeParse(data);
  if (!parsed.success) throw new ArchiveError(`The file is damaged: ${firstIssue(parsed.error)}.`);
  return parsed.data;
}

/** Validates, then adds every conversation in one transaction. Returns how many were added. */
export async function importArchive(
  store: ChatStore,
  json: string,
): Promise<{ conversations: number; turns: number }> {
  const parsed = parseArchive(json);
  const items = parsed.conversations.map((c) => ({
    ...c,
    turns: c.turns.map(
      (t): Turn => ({
        ...t,
        conversationId: c.id,
        // An answer that was streaming when exported will never finish.
        status: t.status === "streaming" ? "interrupted" : t.status,
      }),
    ),
  }));
  await store.addConversations(items);
  return { conversations: items.length, turns: items.reduce((n, c) => n + c.turns.length, 0) };
}

function routeLabel(t: Turn): string {
  if (t.source === "cloud") return `cloud${t.record?.cloudModel ? `, ${t.record.cloudModel}` : ""}`;
  return t.offload?.decision === "declined" ? "on device, cloud declined" : "on device";
}

export function conversationMarkdown(conversation: Conversation, turns: readonly Turn[]): string {
  const parts = [`# ${conversation.title}`, `_${new Date(conversation.createdAt).toISOString()}_`];
  for (const t of turns) {
    parts.push(`## You\n\n${t.user}`);
    const status = t.status === "done" ? "" : ` (${t.status})`;
    parts.push(`## Tandem (${routeLabel(t)})${status}\n\n${t.answer}`);
  }
  return `${parts.join("\n\n")}\n`;
}
