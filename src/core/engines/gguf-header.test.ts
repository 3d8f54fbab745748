import { readFile } from "node:fs/promises";
import {
  encodeGguf,
  GgmlType,
  type GgufValue,
  GgufValueType,
  gguf,
  tensorByteSize,
} from "@tandem/training/export/gguf";
import { buildHandWiredModel, handWiredVocab } from "@tandem/training/fixtures/hand-wired-model";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL_CARD_KEY } from "../model-card";
import { type GgufHeader, inspectGguf, readGgufHeader, tensorBytes, validateGgufHeader } from "./gguf-header";
import { blob, ggufArray, type HeaderLayout, headerLayout, withMetadata } from "./gguf-test-files";
import { ModelLoadError } from "./types";

let model: Uint8Array;
beforeAll(async () => {
  model = await encodeGguf(buildHandWiredModel());
});

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

let demo: Uint8Array;
let demoLayout: HeaderLayout;
beforeAll(async () => {
  demo = new Uint8Array(await readFile("public/models/tandem-demo.gguf"));
  demoLayout = headerLayout(demo);
});

/** A copy of the bundled model with `edit` applied to its bytes. */
function editedDemo(edit: (view: DataView, layout: HeaderLayout) => void): Uint8Array {
  const bytes = demo.slice();
  edit(new DataView(bytes.buffer), demoLayout);
  return bytes;
}

