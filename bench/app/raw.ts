/**
 * The baseline for `npm run bench:app`: the same demo model in a bare page with wllama called
 * directly (no React, no router, no store), with the app's thread count, context length, and the
 * model card's prompt template and offload bias.
 * Exposes `__firstTokenMs(prompt)`: the time until the first token that puts text before a reader,
 * which is where the app's side of the benchmark stops too. The demo model's first token is
 * `<think>`, which shows nothing (the app folds the working away under its first words), so both
 * sides wait for the token after it.
 */

import { type RawCompletionChunk, Wllama } from "@wllama/wllama";
import wasmUrl from "@wllama/wllama/esm/wasm/wllama.wasm?url";
import { splitReasoning } from "../../src/app/chat/reasoning";
import { inspectGguf } from "../../src/core/engines/gguf-header";
import { followCard } from "../../src/core/model-card";

const model = await (await fetch(new URL("models/tandem-demo.gguf", location.href))).blob();
const { contextLength, card } = await inspectGguf(model);
const wllama = new Wllama({ default: wasmUrl }, { suppressNativeLog: true });
await wllama.loadModel([model], { n_ctx: Math.min(4096, contextLength), n_threads: 1 });

async function firstTokenMs(prompt: string): Promise<number> {
  const controller = new AbortController();
  const t0 = performance.now();
  let first = 0;
  let text = "";
  // Prompted and decoded as its card says, as the app does.
  const { messages, options } = followCard(card, [{ role: "user", content: prompt }], {
    temperature: 0,
    maxTokens: 64,
  });
  await wllama
    .createCompletion({
      prompt: `<|im_start|>user\n${messages[0]?.content ?? prompt}<|im_end|>\n<|im_start|>assistant\n`,
      stream: true,
      temperature: options.temperature,
      max_tokens: options.maxTokens,
      logit_bias: (options.logitBias ?? {}) as never,
      abortSignal: controller.signal,
      onData: (chunk: RawCompletionChunk) => {
        text += chunk.choices[0]?.text ?? "";
        const { working, answer } = splitReasoning(text);
        if (first || !(working || answer)) return;
        first = performance.now();
        controller.abort();
      },
    })
    .catch(() => undefined);
  return first - t0;
}

Object.assign(window, { __firstTokenMs: firstTokenMs });
document.getElementById("out")!.textContent = "ready";
