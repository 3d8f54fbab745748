import { readFile } from "node:fs/promises";
import { encodeGguf, gguf } from "@tandem/training/export/gguf";
import { buildHandWiredModel, handWiredVocab } from "@tandem/training/fixtures/hand-wired-model";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL_CARD_KEY } from "../model-card";
import { inspectGguf } from "./gguf-header";

let model: Uint8Array;
beforeAll(async () => {
  model = await encodeGguf(buildHandWiredModel());
});

const blob = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

describe("inspectGguf", () => {
  it("reads the demo model's summary and finds the offload control token", async () => {
    const s = await inspectGguf(blob(model));
    expect(s.architecture).toBe("qwen2");
    expect(s.vocabSize).toBe(handWiredVocab().tokens.length);
    expect(s.offloadTokenId).toBe(handWiredVocab().id("<|offload|>"));
    expect(s.fileSize).toBe(model.length);
  });

  it("rejects a file that is not GGUF", async () => {
    const html = new TextEncoder().encode("<!doctype html><html>Not found</html>");
    await expect(inspectGguf(blob(html))).rejects.toThrow(/not a GGUF model.*magic/);
  });

  it("names the tensor a truncated file cuts off", async () => {
    await expect(inspectGguf(blob(model.slice(0, model.length - 100)))).rejects.toThrow(
      /truncated: tensor "blk\.0\.ffn_down\.weight"/,
    );
  });

  it("reports a file cut inside its header", async () => {
    await expect(inspectGguf(blob(model.slice(0, 2000)))).rejects.toThrow(/truncated: it ends at byte 2000/);
  });

  it("rejects an unknown version and a missing required key", async () => {
    const badVersion = model.slice();
    new DataView(badVersion.buffer).setUint32(4, 99, true);
    await expect(inspectGguf(blob(badVersion))).rejects.toThrow(/Unsupported GGUF version 99/);

    const file = buildHandWiredModel();
    const withoutHeads = {
      ...file,
      metadata: file.metadata.filter(([k]) => k !== "qwen2.attention.head_count"),
    };
    await expect(inspectGguf(blob(await encodeGguf(withoutHeads)))).rejects.toThrow(
      /lacks the required key "qwen2\.attention\.head_count"/,
    );
  });

  it("rejects absurd counts instead of allocating them", async () => {
    const corrupt = model.slice();
    new DataView(corrupt.buffer).setBigUint64(16, 1n << 40n, true);
    await expect(inspectGguf(blob(corrupt))).rejects.toThrow(/corrupt: the metadata count claims/);
  });

  it("reads the bundled model's card and checks it against the vocabulary", async () => {
    const bundled = await inspectGguf(new Blob([await readFile("public/models/tandem-demo.gguf")]));
    expect(bundled.card?.offload.tokenId).toBe(bundled.offloadTokenId);
    expect(bundled.card?.userTemplate).toContain("{message}");

    const withCard = (card: unknown) => {
      const file = buildHandWiredModel();
      return encodeGguf({
        ...file,
        metadata: [...file.metadata, [MODEL_CARD_KEY, gguf.str(JSON.stringify(card))]],
      });
    };
    const wrongId = { ...bundled.card, offload: { ...bundled.card!.offload, tokenId: 3 } };
    await expect(inspectGguf(blob(await withCard(wrongId)))).rejects.toThrow(
      /its card names offload token 3, but the vocabulary's control token <\|offload\|> is \d+/,
    );
    await expect(inspectGguf(blob(await withCard({ format: "tandem.card" })))).rejects.toThrow(
      /corrupt: The model card is invalid at version/,
    );
  });
});
