/**
 * `train gapg --base`: LoRA GAPG on a tiny random checkpoint in the exact Hugging Face layout (no
 * downloads), with real llama.cpp rollouts and the project's fake Anthropic server standing in for
 * the cloud, for Qwen2 with ChatML and Llama with Llama 3's chat format. The base stays as it was, the
 * adapter is a PEFT folder, and the merged GGUF runs in node-llama-cpp (the real consumer) with the
 * next-token distribution of base + adapters in tfjs, on the prompt its own chat template renders.
 */

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadParams, openHfCheckpoint } from "../checkpoint/hf-folder";
import { loadLora } from "../checkpoint/peft-adapter";
import { FakeCloud } from "../cloud/fake-anthropic/server";
import { AnthropicOracle } from "../cloud/oracle";
import { llamaCppNextTokens } from "../export/llama-cpp-probe";
import { writeHfFixture } from "../fixtures/hf-checkpoint";
import { tf, useBackend } from "../model/backend";
import { forward } from "../model/qwen2";
import { LlamaCppSampler } from "../rollout/llama-cpp-sampler";
import { generateSumMix } from "../tasks/sum-mix";
import { chatFormatOf } from "../tokenizer/chat-template";
import { CHECKPOINT_GAPG, trainCheckpoint } from "./train-checkpoint";

const cloud = new FakeCloud({ apiKey: "sk-ckpt" });
let dir: string;

beforeAll(async () => {
  await useBackend("wasm");
  dir = await mkdtemp(join(tmpdir(), "train-checkpoint-"));
});
afterAll(async () => {
  await cloud.stop();
  await rm(dir, { recursive: true, force: true });
});

const SHAPES = [
  { architecture: "qwen2", chat: "chatml" },
  { architecture: "llama", chat: "llama-3" },
] as const;

describe("train gapg --base (LoRA on a Hugging Face checkpoint)", () => {
  for (const { architecture, chat } of SHAPES)
    it(`trains the adapters only, resumes, and exports a merged model llama.cpp runs as tfjs does (${architecture}, ${chat})`, async () => {
      const base = join(dir, architecture, "base");
      const out = join(dir, architecture, "out");
      // Small weights: near-uniform next tokens, so rollouts sometimes offload and the rewards differ.
      await writeHfFixture(base, { architecture, chat, dtype: "F32", scale: 0.02 });
      const baseBytes = await readFile(join(base, "model.safetensors"));
      const oracle = new AnthropicOracle({
        apiKey: "sk-ckpt",
        baseURL: await cloud.start(),
        model: "fake",
        cacheDir: join(dir, "cache"),
      });
      const sampler = await LlamaCppSampler.create(48);
      const lora = { rank: 4, alpha: 8, targets: ["q_proj", "v_proj", "down_proj"] };
      const run = (steps: number, resume: boolean) =>
        trainCheckpoint(
          {
            base,
            task: "arithmetic",
            examples: generateSumMix(60, 3),
            validationPrompts: 8,
            lora,
            // A learning rate that moves random weights in two steps (the paper's 5e-6 is for real
            // checkpoints), and no filter: a random model answers nothing, and GAPG keeps no group then.
            gapg: {
              ...CHECKPOINT_GAPG,
              method: "collab-aware",
              steps,
              promptsPerBatch: 6,
              groupSize: 8,
              maxNewTokens: 16,
              lr: 1e-2,
              seed: 5,
            },
            budget: 0.3,
            evalTokens: 12,
            out,
            resume,
            command: "train gapg --base base",
            sampler,
            mlc: {},
            log: () => {},
          },
          oracle,
        );
      try {
        await run(1, false);
        const { logs, files, evaluation } = await run(2, true);
        expect(logs.map((l) => l.step)).toEqual([1, 2]);
        expect(evaluation.testPrompts).toBe(6);
        expect(files).toEqual(["adapter", "model", "base-gapg-f16.gguf", "model-card.json"]);
      } finally {
        await sampler.dispose();
      }
      expect(await readFile(join(base, "model.safetensors"))).toEqual(baseBytes);
      expect((await readdir(join(out, "adapter"))).sort()).toEqual([
        "adapter_config.json",
        "adapter_model.safetensors",
      ]);
      const card = JSON.parse(await readFile(join(out, "model-card.json"), "utf8"));
      expect(card.offload.budget).toBe(0.3);

      // base + adapters in tfjs vs the merged f16 GGUF in llama.cpp.
      const ckpt = await openHfCheckpoint(base);
      const params = await loadParams(ckpt);
      const adapters = await loadLora(join(out, "adapter"), ckpt.model.config, params);
      expect(adapters.variables.size).toBe(2 * 3 * ckpt.model.config.numLayers);
      const prompt = [{ role: "user", content: "What is 12 + 30?" }];
      const format = chatFormatOf(ckpt.tokenizer);
      expect(format.name).toBe(chat);
      const ids = ckpt.tokenizer.encode(format.render(prompt, { addGenerationPrompt: true }));
      const ours = tf.tidy(() => {
        const { logits } = forward(
          ckpt.model.config,
          params,
          tf.tensor2d([ids], undefined, "int32"),
          undefined,
          adapters,
        );
        const last = tf.slice(logits, [0, ids.length - 1, 0], [1, 1, -1]);
        return tf.logSoftmax(tf.reshape(last, [-1])).dataSync() as Float32Array;
      });
      const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
      const model = await llama.loadModel({ modelPath: join(out, "base-gapg-f16.gguf") });
      try {
        // llama.cpp renders the file's own chat template into the prompt training used, token for token.
        const template = (model.fileInfo.metadata as { tokenizer: { chat_template?: string } }).tokenizer
          .chat_template;
        const text = new Template(template!).render({ messages: prompt, add_generation_prompt: true });
        expect(Array.from(model.tokenize(text, true))).toEqual(ids);
        const theirs = await llamaCppNextTokens(model, ids, 1);
        let worst = 0;
        ours.forEach((lp, i) => {
          worst = Math.max(worst, Math.abs(lp - theirs.logProbs[i]!));
        });
        // f16 weights: the GGUF parity tests' bound.
        expect(worst).toBeLessThan(0.03);
        // The adapters changed the model: the base alone differs.
        const baseOnly = tf.tidy(() => {
          const { logits } = forward(ckpt.model.config, params, tf.tensor2d([ids], undefined, "int32"));
          const last = tf.slice(logits, [0, ids.length - 1, 0], [1, 1, -1]);
          return tf.logSoftmax(tf.reshape(last, [-1])).dataSync() as Float32Array;
        });
        expect(Math.max(...baseOnly.map((lp, i) => Math.abs(lp - ours[i]!)))).toBeGreaterThan(1e-3);
      } finally {
        await model.dispose();
        await llama.dispose();
        adapters.dispose();
        for (const v of params.values()) v.dispose();
        await ckpt.weights.close();
      }
    }, 300_000);
});
