import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { ArchivedTurn, ConversationArchive } from "./archive-schema";
import { ArchiveError, importArchive, parseArchive } from "./conversation-archive";
import { ChatStore } from "./store";

const fullTurn: ArchivedTurn = {
  id: "t1",
  seq: 0,
  user: "What is 2+2?",
  answer: "4",
  draft: "Let me think",
  offload: { decision: "cloud", reason: "arithmetic" },
  source: "cloud",
  record: {
    route: "cloud",
    reason: "the model asked for the cloud",
    localTokens: 3,
    draft: "Let me think",
    cloudModel: "claude-haiku-4-5",
    cloudUsage: { inputTokens: 12, outputTokens: 2 },
    estimatedCostUsd: 0.00004,
    timings: { localFirstTokenMs: 12.5, handoffMs: 3.25, cloudFirstTokenMs: 210, totalMs: 400.75 },
    stopped: false,
    startedAt: 1_700_000_000_000,
  },
  error: { message: "The cloud stopped answering.", partial: "4", canAnswerLocally: true },
  status: "error",
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_500,
};

function validArchive(): ConversationArchive {
  return {
    format: "tandem.conversations",
    version: 1,
    exportedAt: "2026-01-01T00:00:00.000Z",
    conversations: [
      {
        id: "c1",
        title: "Sums",
        createdAt: 1_700_000_000_000,
        updatedAt: 1_700_000_000_500,
        turns: [
          fullTurn,
          {
            id: "t2",
            seq: 1,
            user: "hi",
            answer: "hello",
            source: "local",
            status: "done",
            createdAt: 1,
            updatedAt: 2,
          },
        ],
      },
    ],
  };
}

/** The archive with `value` at `path` (parents must exist); `undefined` deletes the key. */
function withValue(path: ReadonlyArray<string | number>, value: unknown): unknown {
  const copy: unknown = structuredClone(validArchive());
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

describe("parseArchive", () => {
  it("accepts an archive with every field set, keeping them all", () => {
    expect(parseArchive(JSON.stringify(validArchive()))).toEqual(validArchive());
  });

  it("drops keys the store does not know", () => {
    const parsed = parseArchive(
      JSON.stringify(withValue(["conversations", 0, "turns", 0, "extra"], { x: 1 })),
    );
    expect(parsed.conversations[0]?.turns[0]).not.toHaveProperty("extra");
  });

  const turn0 = "conversations\\.0\\.turns\\.0";
  it.each([
    ["a cost that is text", ["record", "estimatedCostUsd"], "x", `${turn0}\\.record\\.estimatedCostUsd`],
    ["a cost that is null", ["record", "estimatedCostUsd"], null, `${turn0}\\.record\\.estimatedCostUsd`],
    ["a negative cost", ["record", "estimatedCostUsd"], -1, `${turn0}\\.record\\.estimatedCostUsd`],
    ["a cloud model that is an object", ["record", "cloudModel"], {}, `${turn0}\\.record\\.cloudModel`],
    [
      "token usage that is text",
      ["record", "cloudUsage", "inputTokens"],
      "12",
      `${turn0}\\.record\\.cloudUsage\\.inputTokens`,
    ],
    [
      "a timing that is text",
      ["record", "timings", "handoffMs"],
      "3",
      `${turn0}\\.record\\.timings\\.handoffMs`,
    ],
    ["a route that does not exist", ["record", "route"], "moon", `${turn0}\\.record\\.route`],
    ["a local draft that is a list", ["record", "draft"], ["a"], `${turn0}\\.record\\.draft`],
    ["an answer that is an object", ["answer"], { text: "4" }, `${turn0}\\.answer`],
    ["an error message that is a number", ["error", "message"], 5, `${turn0}\\.error\\.message`],
    [
      "an offload decision that does not exist",
      ["offload", "decision"],
      "maybe",
      `${turn0}\\.offload\\.decision`,
    ],
    ["a draft over a million characters", ["draft"], "x".repeat(1_000_001), `${turn0}\\.draft`],
  ])("refuses %s, naming where", (_name, field, value, where) => {
    const json = JSON.stringify(withValue(["conversations", 0, "turns", 0, ...field], value));
    expect(() => parseArchive(json)).toThrow(ArchiveError);
    expect(() => parseArchive(json)).toThrow(new RegExp(`^The file is damaged: .+ at ${where}\\.$`));
  });

  it("refuses a title that is an object, naming where", () => {
    expect(() => parseArchive(JSON.stringify(withValue(["conversations", 0, "title"], {})))).toThrow(
      /^The file is damaged: .+ at conversations\.0\.title\.$/,
    );
  });

  it("names the first bad field when there are several", () => {
    const archive = withValue(["conversations", 0, "turns", 1, "answer"], 1) as ConversationArchive;
    (archive.conversations[0]!.turns[0]!.record as unknown as Record<string, unknown>).cloudModel = {};
    expect(() => parseArchive(JSON.stringify(archive))).toThrow(
      / at conversations\.0\.turns\.0\.record\.cloudModel\.$/,
    );
  });
});

describe("importArchive", () => {
  const open: ChatStore[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  it("changes nothing in the store when a record has the wrong types", async () => {
    const store = await ChatStore.open({ name: "archive-refusal" });
    open.push(store);
    const mine = await store.createConversation("mine", 10);
    await store.putTurn({ ...fullTurn, conversationId: mine.id });
    const before = await store.allConversationsWithTurns();

    const bad = withValue(["conversations", 0, "turns", 0, "record", "estimatedCostUsd"], "x");
    await expect(importArchive(store, JSON.stringify(bad))).rejects.toThrow(ArchiveError);
    expect(await store.allConversationsWithTurns()).toEqual(before);
  });
});

/** Every path to a value inside the valid archive (the places a mutation can hit). */
function pathsOf(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...at, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsOf(child, path)];
  });
}

