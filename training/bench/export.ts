/**
 * `npm run bench:export`: a synthetic checkpoint of the real Qwen2.5-0.5B shape (random BF16,
 * written tensor block by tensor block to a temp dir, deleted after) is exported to every format,
 * each export in its own process, which reports its wall time, source MB/s (float32 values read)
 * and peak RSS. Exports stream: their RSS stays far below the model's 2 GB of float32 values.
 */

import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHfConfig } from "../src/checkpoint/hf-config";
import { openHfCheckpoint } from "../src/checkpoint/hf-folder";
import type { SafetensorsDtype } from "../src/checkpoint/safetensors";
import { writeSafetensorsCheckpoint } from "../src/checkpoint/sharded";
import { writeGgufFile } from "../src/export/gguf";
import { type GgufWeightType, modelToGguf } from "../src/export/gguf-model";
import { exportHfSafetensors } from "../src/export/hf-safetensors";
import { exportMlc } from "../src/export/mlc/export";
import type { MlcQuantization } from "../src/export/mlc/plan";
import { fixtureTokenizer } from "../src/fixtures/hf-checkpoint";
import { PRESETS } from "../src/model/config";
import { parameterShapes } from "../src/model/qwen2";

const JOBS = [
  ["mlc", "q4f16_1"],
  ["mlc", "q4f32_1"],
  ["gguf", "f16"],
  ["gguf", "q8_0"],
  ["gguf", "q4_0"],
  ["safetensors", "bf16"],
] as const;

/** Uniform random values in [-0.05, 0.05) (xorshift32), in blocks of rows. */
async function* randomRows(shape: readonly number[], seed: number): AsyncGenerator<Float32Array> {
  let s = seed >>> 0 || 1;
  const cols = shape.length > 1 ? shape[1]! : shape[0]!;
  const rows = shape.length > 1 ? shape[0]! : 1;
  const step = Math.max(1, Math.floor((1 << 22) / cols));
  for (let r = 0; r < rows; r += step) {
    const block = new Float32Array(Math.min(step, rows - r) * cols);
    for (let i = 0; i < block.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      block[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 0.1;
    }
    yield block;
  }
}

async function makeCheckpoint(dir: string): Promise<void> {
  const config = PRESETS["qwen2.5-0.5b"];
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "config.json"),
    JSON.stringify(toHfConfig({ architecture: "qwen2", config, eosTokenIds: [] }, "bfloat16")),
  );
  await writeFile(join(dir, "tokenizer.json"), JSON.stringify(fixtureTokenizer().toJSON()));
  const tensors = parameterShapes(config).map(([name, shape], i) => ({
    name,
    shape,
    data: () => randomRows(shape, i + 1),
  }));
  await writeSafetensorsCheckpoint(dir, tensors, { dtype: "BF16" as SafetensorsDtype, maxShardBytes: 4e8 });
}

/** One export, in this process (run as a child): prints {seconds, values, maxRssMB} as JSON. */
async function child(format: string, quant: string, src: string, out: string): Promise<void> {
  const ckpt = await openHfCheckpoint(src);
  let values = 0;
  const weights = {
    ...ckpt.weights,
    read: async (n: string, a?: number, b?: number) => {
      const v = await ckpt.weights.read(n, a, b);
      values += v.length;
      return v;
    },
  };
  const model = { ...ckpt, weights };
  const t0 = performance.now();
  if (format === "mlc") await exportMlc(model, out, { quant: quant as MlcQuantization, name: "bench" });
  else if (format === "gguf") {
    await mkdir(out, { recursive: true });
    await writeGgufFile(join(out, "model.gguf"), modelToGguf(model, { type: quant as GgufWeightType }));
  } else await exportHfSafetensors(model, out, { dtype: quant.toUpperCase() as SafetensorsDtype });
  const seconds = (performance.now() - t0) / 1000;
  await ckpt.weights.close();
  console.log(JSON.stringify({ seconds, values, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

if (process.argv[2] === "--child") {
  const [, , , format, quant, src, out] = process.argv as string[];
  await child(format!, quant!, src!, out!);
} else {
  const root = await mkdtemp(join(tmpdir(), "bench-export-"));
  try {
    const src = join(root, "qwen2.5-0.5b-synthetic");
    const t0 = performance.now();
    await makeCheckpoint(src);
    console.log(`synthetic Qwen2.5-0.5B (BF16) written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log("format       quant     seconds   MB/s (f32 in)   peak RSS MB");
    for (const [format, quant] of JOBS) {
      const out = join(root, `${format}-${quant}`);
      const line = execFileSync(
        process.execPath,
        [...process.execArgv, import.meta.filename, "--child", format, quant, src, out],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const r = JSON.parse(line.trim().split("\n").at(-1)!) as {
        seconds: number;
        values: number;
        maxRssMB: number;
      };
      const mbps = (r.values * 4) / 1e6 / r.seconds;
      console.log(
        `${format.padEnd(12)} ${quant.padEnd(9)} ${r.seconds.toFixed(1).padStart(7)} ${mbps.toFixed(0).padStart(15)} ${r.maxRssMB.toFixed(0).padStart(13)}`,
      );
      await rm(out, { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
