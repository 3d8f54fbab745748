import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prebuiltAppConfig } from "@mlc-ai/web-llm";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeF16 } from "../../checkpoint/half";
import { type HfCheckpoint, openHfCheckpoint } from "../../checkpoint/hf-folder";
import { writeHfFixture } from "../../fixtures/hf-checkpoint";
import { PRESETS } from "../../model/config";
import { OFFLOAD_TOKEN } from "../../tokenizer/control-token";
import { dequantizeQ4Groups } from "../quant/q4-group";
import { exportMlc, RECORD_FILE, TANDEM_MODEL_FILE } from "./export";
import { webLlmRecord } from "./model-record";
import { mlcTensors, planMlcParams } from "./plan";
import type { TensorCache } from "./tensor-cache";

const LIB = "https://example.test/libs/tiny-q4f16_1-webgpu.wasm";

/** Reads one tensor of an exported folder through its manifest. */
async function readTensor(
  dir: string,
  cache: TensorCache,
  name: string,
): Promise<{ bytes: Uint8Array; shape: number[] }> {
  for (const shard of cache.records) {
    const rec = shard.records.find((r) => r.name === name);
    if (rec) {
      const file = await readFile(join(dir, shard.dataPath));
      return {
        bytes: new Uint8Array(file.subarray(rec.byteOffset, rec.byteOffset + rec.nbytes)),
        shape: rec.shape,
      };
    }
  }
  throw new Error(`no ${name}`);
}

const u32 = (b: Uint8Array) => new Uint32Array(b.slice().buffer);
const f16 = (b: Uint8Array) => decodeF16(new Uint16Array(b.slice().buffer));

