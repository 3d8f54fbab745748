/**
 * The router: the one place that knows about offloading.
 *
 * A turn runs the local engine and watches its stream for the offload marker. The moment the
 * marker appears local generation is aborted and the policy decides: the cloud streams its answer
 * in place, or (budget used up, consent refused, offline, no cloud configured) the local engine
 * answers again with the marker banned, and the record says why. Engines know nothing of clouds,
 * the cloud client nothing of engines, and the UI only consumes the events below.
 */

import type { CloudClient, CloudUsage } from "./cloud";
import { CloudError } from "./cloud";
import { type CloudBudget, cloudTurnsAllowed, type RouteHistory, withinBudget } from "./cloud-budget";
import type { ChatMessage, LocalEngine } from "./engines/types";
import { DEFAULT_TEXT_MARKERS, type DetectedMarker, markerSpec, OffloadDetector } from "./offload";
import { estimateCostUsd } from "./pricing";

export type RoutingMode = "auto" | "local" | "cloud";

export interface ConsentRequest {
  /** Exactly what would be sent. */
  messages: ChatMessage[];
  model: string;
  draft: string;
}

export interface RoutingPolicy {
  /** auto: the model decides; local: never the cloud; cloud: always the cloud. */
  mode: RoutingMode;
  /** Local only: the marker is banned from the first token and nothing leaves the device. */
  privacy?: boolean;
  budget?: CloudBudget;
  /** Asked before anything leaves the device; absent means no consent is needed. */
  consent?: (request: ConsentRequest) => Promise<boolean>;
  isOnline?: () => boolean;
  /** Send the local draft written before the marker along with the conversation (off, as in the paper). */
  sendDraft?: boolean;
  temperature?: number;
  maxTokens?: number;
}

export type Route = "local" | "cloud" | "local-declined" | "cloud-failed";

export interface RouteTimings {
  /** Turn start -> first local text. */
  localFirstTokenMs?: number;
  /** Marker seen -> cloud request sent. */
  handoffMs?: number;
  /** Cloud request sent -> first cloud text. */
  cloudFirstTokenMs?: number;
  totalMs: number;
}

export interface RouteRecord {
  route: Route;
  /** Why this route, in words. */
  reason: string;
  localTokens: number;
  /** What the local model wrote before asking for the cloud. */
  draft?: string;
  cloudModel?: string;
  cloudUsage?: CloudUsage;
  estimatedCostUsd?: number;
  timings: RouteTimings;
  /** The user stopped the answer. */
  stopped: boolean;
  startedAt: number;
}

export type RouterEvent =
  | { type: "local-delta"; text: string }
  | {
      type: "offload";
      draft: string;
      via: DetectedMarker["via"] | "routing-mode";
      decision: "cloud" | "declined";
      reason?: string;
    }
  | { type: "cloud-delta"; text: string }
  | { type: "done"; record: RouteRecord }
  | {
      type: "error";
      message: string;
      kind: string;
      /** The cloud text that did arrive; kept, never thrown away. */
      partial: string;
      /** A local answer can be asked for instead (turn again with mode "local"). */
      canAnswerLocally: boolean;
      record: RouteRecord;
    };

export interface RouterOptions {
  engine: LocalEngine;
  /** The cloud, or a function returning it (undefined when none is configured). */
  cloud?: CloudClient | (() => CloudClient | undefined);
  history: RouteHistory;
  textMarkers?: readonly string[];
  now?: () => number;
}

interface LocalRun {
  marker?: DetectedMarker;
  text: string;
  tokens: number;
}

const BANNED = -100;

export class Router {
  private readonly now: () => number;

