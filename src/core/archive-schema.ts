/**
 * The conversations archive, field by field with the types the store gives them: a file is only
 * imported when every field is what the app will read it as (a cost that is a number, a cloud
 * model that is a string), so an imported turn can always be shown. Keys the store does not know
 * are dropped. The schemas `satisfies` the store's types here, and the tests check the inferred
 * types equal them, so a field added to the store cannot be forgotten here.
 */

import { z } from "zod";
import type { CloudUsage } from "./cloud";
import type { RouteRecord, RouteTimings } from "./router";
import type { Conversation, Turn } from "./store";

export const ARCHIVE_FORMAT = "tandem.conversations";
export const ARCHIVE_VERSION = 1;

export type ArchivedTurn = Omit<Turn, "conversationId">;
export interface ArchivedConversation extends Conversation {
  turns: ArchivedTurn[];
}

export interface ConversationArchive {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  exportedAt: string;
  conversations: ArchivedConversation[];
}

const id = z.string().min(1).max(100);
const name = z.string().max(500);
const text = z.string().max(1_000_000);
const time = z.number().int().nonnegative();
const count = z.number().int().nonnegative();
// Zod 4 numbers are finite: NaN and Infinity never get through.
const ms = z.number();

const cloudUsage = z.object({ inputTokens: count, outputTokens: count }) satisfies z.ZodType<CloudUsage>;

const timings = z.object({
  localFirstTokenMs: ms.optional(),
  handoffMs: ms.optional(),
  cloudFirstTokenMs: ms.optional(),
  totalMs: ms,
}) satisfies z.ZodType<RouteTimings>;

const routeRecordSchema = z.object({
  route: z.enum(["local", "cloud", "local-declined", "cloud-failed"]),
  reason: text,
  localTokens: count,
  draft: text.optional(),
  cloudModel: name.optional(),
  cloudUsage: cloudUsage.optional(),
  estimatedCostUsd: z.number().nonnegative().optional(),
  timings,
  stopped: z.boolean(),
  startedAt: time,
}) satisfies z.ZodType<RouteRecord>;

const archivedTurnSchema = z.object({
  id,
  seq: count,
  user: text,
  answer: text,
  draft: text.optional(),
  offload: z.object({ decision: z.enum(["cloud", "declined"]), reason: text.optional() }).optional(),
  source: z.enum(["local", "cloud"]),
  record: routeRecordSchema.optional(),
  error: z.object({ message: text, partial: text, canAnswerLocally: z.boolean() }).optional(),
  status: z.enum(["streaming", "done", "error", "stopped", "interrupted"]),
  createdAt: time,
  updatedAt: time,
}) satisfies z.ZodType<ArchivedTurn>;

const archivedConversationSchema = z.object({
  id,
  title: name,
  createdAt: time,
  updatedAt: time,
  turns: z.array(archivedTurnSchema).max(100_000),
}) satisfies z.ZodType<ArchivedConversation>;

export const archiveSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  exportedAt: z.string().max(100),
  conversations: z.array(archivedConversationSchema).max(100_000),
}) satisfies z.ZodType<ConversationArchive>;
