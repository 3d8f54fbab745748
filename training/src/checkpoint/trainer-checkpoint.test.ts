import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloudOracle } from "../cloud/oracle";
import { Policy } from "../gapg/policy";
import { DEFAULT_GAPG, type GapgConfig, type StepLog, trainGapg } from "../gapg/trainer";
import { DEFAULT_WARMUP, warmup } from "../gapg/warmup";
import { tf, useBackend } from "../model/backend";
import { PRESETS } from "../model/config";
import { initParams } from "../model/qwen2";
import { generateArithmetic, workedSolution } from "../tasks/arithmetic";
import { taskFor } from "../tasks/index";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";

const task = taskFor("arithmetic");
const train = generateArithmetic(12, 3, [1]);
const tokenizer = trainTaskTokenizer(train, workedSolution, 300);
const modelConfig = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize, hiddenSize: 32, intermediateSize: 64 };
/** A cloud that solves every arithmetic prompt (the interface's real contract, in process). */
const oracle: CloudOracle = {
  answer: async (q) => `<answer>${train.find((e) => e.question === q)?.answer ?? ""}</answer>`,
};
// Collaboration-aware tuning keeps every group, so this barely trained model still gets updates
// (GAPG would filter them all out); the checkpoint path is the same for every method.
const config: GapgConfig = {
  ...DEFAULT_GAPG,
  method: "collab-aware",
  groupSize: 4,
  promptsPerBatch: 3,
  steps: 4,
  maxNewTokens: 12,
};

const weights = (p: Policy) => [...p.params].map(([k, v]) => [k, Array.from(v.dataSync())] as const);
let start: ReturnType<typeof weights> = [];
/** The same warmed-up model each time (warm-up so samples differ in reward and updates happen). */
function freshPolicy(): Policy {
  const params = initParams(modelConfig, 7);
  for (const [k, values] of start) params.get(k)?.assign(tf.tensor(values, params.get(k)?.shape));
  return new Policy(modelConfig, params, tokenizer);
}
const withoutTimes = (logs: StepLog[]) =>
  logs.map(({ stepSeconds: _s, rolloutSeconds: _r, learnerSeconds: _l, ...l }) => l);

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "tandem-ckpt-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("trainer checkpoints", () => {
  beforeAll(async () => {
    await useBackend("wasm");
    const p = freshPolicy();
    await warmup(p, train, workedSolution, { ...DEFAULT_WARMUP, steps: 60, batchSize: 8, offloadShare: 0.5 });
    start = weights(p);
  }, 60_000);

  it("resuming from a checkpoint continues exactly as an uninterrupted run", async () => {
    const straight = freshPolicy();
    const straightLogs = await trainGapg(straight, task, oracle, train, config);

    const dir = join(await tempDir(), "ckpt");
    const first = freshPolicy();
    await trainGapg(first, task, oracle, train, { ...config, steps: 2 }, undefined, {
      dir,
      every: 2,
      resume: true,
    });
    expect((await readdir(dir)).sort()).toEqual([
      "model.safetensors",
      "optimizer.safetensors",
      "trainer.json",
    ]);

    // A new process: a freshly initialised model, everything else from the checkpoint.
    const resumed = freshPolicy();
    const seen: number[] = [];
    const resumedLogs = await trainGapg(resumed, task, oracle, train, config, (l) => seen.push(l.step), {
      dir,
      every: 2,
      resume: true,
    });
    expect(seen).toEqual([3, 4]);
    expect(withoutTimes(resumedLogs)).toEqual(withoutTimes(straightLogs));
    expect(weights(resumed)).toEqual(weights(straight));
    expect(straightLogs.some((l) => l.kept > 0 && !l.skipped && l.gradNorm > 0)).toBe(true);
    expect(weights(straight)).not.toEqual(start);
  }, 60_000);

  it("refuses a checkpoint written with another configuration, or a damaged one", async () => {
    const dir = join(await tempDir(), "ckpt");
    await trainGapg(freshPolicy(), task, oracle, train, { ...config, steps: 1 }, undefined, {
      dir,
      every: 1,
      resume: false,
    });
    await expect(
      trainGapg(freshPolicy(), task, oracle, train, { ...config, lr: 1 }, undefined, {
        dir,
        every: 1,
        resume: true,
      }),
    ).rejects.toThrow(/different configuration/);
    await writeFile(join(dir, "trainer.json"), "{ truncated");
    await expect(
      trainGapg(freshPolicy(), task, oracle, train, config, undefined, { dir, every: 1, resume: true }),
    ).rejects.toThrow(/No readable checkpoint/);
  }, 60_000);
});
