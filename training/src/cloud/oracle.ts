/**
 * The cloud as a training-time oracle. The paper's cloud model is deterministic, so each prompt is
 * asked once: answers are cached on disk per (cloud model, prompt). Requests go through
 * @anthropic-ai/sdk (retries with backoff are the SDK's) with bounded concurrency.
 */

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";

export interface CloudOracle {
  answer(prompt: string): Promise<string>;
}

export interface AnthropicOracleOptions {
  baseURL?: string;
  apiKey: string;
  model: string;
  cacheDir: string;
  maxTokens?: number;
  concurrency?: number;
}

export class AnthropicOracle implements CloudOracle {
  private readonly client: Anthropic;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly memory = new Map<string, Promise<string>>();
  calls = 0;

  constructor(private readonly o: AnthropicOracleOptions) {
    this.client = new Anthropic({
      apiKey: o.apiKey,
      ...(o.baseURL ? { baseURL: o.baseURL } : {}),
      maxRetries: 4,
    });
  }

  answer(prompt: string): Promise<string> {
    const key = createHash("sha256").update(`${this.o.model}\n${prompt}`).digest("hex");
    let pending = this.memory.get(key);
    if (!pending) {
      pending = this.cachedOrAsk(key, prompt);
      this.memory.set(key, pending);
    }
    return pending;
  }

  private async cachedOrAsk(key: string, prompt: string): Promise<string> {
    const file = join(this.o.cacheDir, `${key}.json`);
    try {
      return (JSON.parse(await readFile(file, "utf8")) as { answer: string }).answer;
    } catch {}
    const answer = await this.limited(async () => {
      this.calls++;
      const message = await this.client.messages.create({
        model: this.o.model,
        max_tokens: this.o.maxTokens ?? 1024,
        messages: [{ role: "user", content: prompt }],
      });
      return message.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    });
    await mkdir(this.o.cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ model: this.o.model, prompt, answer }));
    await rename(tmp, file);
    return answer;
  }

  private async limited<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= (this.o.concurrency ?? 4)) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await f();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The final answer in free cloud text: the last <answer>...</answer>, else the last number. */
export function extractCloudAnswer(text: string): string | undefined {
  const tagged = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/g)].at(-1)?.[1];
  if (tagged !== undefined) return tagged.trim();
  return [...text.replaceAll(",", "").matchAll(/-?\d+(?:\.\d+)?/g)].at(-1)?.[0];
}