async function refusal(bytes: Uint8Array): Promise<ModelLoadError> {
  const error = await inspectGguf(blob(bytes)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return error as ModelLoadError;
}

async function expectCorrupt(bytes: Uint8Array, message: string): Promise<void> {
  const { code, message: actual } = await refusal(bytes);
  expect({ code, message: actual }).toEqual({
    code: "corrupt",
    message: `The model file is corrupt: ${message}`,
  });
}

/** The hand-wired model with metadata entries replaced (`undefined` drops the key). */
function handWiredWith(changes: Record<string, GgufValue | undefined>) {
  const file = buildHandWiredModel();
  const kept = file.metadata.filter(([k]) => !(k in changes));
  const added = Object.entries(changes).flatMap(([k, v]) => (v ? [[k, v] as const] : []));
  return encodeGguf({ ...file, metadata: [...kept, ...added] });
}

describe("general.alignment", () => {
  const withAlignment = (type: number, write: (view: DataView, at: number) => void) =>
    editedDemo((view, layout) => {
      const at = layout.values.get("general.alignment")!;
      view.setUint32(at - 4, type, true);
      write(view, at);
    });

  it("refuses an alignment of 0, one that is not a power of two, or one not stored as a u32", async () => {
    for (const value of [0, 7, 48, 0xffffffff]) {
      await expectCorrupt(
        withAlignment(4, (view, at) => view.setUint32(at, value, true)),
        `"general.alignment" must be a power of two stored as a u32, but it is u32 ${value}.`,
      );
    }
    await expectCorrupt(
      withAlignment(6, (view, at) => view.setFloat32(at, 32, true)),
      `"general.alignment" must be a power of two stored as a u32, but it is f32 32.`,
    );
    await expectCorrupt(
      withAlignment(5, (view, at) => view.setInt32(at, 32, true)),
      `"general.alignment" must be a power of two stored as a u32, but it is i32 32.`,
    );
  });

  it("defaults to 32 and accepts any power of two the file is laid out with", async () => {
    for (const alignment of [undefined, 1, 64]) {
      const bytes = await handWiredWith({
        "general.alignment": alignment === undefined ? undefined : gguf.u32(alignment),
      });
      const header = await readGgufHeader(blob(bytes));
      expect(header.alignment).toBe(alignment ?? 32);
      expect(validateGgufHeader(header).tensorCount).toBe(buildHandWiredModel().tensors.length);
    }
  });
});

describe("tensor infos", () => {
  const first = () => demoLayout.tensors[0]!;

  it("refuses unknown and removed ggml types", async () => {
    for (const type of [4, 5, 31, 36, 41, 99, 0xffffffff]) {
      await expectCorrupt(
        editedDemo((view) => view.setUint32(first().typeAt, type, true)),
        `tensor "token_embd.weight" has unknown ggml type ${type}.`,
      );
    }
  });

  it("sizes every known type by its blocks, so a tensor given the wrong type is caught", async () => {
    for (const type of [16, 17]) {
      await expectCorrupt(
        editedDemo((view) => view.setUint32(first().typeAt, type, true)),
        `tensor "token_embd.weight" of ggml type ${type} has rows of 128 values, not a multiple of its block size 256.`,
      );
    }
    // MXFP4: 17 bytes per 32 values, so [128, 304] takes 20672 bytes instead of F32's 155648.
    await expectCorrupt(
      editedDemo((view) => view.setUint32(first().typeAt, 39, true)),
      'tensor "blk.0.attn_norm.weight" has offset 155648, expected 20672 (right after tensor "token_embd.weight").',
    );
  });

  it("accepts the quantized and half-precision tensors our writer produces", async () => {
    const file = buildHandWiredModel();
    const quantized = file.tensors.map((t, i) => ({
      ...t,
      type: t.shape.length === 1 ? GgmlType.F16 : i % 2 ? GgmlType.Q8_0 : GgmlType.Q4_0,
    }));
    const bytes = await encodeGguf({ ...file, tensors: quantized });
    const header = await readGgufHeader(blob(bytes));
    expect(validateGgufHeader(header).tensorCount).toBe(quantized.length);
    for (const [i, t] of header.tensors.entries()) {
      expect(tensorBytes(t)).toBe(tensorByteSize(quantized[i]!));
    }
  });

  it("refuses misaligned, overlapping, gapped and far-away tensor offsets", async () => {
    const [, second] = demoLayout.tensors;
    const setOffset = (at: number, offset: bigint) =>
      editedDemo((view) => view.setBigUint64(at, offset, true));
    await expectCorrupt(
      setOffset(second!.offsetAt, 155648n + 4n),
      'tensor "blk.0.attn_norm.weight" has offset 155652, not a multiple of the alignment 32.',
    );
    await expectCorrupt(
      editedDemo((view, layout) => {
        for (const t of layout.tensors) view.setBigUint64(t.offsetAt, 0n, true);
      }),
      'tensor "blk.0.attn_norm.weight" at offset 0 overlaps tensor "token_embd.weight", whose data runs to 155648.',
    );
    await expectCorrupt(
      setOffset(second!.offsetAt, 1n << 40n),
      'tensor "blk.0.attn_norm.weight" has offset 1099511627776, expected 155648 (right after tensor "token_embd.weight").',
    );
    await expectCorrupt(
      setOffset(first().offsetAt, 32n),
      'tensor "token_embd.weight" has offset 32, expected 0 (right after the header).',
    );
  });

  it("refuses a dimension of 0 or beyond 2^53", async () => {
    await expectCorrupt(
      editedDemo((view) => view.setBigUint64(first().dimsAt[1]!, 0n, true)),
      'dimension 1 of tensor "token_embd.weight" is 0.',
    );
    await expectCorrupt(
      editedDemo((view) => view.setBigUint64(first().dimsAt[0]!, 1n << 60n, true)),
      `dimension 0 of tensor "token_embd.weight" is ${2 ** 60}.`,
    );
  });

  it("refuses duplicate and overlong tensor names", async () => {
    const file = buildHandWiredModel();
    const renamed = (i: number, name: string) =>
      encodeGguf({ ...file, tensors: file.tensors.map((t, j) => (j === i ? { ...t, name } : t)) });
    await expectCorrupt(await renamed(1, "token_embd.weight"), 'two tensors are named "token_embd.weight".');
    await expectCorrupt(
      await renamed(0, "x".repeat(64)),
      "the name of tensor #0 is 64 bytes long, more than 63.",
    );
  });

  it("refuses a tensor count that leaves tensors out or claims more than there are", async () => {
    const count = BigInt(demoLayout.tensors.length);
    // One tensor fewer: the header ends where the last tensor's info began, the data starts at the next
    // alignment, and everything after the new last tensor's data is left over.
    const { tensors, alignment } = await readGgufHeader(blob(demo));
    const dropped = demoLayout.tensors.at(-1)!;
    const headerEnd = dropped.rankAt - 8 - new TextEncoder().encode(dropped.name).length;
    const dataStart = Math.ceil(headerEnd / alignment) * alignment;
    const kept = tensors.at(-2)!;
    const leftOver = demo.length - (dataStart + kept.offset + tensorBytes(kept));
    await expectCorrupt(
      editedDemo((view) => view.setBigUint64(8, count - 1n, true)),
      `${leftOver} bytes follow the data of the last tensor "${kept.name}" (does the tensor count ${count - 1n} leave tensors out?).`,
    );
    await refusal(editedDemo((view) => view.setBigUint64(8, count + 1n, true)));
    await expectCorrupt(
      editedDemo((view) => view.setBigUint64(8, 16385n, true)),
      "the tensor count claims 16385 entries.",
    );
  });
});

describe("metadata llama.cpp relies on", () => {
  const f32 = (value: number): GgufValue => ({ type: GgufValueType.FLOAT32, value });

  it("requires context_length and block_count to be u32 values above 0", async () => {
    const cases: Array<[string, GgufValue, string]> = [
      ["qwen2.context_length", gguf.u32(0), "u32 0"],
      ["qwen2.context_length", f32(Number.NaN), "f32 NaN"],
      ["qwen2.context_length", gguf.i32(2048), "i32 2048"],
      ["qwen2.block_count", gguf.u32(0), "u32 0"],
      ["qwen2.block_count", f32(1.5), "f32 1.5"],
    ];
    for (const [key, value, shown] of cases) {
      await expectCorrupt(
        await handWiredWith({ [key]: value }),
        `"${key}" must be a u32 greater than 0, but it is ${shown}.`,
      );
    }
  });

  it("requires the bos and eos token ids to be u32 ids inside the vocabulary", async () => {
    const size = handWiredVocab().tokens.length;
    const cases: Array<[string, GgufValue, string]> = [
      ["tokenizer.ggml.eos_token_id", gguf.u32(size), `u32 ${size}`],
      ["tokenizer.ggml.bos_token_id", gguf.u32(0xffffffff), "u32 4294967295"],
      ["tokenizer.ggml.eos_token_id", gguf.i32(2), "i32 2"],
    ];
    for (const [key, value, shown] of cases) {
      await expectCorrupt(
        await handWiredWith({ [key]: value }),
        `"${key}" must be a u32 below the vocabulary size ${size}, but it is ${shown}.`,
      );
    }
  });

  it("requires token types and scores to have one entry per token, and merges to be strings", async () => {
    const size = handWiredVocab().tokens.length;
    await expectCorrupt(
      await handWiredWith({ "tokenizer.ggml.token_type": gguf.i32s([1, 1, 3]) }),
      `"tokenizer.ggml.token_type" must be an array of ${size} (Int32Array), one per token, but it is an array of 3 (Int32Array).`,
    );
    const scores: GgufValue = {
      type: GgufValueType.ARRAY,
      itemType: GgufValueType.FLOAT32,
      value: [0.5],
    };
    await expectCorrupt(
      await handWiredWith({ "tokenizer.ggml.scores": scores }),
      `"tokenizer.ggml.scores" must be an array of ${size} (Float32Array), one per token, but it is an array of 1 (Float32Array).`,
    );
    await expectCorrupt(
      await handWiredWith({ "tokenizer.ggml.merges": gguf.i32s([1, 2]) }),
      '"tokenizer.ggml.merges" must be an array of strings, but it is an array of 2 (Int32Array).',
    );
  });

  it("refuses a metadata key given twice", async () => {
    const file = buildHandWiredModel();
    const twice = await encodeGguf({
      ...file,
      metadata: [...file.metadata, ["general.name", gguf.str("again")]],
    });
    await expectCorrupt(twice, 'the metadata key "general.name" appears twice.');
  });
});

/** Runs `work` under a 5 ms heartbeat: the longest gap between beats bounds its longest synchronous stretch. */
async function underHeartbeat<T>(work: () => Promise<T>) {
  let last = performance.now();
  let maxGap = 0;
  const beat = () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  };
  const timer = setInterval(beat, 5);
  const started = performance.now();
  const outcome = await work().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const elapsed = performance.now() - started;
  clearInterval(timer);
  beat();
  return { outcome, elapsed, maxGap };
}

