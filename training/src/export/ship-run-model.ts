/**
 * Writes a finished pipeline run's GAPG model as a file the app runs: the GGUF with its model card
 * (prompt template, stop tokens, offload token and the bias calibrated to the run's budget,
 * provenance with the held-out evaluation, example prompts), the card alone as JSON (for MLC exports
 * and readers), and optionally the evaluator's decisions on held-out prompts, which the app's
 * end-to-end test replays to show the app decides exactly as the evaluator did.
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { offloadPosition } from "../eval/decision";
import type { MethodRow } from "../eval/methods";
import type { PromptOutcome } from "../eval/outcomes";
import { loadRunModel } from "../gapg/run-folder";
import type { RunResults } from "../report/write-report";
import { OFFLOAD_TOKEN, USER_TEMPLATE } from "../tasks/prompt-format";
import { type SumCategory, sumCategory } from "../tasks/sum-mix";
import { CHATML } from "../tokenizer/chat-template";
import { writePolicyGguf } from "./gguf-model";
import type { ModelCard, ModelCardExample } from "./model-card";

/** One held-out prompt as the evaluator decided it, for the app's end-to-end test to replay. */
export interface EvaluatorDecision {
  text: string;
  category: SumCategory;
  route: "local" | "cloud";
  /** Answer position of the offload (cloud route). */
  position?: number;
  /**
   * The model's final answer (inside <answer>) with the offload token banned: what it answers on the
   * device, or what it answers when the cloud is declined.
   */
  answer?: string;
  /** The model's whole answer text with the offload token banned (working, tags and all, or whatever it wrote). */
  completion: string;
  expected: string;
}

export interface EvaluatorDecisions {
  bias: number;
  decisions: EvaluatorDecision[];
}

const KINDS: Record<SumCategory, string> = {
  "carry-free": "a sum without carries",
  carry: "a sum with a carry",
  hard: "an expression with a product",
};

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

function summary(row: MethodRow): string {
  const cloud = (c: SumCategory) => row.byCategory[c]?.cloudRate ?? 0;
  const r = row.result;
  return (
    `Trained here with GAPG on sums: answers ${pct(1 - cloud("carry-free"))} of carry-free sums on the device and ` +
    `asks the cloud for ${pct(cloud("carry"))} of sums with a carry and ${pct(cloud("hard"))} of expressions with products; ` +
    `${(100 * r.systemAccuracy).toFixed(1)}% accuracy at ${pct(r.cloudRate)} cloud on ${r.n} held-out prompts.`
  );
}

/** The pipeline's models speak ChatML. */
const STOP_TOKENS = [CHATML.endOfTurn];

export function decide(o: PromptOutcome, bias: number): EvaluatorDecision {
  const position = offloadPosition(o, bias);
  const text = o.answerTokens.join("");
  // What the model wrote before its stop token, as an engine that stops there hands it over.
  const stops = STOP_TOKENS.map((t) => text.indexOf(t)).filter((at) => at >= 0);
  const completion = text.slice(0, Math.min(text.length, ...stops));
  const answer = /<answer>(.*?)<\/answer>/s.exec(completion)?.[1];
  return {
    text: o.example.question,
    category: sumCategory(o.example.question),
    route: position === undefined ? "local" : "cloud",
    ...(position !== undefined ? { position } : {}),
    ...(answer !== undefined ? { answer } : {}),
    completion,
    expected: o.example.answer,
  };
}

/** One prompt per category that shows the card's claim: carry-free answered right, the others asked. */
export function examples(decisions: readonly EvaluatorDecision[]): ModelCardExample[] {
  const wanted: Array<[SumCategory, "local" | "cloud"]> = [
    ["carry-free", "local"],
    ["carry", "cloud"],
    ["hard", "cloud"],
  ];
  return wanted.flatMap(([category, route]) => {
    const d = decisions.find(
      (x) => x.category === category && x.route === route && (route === "cloud" || x.answer === x.expected),
    );
    return d ? [{ text: d.text, route, kind: KINDS[category] }] : [];
  });
}

export interface ShipOptions {
  gguf: string;
  /** How the run was made, for the card's provenance. */
  command: string;
  /** Also write the evaluator's decisions on this many held-out prompts per category. */
  decisions?: { path: string; perCategory: number };
}

export async function shipRunModel(runDir: string, options: ShipOptions): Promise<ModelCard> {
  const run = JSON.parse(await readFile(join(runDir, "results.json"), "utf8")) as RunResults & {
    config: { maxEvalTokens: number };
  };
  const gapg = run.rows.find((r) => r.id === "gapg");
  if (!gapg) throw new Error(`${runDir}/results.json has no GAPG row.`);
  const { test } = JSON.parse(await readFile(join(runDir, "methods", "gapg.json"), "utf8")) as {
    test: PromptOutcome[];
  };
  const policy = await loadRunModel(runDir, "gapg");
  const tokenId = policy.tokenizer.idOf(OFFLOAD_TOKEN);
  if (tokenId === undefined) throw new Error(`The run's GAPG model has no ${OFFLOAD_TOKEN} token.`);
  const decisions = test.map((o) => decide(o, run.gapgBias));
  const card: ModelCard = {
    format: "tandem.card",
    version: 1,
    summary: summary(gapg),
    userTemplate: USER_TEMPLATE,
    singleTurn: true,
    stopTokens: STOP_TOKENS,
    offload: { token: OFFLOAD_TOKEN, tokenId, bias: run.gapgBias, budget: run.budget },
    decoding: { temperature: 0, maxTokens: run.config.maxEvalTokens },
    provenance: {
      method: "GAPG (group-level policy gradient, hierarchical rewards, adaptive prompt filtering)",
      task: "sums of 2-3 digit numbers with and without carries, products of two 2-digit numbers, and expressions of several numbers",
      command: options.command,
      date: new Date().toISOString().slice(0, 10),
      seed: run.seed,
      evaluation: {
        testPrompts: gapg.result.n,
        systemAccuracy: gapg.result.systemAccuracy,
        cloudRate: gapg.result.cloudRate,
        localAccuracy: gapg.result.localAccuracy,
      },
    },
    examples: examples(decisions),
  };
  try {
    await mkdir(dirname(options.gguf), { recursive: true });
    await writePolicyGguf(options.gguf, policy, { name: "tandem-tiny-gapg", card });
  } finally {
    for (const v of policy.params.values()) v.dispose();
  }
  await writeFile(join(runDir, "model-card.json"), `${JSON.stringify(card, null, 2)}\n`);
  if (options.decisions) {
    const { path, perCategory } = options.decisions;
    const chosen = (["carry-free", "carry", "hard"] as const).flatMap((c) =>
      decisions.filter((d) => d.category === c).slice(0, perCategory),
    );
    const file: EvaluatorDecisions = { bias: run.gapgBias, decisions: chosen };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  }
  return card;
}
