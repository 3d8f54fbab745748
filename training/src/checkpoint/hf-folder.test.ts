import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeHfFixture } from "../fixtures/hf-checkpoint";
import { tf, useBackend } from "../model/backend";
import { forward } from "../model/qwen2";
import { OFFLOAD_TOKEN } from "../tokenizer/control-token";
import { loadParams, openHfCheckpoint } from "./hf-folder";
import { readSafetensors } from "./safetensors";

const tmp = () => mkdtemp(join(tmpdir(), "hf-"));

describe("Hugging Face model folders", () => {
  beforeAll(() => useBackend("cpu"));

  it("opens a Qwen2 folder, adds <|offload|> at the first free row with the mean embedding", async () => {
    const dir = await tmp();
    const config = await writeHfFixture(dir, { dtype: "F32" });
    const ckpt = await openHfCheckpoint(dir);
    expect(ckpt.model.architecture).toBe("qwen2");
    expect(ckpt.model.config).toEqual(config);
    expect(ckpt.offloadAdded).toBe(true);
    const firstFree = config.vocabSize - 8; // the fixture leaves 8 spare rows after the tokenizer
    expect(ckpt.offloadTokenId).toBe(firstFree);
    expect(ckpt.tokenizer.encode(`a${OFFLOAD_TOKEN}`).at(-1)).toBe(firstFree);

    const raw = (await readSafetensors(join(dir, "model.safetensors"))).tensors.find(
      (t) => t.name === "model.embed_tokens.weight",
    )!.data;
    const d = config.hiddenSize;
    const mean = new Float64Array(d);
    for (let r = 0; r < firstFree; r++) for (let j = 0; j < d; j++) mean[j]! += raw[r * d + j]! / firstFree;
    const read = await ckpt.weights.read("model.embed_tokens.weight");
    for (let j = 0; j < d; j++) expect(read[firstFree * d + j]).toBeCloseTo(mean[j]!, 5);
    // Other rows, including the spare ones after it, are untouched.
    expect(read.subarray(0, firstFree * d)).toEqual(raw.subarray(0, firstFree * d));
    expect(read.subarray((firstFree + 1) * d)).toEqual(raw.subarray((firstFree + 1) * d));
    // A block read that contains the row gets the same mean.
    expect(
      Array.from(await ckpt.weights.read("model.embed_tokens.weight", firstFree, firstFree + 1)),
    ).toEqual(Array.from(read.subarray(firstFree * d, (firstFree + 1) * d)));
    await ckpt.weights.close();
  });

  it("loads sharded and single-file checkpoints into the same tfjs model", async () => {
    const one = await tmp();
    const many = await tmp();
    await writeHfFixture(one, { seed: 3 });
    await writeHfFixture(many, { seed: 3, maxShardBytes: 20_000 });
    const index = JSON.parse(await readFile(join(many, "model.safetensors.index.json"), "utf8"));
    expect(new Set(Object.values(index.weight_map)).size).toBeGreaterThan(2);
    const logits: number[][] = [];
    for (const dir of [one, many]) {
      const ckpt = await openHfCheckpoint(dir);
      const params = await loadParams(ckpt);
      const ids = tf.tensor2d([ckpt.tokenizer.encode("Hello, world!")], undefined, "int32");
      logits.push(Array.from(forward(ckpt.model.config, params, ids).logits.dataSync()));
      for (const v of params.values()) v.dispose();
      await ckpt.weights.close();
    }
    expect(logits[1]).toEqual(logits[0]);
  });

  it("loads a Llama folder (no q/k/v bias, untied head) and ignores a tied model's extra lm_head", async () => {
    const dir = await tmp();
    await writeHfFixture(dir, { architecture: "llama", tieEmbeddings: false });
    const ckpt = await openHfCheckpoint(dir);
    expect(ckpt.model.architecture).toBe("llama");
    expect(ckpt.model.config.qkvBias).toBe(false);
    const names = ckpt.weights.tensors.map((t) => t.name);
    expect(names).toContain("lm_head.weight");
    expect(names.some((n) => n.endsWith(".bias"))).toBe(false);
    // The untied head's offload row is the mean of the head's rows too.
    const head = await ckpt.weights.read("lm_head.weight", ckpt.offloadTokenId, ckpt.offloadTokenId + 1);
    expect(head.some((v) => v !== 0)).toBe(true);
    await ckpt.weights.close();
  });

  it("says what is wrong with a broken folder", async () => {
    const dir = await tmp();
    await writeHfFixture(dir);
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...config, intermediate_size: 100 }));
    await expect(openHfCheckpoint(dir)).rejects.toThrow(
      /mlp\.gate_proj\.weight has shape \[96,64\], config\.json implies \[100,64\]/,
    );
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...config, model_type: "gpt_neox" }));
    await expect(openHfCheckpoint(dir)).rejects.toThrow(/model_type "gpt_neox" is not supported/);
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
    await rm(join(dir, "tokenizer.json"));
    await expect(openHfCheckpoint(dir)).rejects.toThrow(/tokenizer\.json is missing/);
    await rm(join(dir, "model.safetensors"));
    await writeFile(join(dir, "tokenizer.json"), "{}");
    await expect(openHfCheckpoint(await tmp())).rejects.toThrow(/config\.json is missing/);
  });
});
