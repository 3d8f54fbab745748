/**
 * `train` command line.
 *   train pipeline [--out runs/tiny] [--quick] [--resume]   the tiny pipeline: warm-up, GAPG, baselines,
 *     table, GGUF; --resume continues each method from its checkpoint in <out>/checkpoints/
 * The cloud oracle is Anthropic's API when ANTHROPIC_API_KEY is set (ANTHROPIC_BASE_URL and
 * TANDEM_CLOUD_MODEL optional); otherwise the local fake cloud, which solves arithmetic exactly.
 */

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FakeCloud } from "../../e2e/fixtures/fake-cloud/server";
import { AnthropicOracle } from "./cloud/oracle";
import { useBackend } from "./model/backend";
import { resultsTable, runPipeline, TINY_PIPELINE } from "./pipeline";
import { accuracyVsCloud, trainingCurves } from "./report/plots";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const command = process.argv[2];
if (command !== "pipeline") {
  console.error("usage: train pipeline [--out DIR] [--quick] [--resume]");
  process.exit(2);
}

await useBackend("wasm");
const outDir = flag("out") ?? TINY_PIPELINE.outDir;
const quick = process.argv.includes("--quick");
const cfg = quick
  ? {
      ...TINY_PIPELINE,
      outDir,
      examples: 600,
      warmup: { ...TINY_PIPELINE.warmup, steps: 60 },
      gapg: { ...TINY_PIPELINE.gapg, steps: 5, promptsPerBatch: 8 },
      routerTrainPrompts: 40,
    }
  : { ...TINY_PIPELINE, outDir };
cfg.resume = process.argv.includes("--resume");
// Overrides for experiments: --levels 1,4 --warmup-levels 1 --warmup-steps 600 --warmup-lr 5e-3
// --warmup-offload 0.25 --steps 30 --prompts 8 --lr 1e-4 --temperature 0.8
const levelList = (name: string) => flag(name)?.split(",").map(Number) as typeof cfg.levels | undefined;
cfg.levels = levelList("levels") ?? cfg.levels;
cfg.warmupLevels = levelList("warmup-levels") ?? cfg.warmupLevels;
const number = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
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

let fake: FakeCloud | undefined;
let oracle: AnthropicOracle;
const cacheDir = join(outDir, "cloud-cache");
if (process.env.ANTHROPIC_API_KEY) {
  oracle = new AnthropicOracle({
    apiKey: process.env.ANTHROPIC_API_KEY,
    ...(process.env.ANTHROPIC_BASE_URL ? { baseURL: process.env.ANTHROPIC_BASE_URL } : {}),
    model: process.env.TANDEM_CLOUD_MODEL ?? "claude-haiku-4-5",
    cacheDir,
  });
} else {
  fake = new FakeCloud({ apiKey: "sk-local-fake" });
  oracle = new AnthropicOracle({
    apiKey: "sk-local-fake",
    baseURL: await fake.start(),
    model: "fake-cloud",
    cacheDir,
  });
  console.log("cloud oracle: the local fake cloud (set ANTHROPIC_API_KEY to use Anthropic's API)");
}

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
    `Budget: ${100 * cfg.budget}% cloud calls. Wall time: ${minutes} min. Model: ${result.ggufPath}`,
    "",
    "![training curves](training-curves.svg)",
    "",
    "![system accuracy vs cloud-call rate](accuracy-vs-cloud.svg)",
    "",
  ].join("\n");
  await writeFile(join(outDir, "report.md"), report);
  console.log(`\n${table}\n\nwall time ${minutes} min; report in ${join(outDir, "report.md")}`);
} finally {
  await fake?.stop();
}
