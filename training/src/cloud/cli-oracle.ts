/**
 * The cloud oracle the command line uses: Anthropic's API when ANTHROPIC_API_KEY is set
 * (ANTHROPIC_BASE_URL and TANDEM_CLOUD_MODEL optional), otherwise the project's local fake cloud,
 * which speaks the same wire protocol and solves arithmetic exactly.
 */

import { FakeCloud } from "./fake-anthropic/server";
import { AnthropicOracle } from "./oracle";

export async function cliOracle(
  cacheDir: string,
): Promise<{ oracle: AnthropicOracle; stop: () => Promise<void> }> {
  if (process.env.ANTHROPIC_API_KEY) {
    const oracle = new AnthropicOracle({
      apiKey: process.env.ANTHROPIC_API_KEY,
      ...(process.env.ANTHROPIC_BASE_URL ? { baseURL: process.env.ANTHROPIC_BASE_URL } : {}),
      model: process.env.TANDEM_CLOUD_MODEL ?? "claude-haiku-4-5",
      cacheDir,
    });
    return { oracle, stop: async () => {} };
  }
  const fake = new FakeCloud({ apiKey: "sk-local-fake" });
  const oracle = new AnthropicOracle({
    apiKey: "sk-local-fake",
    baseURL: await fake.start(),
    model: "fake-cloud",
    cacheDir,
  });
  console.error("cloud oracle: the local fake cloud (set ANTHROPIC_API_KEY to use Anthropic's API)");
  return { oracle, stop: () => fake.stop() };
}