describe("hostile metadata arrays", () => {
  it("reads an array of 2^26 (64 MiB) u8 in bulk, without long stretches that block the event loop", async () => {
    const n = 1 << 26;
    const hostile = withMetadata(model, "hostile.bytes", ggufArray(0, n, new Uint8Array(n).fill(7)));
    const file = blob(hostile.bytes);
    const { outcome, elapsed, maxGap } = await underHeartbeat(() => readGgufHeader(file));
    expect(outcome).toHaveProperty("value");
    const header = (outcome as { value: GgufHeader }).value;
    const bytes = header.metadata.get(hostile.key);
    expect(bytes instanceof Uint8Array && bytes.length === n && bytes.every((b) => b === 7)).toBe(true);
    expect(validateGgufHeader(header).vocabSize).toBe(handWiredVocab().tokens.length);
    expect(elapsed).toBeLessThan(2000);
    expect(maxGap).toBeLessThan(50);
  });

  it("reads an array of 2^18 strings without long stretches that block the event loop", async () => {
    const n = 1 << 18;
    const items = new Uint8Array(9 * n);
    const view = new DataView(items.buffer);
    for (let i = 0; i < n; i++) {
      view.setBigUint64(9 * i, 1n, true);
      items[9 * i + 8] = 0x61;
    }
    const hostile = withMetadata(model, "hostile.strings", ggufArray(8, n, items));
    const file = blob(hostile.bytes);
    const { outcome, elapsed, maxGap } = await underHeartbeat(() => inspectGguf(file));
    expect(outcome).toHaveProperty("value");
    expect(elapsed).toBeLessThan(5000);
    expect(maxGap).toBeLessThan(50);
  });

  it("refuses an array the rest of the file cannot hold before allocating it", async () => {
    for (const itemType of [0, 8, 12]) {
      expect(
        await refusal(
          withMetadata(model, "hostile.claim", ggufArray(itemType, 1 << 26, new Uint8Array())).bytes,
        ),
      ).toMatchObject({
        code: "truncated",
        message: expect.stringMatching(/truncated: it ends at byte \d+ while reading "hostile\.claim_*"/),
      });
    }
    expect(
      await refusal(withMetadata(model, "hostile.claim", ggufArray(0, 2 ** 27, new Uint8Array())).bytes),
    ).toMatchObject({
      code: "corrupt",
      message: expect.stringMatching(/corrupt: "hostile\.claim_*" claims 134217728 entries/),
    });
  });
});