  constructor(private readonly options: RouterOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  private cloud(): CloudClient | undefined {
    const c = this.options.cloud;
    return typeof c === "function" ? c() : c;
  }

  async *turn(
    conversation: readonly ChatMessage[],
    policy: RoutingPolicy,
    signal?: AbortSignal,
  ): AsyncGenerator<RouterEvent> {
    const t0 = this.now();
    const startedAt = Date.now();
    const record = (
      r: Omit<RouteRecord, "timings" | "startedAt" | "stopped">,
      timings: Omit<RouteTimings, "totalMs">,
    ): RouteRecord => ({
      ...r,
      timings: { ...timings, totalMs: this.now() - t0 },
      stopped: signal?.aborted ?? false,
      startedAt,
    });

    if (policy.privacy || policy.mode === "local") {
      const timings: Omit<RouteTimings, "totalMs"> = {};
      const run = yield* this.runLocal(conversation, policy, true, signal, t0, timings);
      this.options.history.add("local");
      const reason = policy.privacy ? "privacy mode: local only" : "routing mode: always local";
      yield { type: "done", record: record({ route: "local", reason, localTokens: run.tokens }, timings) };
      return;
    }

    let draft = "";
    let localTokens = 0;
    const timings: Omit<RouteTimings, "totalMs"> = {};
    let markerAt = t0;
    let via: DetectedMarker["via"] | "routing-mode" = "routing-mode";
    if (policy.mode === "auto") {
      const run = yield* this.runLocal(conversation, policy, false, signal, t0, timings);
      localTokens = run.tokens;
      if (!run.marker || signal?.aborted) {
        this.options.history.add("local");
        yield {
          type: "done",
          record: record({ route: "local", reason: "answered on device", localTokens }, timings),
        };
        return;
      }
      markerAt = this.now();
      draft = run.marker.draft;
      via = run.marker.via;
    }

    const cloudMessages = this.cloudMessages(conversation, draft, policy);
    const refusal = await this.refusal(policy, cloudMessages, draft);
    if (refusal) {
      yield { type: "offload", draft, via, decision: "declined", reason: refusal };
      const run = yield* this.runLocal(conversation, policy, true, signal, t0, timings);
      this.options.history.add("local");
      yield {
        type: "done",
        record: record(
          {
            route: "local-declined",
            reason: `cloud declined: ${refusal}`,
            localTokens: localTokens + run.tokens,
            draft,
          },
          timings,
        ),
      };
      return;
    }

    const cloud = this.cloud()!;
    yield { type: "offload", draft, via, decision: "cloud" };
    this.options.history.add("cloud");
    let sentAt: number | undefined;
    let partial = "";
    let usage: CloudUsage | undefined;
    const reason =
      policy.mode === "cloud" ? "routing mode: always cloud" : "the local model asked for the cloud";
    const cloudRecord = (route: Route, why: string) => {
      const cost = usage
        ? estimateCostUsd(cloud.config.model, usage.inputTokens, usage.outputTokens)
        : undefined;
      return record(
        {
          route,
          reason: why,
          localTokens,
          ...(draft ? { draft } : {}),
          cloudModel: cloud.config.model,
          ...(usage ? { cloudUsage: usage } : {}),
          ...(cost !== undefined ? { estimatedCostUsd: cost } : {}),
        },
        timings,
      );
    };
    try {
      for await (const e of cloud.stream(cloudMessages, {
        ...(signal ? { signal } : {}),
        onRequestSent: () => {
          if (sentAt !== undefined) return;
          sentAt = this.now();
          timings.handoffMs = sentAt - markerAt;
        },
      })) {
        if (e.type === "usage") usage = e.usage;
        else {
          if (timings.cloudFirstTokenMs === undefined && sentAt !== undefined) {
            timings.cloudFirstTokenMs = this.now() - sentAt;
          }
          partial += e.text;
          yield { type: "cloud-delta", text: e.text };
        }
      }
      yield { type: "done", record: cloudRecord("cloud", reason) };
    } catch (e) {
      const err = e instanceof CloudError ? e : new CloudError(String(e), "network");
      if (err.kind === "aborted") {
        yield { type: "done", record: cloudRecord("cloud", reason) };
        return;
      }
      yield {
        type: "error",
        message: err.message,
        kind: err.kind,
        partial,
        canAnswerLocally: true,
        record: cloudRecord("cloud-failed", err.message),
      };
    }
  }

  /** Streams one local generation; stops at the marker (or, when banned, ends the answer there). */
  private async *runLocal(
    conversation: readonly ChatMessage[],
    policy: RoutingPolicy,
    ban: boolean,
    signal: AbortSignal | undefined,
    t0: number,
    timings: Omit<RouteTimings, "totalMs">,
  ): AsyncGenerator<RouterEvent, LocalRun> {
    const { engine } = this.options;
    const tokenId = engine.info?.offloadTokenId;
    const detector = new OffloadDetector(
      markerSpec(tokenId, this.options.textMarkers ?? DEFAULT_TEXT_MARKERS),
    );
    const local = new AbortController();
    const forward = () => local.abort();
    signal?.addEventListener("abort", forward, { once: true });
    let tokens = 0;
    try {
      for await (const chunk of engine.generate(conversation, {
        signal: local.signal,
        ...(policy.temperature !== undefined ? { temperature: policy.temperature } : {}),
        ...(policy.maxTokens !== undefined ? { maxTokens: policy.maxTokens } : {}),
        ...(ban && tokenId !== undefined ? { logitBias: { [tokenId]: BANNED } } : {}),
      })) {
        tokens++;
        const step = detector.push(chunk);
        if (step.text) {
          timings.localFirstTokenMs ??= this.now() - t0;
          yield { type: "local-delta", text: step.text };
        }
        if (step.marker) {
          local.abort();
          return { marker: step.marker, text: detector.text, tokens };
        }
      }
      const tail = detector.end();
      if (tail.text) yield { type: "local-delta", text: tail.text };
      return { text: detector.text, tokens };
    } finally {
      signal?.removeEventListener("abort", forward);
    }
  }

  private cloudMessages(
    conversation: readonly ChatMessage[],
    draft: string,
    policy: RoutingPolicy,
  ): ChatMessage[] {
    const messages = [...conversation];
    if (policy.sendDraft && draft.trim()) {
      messages.push({
        role: "system",
        content: `An on-device assistant started this answer and asked for help:\n${draft}`,
      });
    }
    return messages;
  }

  /** Why the cloud may not be used now, or undefined when it may. */
  private async refusal(
    policy: RoutingPolicy,
    messages: ChatMessage[],
    draft: string,
  ): Promise<string | undefined> {
    const cloud = this.cloud();
    if (!cloud) return "no cloud is configured";
    if (policy.isOnline && !policy.isOnline()) return "offline";
    if (policy.mode === "auto" && policy.budget && !withinBudget(policy.budget, this.options.history)) {
      const { windowTurns } = policy.budget;
      return `cloud budget used up (${cloudTurnsAllowed(policy.budget)} of the last ${windowTurns} turns)`;
    }
    if (policy.consent && !(await policy.consent({ messages, model: cloud.config.model, draft }))) {
      return "you declined sending this to the cloud";
    }
    return undefined;
  }
}