describe("MLC export", () => {
  let dir: string;
  let out: string;
  let ckpt: HfCheckpoint;
  let cache: TensorCache;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlc-src-"));
    out = await mkdtemp(join(tmpdir(), "mlc-out-"));
    await writeHfFixture(dir, { dtype: "F32", scale: 0.05 });
    ckpt = await openHfCheckpoint(dir);
    // Small shards: several of them, and the embedding (> 4 KiB) alone in its own.
    const result = await exportMlc(ckpt, out, {
      quant: "q4f16_1",
      name: "tiny",
      modelLib: LIB,
      maxShardBytes: 4096,
    });
    cache = result.cache;
  });

  it("writes the planned tensors, each manifest record consistent with the shard files", async () => {
    const planned = mlcTensors(planMlcParams("qwen2", ckpt.model.config), "q4f16_1");
    const records = cache.records.flatMap((s) => s.records);
    expect(records.map(({ name, shape, dtype }) => ({ name, shape, dtype }))).toEqual(planned);
    expect(cache.records.length).toBeGreaterThan(3);
    for (const shard of cache.records) {
      expect((await stat(join(out, shard.dataPath))).size).toBe(shard.nbytes);
      let offset = 0;
      for (const r of shard.records) {
        expect(r.byteOffset).toBe(offset);
        const elements = r.shape.reduce((a, b) => a * b, 1);
        expect(r.nbytes).toBe(elements * (r.dtype === "float16" ? 2 : 4));
        offset += r.nbytes;
      }
      expect(offset).toBe(shard.nbytes);
      if (shard.nbytes > 4096) expect(shard.records).toHaveLength(1);
    }
    expect(cache.metadata.ParamBytes).toBe(cache.records.reduce((n, s) => n + s.nbytes, 0));
    const ndarray = await readFile(join(out, "ndarray-cache.json"), "utf8");
    expect(ndarray).toBe(await readFile(join(out, "tensor-cache.json"), "utf8"));
  });

  it("stores fused q/k/v and gate/up that dequantize to the HF weights", async () => {
    const c = ckpt.model.config;
    const w = async (n: string) => ckpt.weights.read(`model.layers.1.${n}`);
    const expectClose = (got: Float32Array, want: Float32Array, scales: Float32Array) => {
      expect(got.length).toBe(want.length);
      for (let i = 0; i < got.length; i++)
        expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(scales[Math.floor(i / 32)]! * 0.51);
    };
    for (const [fused, parts] of [
      ["self_attn.c_attn", ["self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight"]],
      ["mlp.gate_up_proj", ["mlp.gate_proj.weight", "mlp.up_proj.weight"]],
    ] as const) {
      const q = await readTensor(out, cache, `model.layers.1.${fused}.q_weight`);
      const s = await readTensor(out, cache, `model.layers.1.${fused}.q_scale`);
      const scales = f16(s.bytes);
      const want = new Float32Array(q.shape[0]! * c.hiddenSize);
      let at = 0;
      for (const p of parts) {
        const v = await w(p);
        want.set(v, at);
        at += v.length;
      }
      expectClose(dequantizeQ4Groups({ weights: u32(q.bytes), scales }), want, scales);
    }
    const bias = f16((await readTensor(out, cache, "model.layers.1.self_attn.c_attn.bias")).bytes);
    const wantBias = [
      ...(await w("self_attn.q_proj.bias")),
      ...(await w("self_attn.k_proj.bias")),
      ...(await w("self_attn.v_proj.bias")),
    ];
    for (const [i, b] of bias.entries()) expect(b).toBeCloseTo(wantBias[i]!, 3);
  });

  it("writes the chat config, the tokenizer with <|offload|> and the web-llm record", async () => {
    const config = JSON.parse(await readFile(join(out, "mlc-chat-config.json"), "utf8"));
    const imEnd = ckpt.tokenizer.idOf("<|im_end|>")!;
    expect(config).toMatchObject({
      model_type: "qwen2",
      quantization: "q4f16_1",
      vocab_size: ckpt.model.config.vocabSize,
      context_window_size: 4096,
      prefill_chunk_size: 1024,
      tokenizer_files: ["tokenizer.json"],
      tokenizer_info: { token_postproc_method: "byte_level" },
      conv_template: { name: "qwen2", seps: ["<|im_end|>\n"], stop_str: ["<|endoftext|>", "<|im_end|>"] },
    });
    expect(config.conv_template.stop_token_ids).toEqual([
      ckpt.tokenizer.idOf("<|endoftext|>"),
      imEnd,
      ckpt.offloadTokenId,
    ]);
    const tokenizer = JSON.parse(await readFile(join(out, "tokenizer.json"), "utf8"));
    expect(tokenizer.added_tokens).toContainEqual(
      expect.objectContaining({ content: OFFLOAD_TOKEN, id: ckpt.offloadTokenId, special: true }),
    );
    const record = JSON.parse(await readFile(join(out, RECORD_FILE), "utf8"));
    expect(record.model_id).toMatch(/^tiny-q4f16_1-[0-9a-f]{8}$/);
    expect(record.model).toBe(`http://127.0.0.1:8080/models/${record.model_id}/resolve/main/`);
    expect(record).toMatchObject({ model_lib: LIB, required_features: ["shader-f16"] });
    const tandem = JSON.parse(await readFile(join(out, TANDEM_MODEL_FILE), "utf8"));
    expect(tandem).toEqual({
      format: "tandem.model",
      version: 1,
      spec: {
        kind: "mlc",
        id: record.model_id,
        label: expect.any(String),
        offloadTokenId: ckpt.offloadTokenId,
        record,
      },
    });
  });

  it("points Qwen2.5-0.5B shapes at web-llm's own prebuilt library for the quantization", () => {
    const model = { architecture: "qwen2" as const, config: PRESETS["qwen2.5-0.5b"], eosTokenIds: [] };
    for (const quant of ["q4f16_1", "q4f32_1"] as const) {
      const record = webLlmRecord({
        model,
        quant,
        modelId: "m-1",
        baseUrl: "https://cdn.test/w",
        contextWindow: 4096,
      });
      const prebuilt = prebuiltAppConfig.model_list.find(
        (r) => r.model_id === `Qwen2.5-0.5B-Instruct-${quant}-MLC`,
      )!;
      expect(record.model_lib).toBe(prebuilt.model_lib);
      expect(record.model).toBe("https://cdn.test/w/m-1/resolve/main/");
      expect("required_features" in record).toBe(quant === "q4f16_1");
    }
  });

  it("refuses shapes no prebuilt library runs unless a library is given", async () => {
    await expect(exportMlc(ckpt, out, { quant: "q4f32_1" })).rejects.toThrow(/--model-lib/);
  });
});
