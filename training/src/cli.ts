/**
 * `train` command line.
 *   train pipeline [--out runs/tiny] [--quick] [--resume] [overrides]
 *     the tiny pipeline: warm-up, GAPG and the baselines, results table, plots, GGUF. --resume
 *     continues each method from its checkpoint in <out>/checkpoints/.
 *   train eval --run runs/tiny --test FILE.jsonl [--task arithmetic|countdown|math]
 *     every method of a finished run on another test file, with the run's calibration.
 * The cloud oracle is Anthropic's API when ANTHROPIC_API_KEY is set, otherwise the local fake cloud.
 */

import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { cliOracle } from "./cloud/cli-oracle";
import { gapClosed, type MethodRow, resultsTable } from "./gapg/method-table";
import { evaluateRun } from "./gapg/run-eval";
import { useBackend } from "./model/backend";
import { runPipeline, TINY_PIPELINE } from "./pipeline";
import { accuracyVsCloud, trainingCurves } from "./report/plots";
import { readTaskJsonl } from "./tasks/task-jsonl";
import type { TaskName } from "./tasks/types";

const USAGE = `usage:
  train pipeline [--out DIR] [--quick] [--resume] [--levels 1,1,1,5] [--warmup-levels 1]
                 [--warmup-steps N] [--warmup-lr X] [--warmup-offload X] [--steps N] [--prompts N]
                 [--lr X] [--temperature X] [--sampler llama-cpp|tfjs]
  train eval --run DIR --test FILE.jsonl [--task arithmetic|countdown|math]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    quick: { type: "boolean" },
    resume: { type: "boolean" },
    levels: { type: "string" },
    "warmup-levels": { type: "string" },
    "warmup-steps": { type: "string" },
    "warmup-lr": { type: "string" },
    "warmup-offload": { type: "string" },
    steps: { type: "string" },
    prompts: { type: "string" },
    lr: { type: "string" },
    temperature: { type: "string" },
    sampler: { type: "string" },
    run: { type: "string" },
    test: { type: "string" },
    task: { type: "string" },
  },
});

function number(name: keyof typeof values): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(n))
    throw new Error(`--${name} must be a number, got "${raw}".`);
  return n;
}

const summary = (rows: readonly MethodRow[]) =>
  ["GAPG (own decision)", "GAPG (offload bias at the budget)"]
    .map((m) => `${m} closes ${(100 * gapClosed(rows, m)).toFixed(0)}% of the task-only → cloud-only gap`)
    .join("; ");

async function pipeline(): Promise<void> {
  const outDir = values.out ?? TINY_PIPELINE.outDir;
  const quick: Partial<typeof TINY_PIPELINE> = values.quick
    ? {
        examples: 600,
        warmup: { ...TINY_PIPELINE.warmup, steps: 60 },
        gapg: { ...TINY_PIPELINE.gapg, steps: 5, promptsPerBatch: 8 },
        calibrationPrompts: 40,
      }
    : {};
  const cfg = { ...TINY_PIPELINE, ...quick, outDir, resume: values.resume === true };
  const levels = (name: "levels" | "warmup-levels") =>
    values[name]?.split(",").map(Number) as typeof cfg.levels | undefined;
  if (values.sampler !== undefined && values.sampler !== "llama-cpp" && values.sampler !== "tfjs")
    throw new Error(`--sampler must be llama-cpp or tfjs, got "${values.sampler}".`);
  cfg.sampler = values.sampler ?? cfg.sampler;
  cfg.levels = levels("levels") ?? cfg.levels;
  cfg.warmupLevels = levels("warmup-levels") ?? cfg.warmupLevels;
  cfg.warmup = {
    ...cfg.warmup,
    steps: number("warmup-steps") ?? cfg.warmup.steps,
    lr: number("warmup-lr") ?? cfg.warmup.lr,
    offloadShare: number("warmup-offload") ?? cfg.warmup.offloadShare,
  };
  cfg.gapg = {
    ...cfg.gapg,
    steps: number("steps") ?? cfg.gapg.steps,
    promptsPerBatch: number("prompts") ?? cfg.gapg.promptsPerBatch,
    lr: number("lr") ?? cfg.gapg.lr,
    temperature: number("temperature") ?? cfg.gapg.temperature,
  };

  const { oracle, stop } = await cliOracle(join(outDir, "cloud-cache"));
  const t0 = performance.now();
  try {
    const result = await runPipeline(cfg, oracle);
    const table = resultsTable(result.rows);
    const minutes = ((performance.now() - t0) / 60_000).toFixed(1);
    await writeFile(join(outDir, "training-curves.svg"), await trainingCurves(result.logs));
    await writeFile(join(outDir, "accuracy-vs-cloud.svg"), await accuracyVsCloud(result.rows, cfg.budget));
    const report = [
      "# Tiny GAPG run",
      "",
      table,
      "",
      `Budget: ${100 * cfg.budget}% cloud calls. ${summary(result.rows)}.`,
      "",
      `Wall time: ${minutes} min. Model: ${result.ggufPath}. Evaluate on another file: \`train eval --run ${outDir} --test FILE.jsonl\`.`,
      "",
      "![training curves](training-curves.svg)",
      "",
      "![system accuracy vs cloud-call rate](accuracy-vs-cloud.svg)",
      "",
    ].join("\n");
    await writeFile(join(outDir, "report.md"), report);
    console.log(
      `\n${table}\n\n${summary(result.rows)}\nwall time ${minutes} min; report in ${join(outDir, "report.md")}`,
    );
  } finally {
    await stop();
  }
}

async function evaluate(): Promise<void> {
  if (!values.run || !values.test) throw new Error(`eval needs --run and --test.\n${USAGE}`);
  const task = (values.task ?? "arithmetic") as TaskName;
  const examples = readTaskJsonl(
    await readFile(values.test, "utf8").catch((e: Error) => {
      throw new Error(`${values.test} could not be read: ${e.message}`);
    }),
    task,
  );
  const { oracle, stop } = await cliOracle(join(values.run, "cloud-cache"));
  try {
    const rows = await evaluateRun(values.run, task, examples, oracle);
    const table = resultsTable(rows);
    const out = join(values.run, `eval-${basename(values.test, ".jsonl")}.json`);
    await writeFile(out, JSON.stringify({ test: values.test, rows }, null, 2));
    console.log(
      `\n${examples.length} prompts from ${values.test}\n\n${table}\n\n${summary(rows)}\nrows in ${out}`,
    );
  } finally {
    await stop();
  }
}

const commands: Record<string, () => Promise<void>> = { pipeline, eval: evaluate };
const command = commands[positionals[0] ?? ""];
if (!command) {
  console.error(USAGE);
  process.exit(2);
}
try {
  await useBackend("wasm");
  await command();
} catch (error) {
  console.error(`train ${positionals[0]}: ${(error as Error).message}`);
  process.exit(1);
}