type Check = (v: unknown) => boolean;
type Shape = { [key: string]: Check };
const string: Check = (v) => typeof v === "string";
const number: Check = (v) => typeof v === "number" && Number.isFinite(v);
const count: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const boolean: Check = (v) => typeof v === "boolean";
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const object =
  (shape: Shape): Check =>
  (v) =>
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).every((k) => Object.hasOwn(shape, k)) &&
    Object.entries(shape).every(([k, check]) => check((v as Record<string, unknown>)[k]));
const list =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);

// The store's types written out again, independently of the schema under test.
const isStoreTurn = object({
  id: string,
  seq: count,
  user: string,
  answer: string,
  draft: optional(string),
  offload: optional(object({ decision: oneOf("cloud", "declined"), reason: optional(string) })),
  source: oneOf("local", "cloud"),
  record: optional(
    object({
      route: oneOf("local", "cloud", "local-declined", "cloud-failed"),
      reason: string,
      localTokens: count,
      draft: optional(string),
      cloudModel: optional(string),
      cloudUsage: optional(object({ inputTokens: count, outputTokens: count })),
      estimatedCostUsd: optional(number),
      timings: object({
        localFirstTokenMs: optional(number),
        handoffMs: optional(number),
        cloudFirstTokenMs: optional(number),
        totalMs: number,
      }),
      stopped: boolean,
      startedAt: count,
    }),
  ),
  error: optional(object({ message: string, partial: string, canAnswerLocally: boolean })),
  status: oneOf("streaming", "done", "error", "stopped", "interrupted"),
  createdAt: count,
  updatedAt: count,
});
const isStoreArchive = object({
  format: oneOf("tandem.conversations"),
  version: oneOf(1),
  exportedAt: string,
  conversations: list(
    object({ id: string, title: string, createdAt: count, updatedAt: count, turns: list(isStoreTurn) }),
  ),
});

describe("parseArchive on damaged archives (property)", () => {
  const paths = pathsOf(validArchive());
  const original = validArchive();
  const valueAt = (path: ReadonlyArray<string | number>) =>
    path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], original);
  const huge = "x".repeat(1_000_001);

  type Change = { delete: true } | { value: unknown };
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc.constant({ delete: true as const }),
    fc.constant({ value: null }),
    fc.constant({ value: huge }),
    fc.jsonValue({ maxDepth: 2 }).map((value) => ({ value })),
    // Another field's value: the right shape in the wrong place.
    fc.constantFrom(...paths).map((from) => ({ value: valueAt(from) })),
  );
  const mutation = fc.record({ path: fc.constantFrom(...paths), change });

  function mutate(mutations: ReadonlyArray<{ path: Array<string | number>; change: Change }>): unknown {
    const copy: unknown = structuredClone(original);
    for (const { path, change } of mutations) {
      let parent = copy;
      for (const key of path.slice(0, -1))
        parent = (parent as Record<string | number, unknown> | null)?.[key];
      if (typeof parent !== "object" || parent === null) continue;
      const target = parent as Record<string | number, unknown>;
      const last = path.at(-1)!;
      if ("delete" in change) delete target[last];
      else target[last] = structuredClone(change.value);
    }
    return copy;
  }

  it("either accepts a mutated archive with every field of the store's type, or refuses it with an ArchiveError", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const json = JSON.stringify(mutate(mutations));
        const started = performance.now();
        let parsed: ConversationArchive | undefined;
        try {
          parsed = parseArchive(json);
        } catch (e) {
          expect(e).toBeInstanceOf(ArchiveError);
          expect((e as Error).message).toMatch(
            /^The file (is damaged: .+|is not a Tandem .+|was exported by .+)\.$/,
          );
        }
        expect(performance.now() - started).toBeLessThan(1000);
        if (parsed) expect(isStoreArchive(parsed)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
