/**
 * Runs in headless Chromium. Same model, same page, interleaved runs:
 * 1. local tokens/s through the router vs straight from the engine;
 * 2. handoff latency: offload marker seen -> cloud request sent (fake cloud on loopback);
 * 3. offload detector throughput vs a pass-through that only concatenates.
 */

import wasmUrl from "@wllama/wllama/esm/wasm/wllama.wasm?url";
import { CloudClient } from "../../src/core/cloud";
import { InMemoryRouteHistory } from "../../src/core/cloud-budget";
import { WllamaEngine } from "../../src/core/engines/wllama-engine";
import { markerSpec, OffloadDetector } from "../../src/core/offload";
import { Router } from "../../src/core/router";

const params = new URLSearchParams(location.search);
const cloudUrl = params.get("cloud") ?? "";
const rounds = Number(params.get("rounds") ?? 8);
const maxTokens = Number(params.get("tokens") ?? 400);

const engine = new WllamaEngine({ wasmUrl, cacheName: "bench" });
await engine.load({
  kind: "gguf",
  id: "loop",
  url: new URL("tandem-demo-loop.gguf", location.href).href,
  label: "loop",
});
const cloud = new CloudClient({
  mode: "direct",
  baseURL: cloudUrl,
  apiKey: "sk-bench",
  model: "claude-haiku-4-5",
  maxRetries: 0,
});
const router = new Router({ engine, cloud, history: new InMemoryRouteHistory() });
const smallTalk = [{ role: "user" as const, content: "Hello there" }];

async function rawRun(): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of engine.generate(smallTalk, { maxTokens, temperature: 0 })) n++;
  return n / ((performance.now() - t0) / 1000);
}

async function routerRun(): Promise<number> {
  const t0 = performance.now();
  let tokens = 0;
  for await (const e of router.turn(smallTalk, { mode: "auto", maxTokens, temperature: 0 })) {
    if (e.type === "done") tokens = e.record.localTokens;
  }
  return tokens / ((performance.now() - t0) / 1000);
}

const raw: number[] = [];
const routed: number[] = [];
await rawRun(); // warm-up
for (let i = 0; i < rounds; i++) {
  // Alternate the order so drift on a noisy machine hits both sides alike.
  if (i % 2 === 0) {
    raw.push(await rawRun());
    routed.push(await routerRun());
  } else {
    routed.push(await routerRun());
    raw.push(await rawRun());
  }
}

const handoff: number[] = [];
for (let i = 0; i < rounds * 4; i++) {
  for await (const e of router.turn([{ role: "user", content: `What is ${i}*7?` }], {
    mode: "auto",
    temperature: 0,
  })) {
    if (e.type === "done" && e.record.timings.handoffMs !== undefined)
      handoff.push(e.record.timings.handoffMs);
  }
}

function syntheticStream(chars: number): string[] {
  const words = [
    "the ",
    "answer ",
    "is ",
    "<",
    "unknown ",
    "<|",
    "of",
    "fice|> ",
    "42",
    ".\n",
    "Größe ",
    "😀 ",
  ];
  const chunks: string[] = [];
  let total = 0;
  for (let i = 0; total < chars; i++) {
    const w = words[(i * 7 + (i >> 3)) % words.length]!;
    chunks.push(w);
    total += w.length;
  }
  return chunks;
}
const stream = syntheticStream(4_000_000);
const chars = stream.reduce((n, c) => n + c.length, 0);
const detectorRates: number[] = [];
const passRates: number[] = [];
for (let i = 0; i < 5; i++) {
  let t0 = performance.now();
  const d = new OffloadDetector(markerSpec(999));
  let shown = 0;
  for (const c of stream) shown += d.push({ text: c, tokenId: 1 }).text.length;
  shown += d.end().text.length;
  detectorRates.push(chars / ((performance.now() - t0) / 1000));
  if (shown !== chars) throw new Error(`detector lost text: ${shown} of ${chars}`);
  t0 = performance.now();
  let s = "";
  for (const c of stream) s += c;
  passRates.push(s.length / ((performance.now() - t0) / 1000));
}

(window as unknown as { __bench: unknown }).__bench = {
  raw,
  routed,
  handoff,
  detectorRates,
  passRates,
  detectorChunks: stream.length,
  detectorChars: chars,
};
document.getElementById("out")!.textContent = "done";
