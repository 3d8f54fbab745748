/**
 * Reads and validates a GGUF file's header before it reaches llama.cpp. wllama does not reject a
 * bad file (errors only reach its log and the next completion fails with an unrelated message),
 * and some missing keys abort llama.cpp outright, so every check it relies on is made here first.
 */

import { MODEL_CARD_KEY, type ModelCard, parseModelCard } from "../model-card";
import { ModelLoadError } from "./types";

const MAGIC = 0x46554747;
const MAX_STRING = 1 << 26;
const MAX_ARRAY = 1 << 26;

export type GgufScalar = number | bigint | boolean | string;
export type GgufMetaValue = GgufScalar | GgufScalar[];

export interface GgufTensorInfo {
  name: string;
  /** ggml order: fastest dimension first. */
  dims: number[];
  type: number;
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufMetaValue>;
  tensors: GgufTensorInfo[];
  dataStart: number;
  fileSize: number;
}

export interface GgufSummary {
  architecture: string;
  name?: string;
  contextLength: number;
  vocabSize: number;
  offloadTokenId?: number;
  /** Text of the end-of-sequence token, for chat templates that write it. */
  eosToken?: string;
  /** How the model must be used, for models post-trained here (`tandem.card`). */
  card?: ModelCard;
  tensorCount: number;
  fileSize: number;
}

/** Bytes per block and elements per block of the ggml types a file may hold. */
const GGML_BLOCKS: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  9: [36, 32], // Q8_1
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  15: [292, 256], // Q8_K
  24: [1, 1], // I8
  25: [2, 1], // I16
  26: [4, 1], // I32
  27: [8, 1], // I64
  28: [8, 1], // F64
  30: [2, 1], // BF16
};

/** Buffered little-endian reader over a Blob, fetching slices as it goes. */
class BlobCursor {
  private chunk = new Uint8Array(0);
  private chunkStart = 0;
  pos = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(
    private readonly blob: Blob,
    private readonly chunkSize = 1 << 20,
  ) {}

  private async need(n: number, what: string): Promise<DataView> {
    if (this.pos + n > this.blob.size) {
      throw new ModelLoadError(
        `The model file is truncated: it ends at byte ${this.blob.size} while reading ${what} at byte ${this.pos}.`,
        "truncated",
      );
    }
    const end = this.chunkStart + this.chunk.length;
    if (this.pos < this.chunkStart || this.pos + n > end) {
      const size = Math.max(n, this.chunkSize);
      this.chunk = new Uint8Array(await this.blob.slice(this.pos, this.pos + size).arrayBuffer());
      this.chunkStart = this.pos;
    }
    const at = this.pos - this.chunkStart;
    this.pos += n;
    return new DataView(this.chunk.buffer, this.chunk.byteOffset + at, n);
  }

  async u8(what: string): Promise<number> {
    return (await this.need(1, what)).getUint8(0);
  }
  async u32(what: string): Promise<number> {
    return (await this.need(4, what)).getUint32(0, true);
  }
  async i32(what: string): Promise<number> {
    return (await this.need(4, what)).getInt32(0, true);
  }
  async u64(what: string): Promise<bigint> {
    return (await this.need(8, what)).getBigUint64(0, true);
  }
  async i64(what: string): Promise<bigint> {
    return (await this.need(8, what)).getBigInt64(0, true);
  }
  async f32(what: string): Promise<number> {
    return (await this.need(4, what)).getFloat32(0, true);
  }
  async f64(what: string): Promise<number> {
    return (await this.need(8, what)).getFloat64(0, true);
  }
  async count(what: string, max: number): Promise<number> {
    const n = await this.u64(what);
    if (n > BigInt(max)) {
      throw new ModelLoadError(`The model file is corrupt: ${what} claims ${n} entries.`, "corrupt");
    }
    return Number(n);
  }
  async str(what: string): Promise<string> {
    const n = await this.count(`the length of ${what}`, MAX_STRING);
    const view = await this.need(n, what);
    try {
      return this.decoder.decode(view);
    } catch {
      throw new ModelLoadError(`The model file is corrupt: ${what} is not valid UTF-8.`, "corrupt");
    }
  }
}

async function readScalar(c: BlobCursor, type: number, what: string): Promise<GgufScalar> {
  switch (type) {
    case 0:
      return c.u8(what);
    case 1:
      return ((await c.u8(what)) << 24) >> 24;
    case 2:
    case 3: {
      const lo = await c.u8(what);
      const hi = await c.u8(what);
      const v = lo | (hi << 8);
      return type === 3 ? (v << 16) >> 16 : v;
    }
    case 4:
      return c.u32(what);
    case 5:
      return c.i32(what);
    case 6:
      return c.f32(what);
    case 7:
      return (await c.u8(what)) !== 0;
    case 8:
      return c.str(what);
    case 10:
      return c.u64(what);
    case 11:
      return c.i64(what);
    case 12:
      return c.f64(what);
    default:
      throw new ModelLoadError(
        `The model file is corrupt: ${what} has unknown value type ${type}.`,
        "corrupt",
      );
  }
}

async function readValue(c: BlobCursor, key: string): Promise<GgufMetaValue> {
  const type = await c.u32(`the type of "${key}"`);
  if (type !== 9) return readScalar(c, type, `"${key}"`);
  const itemType = await c.u32(`the item type of "${key}"`);
  if (itemType === 9)
    throw new ModelLoadError(`The model file uses nested arrays in "${key}".`, "unsupported");
  const n = await c.count(`"${key}"`, MAX_ARRAY);
  const items: GgufScalar[] = new Array(n);
  for (let i = 0; i < n; i++) items[i] = await readScalar(c, itemType, `"${key}"[${i}]`);
  return items;
}

export async function readGgufHeader(blob: Blob): Promise<GgufHeader> {
  const c = new BlobCursor(blob);
  if (blob.size < 24) {
    throw new ModelLoadError(`This is not a GGUF model: the file has only ${blob.size} bytes.`, "corrupt");
  }
  const magic = await c.u32("the magic number");
  if (magic !== MAGIC) {
    throw new ModelLoadError(
      "This is not a GGUF model: the file does not start with the GGUF magic bytes (was the download replaced by an error page?).",
      "corrupt",
    );
  }
  const version = await c.u32("the version");
  if (version !== 2 && version !== 3) {
    throw new ModelLoadError(
      `Unsupported GGUF version ${version} (this app reads versions 2 and 3).`,
      "unsupported",
    );
  }
  const tensorCount = await c.count("the tensor count", 1_000_000);
  const kvCount = await c.count("the metadata count", 1_000_000);
  const metadata = new Map<string, GgufMetaValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = await c.str(`metadata key #${i}`);
    metadata.set(key, await readValue(c, key));
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = await c.str(`the name of tensor #${i}`);
    const nDims = await c.u32(`the rank of tensor "${name}"`);
    if (nDims < 1 || nDims > 4) {
      throw new ModelLoadError(`The model file is corrupt: tensor "${name}" has rank ${nDims}.`, "corrupt");
    }
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(Number(await c.u64(`a dimension of "${name}"`)));
    const type = await c.u32(`the type of "${name}"`);
    const offset = Number(await c.u64(`the offset of "${name}"`));
    tensors.push({ name, dims, type, offset });
  }
  const alignment = Number(metadata.get("general.alignment") ?? 32);
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  return { version, metadata, tensors, dataStart, fileSize: blob.size };
}

function tensorBytes(t: GgufTensorInfo): number | undefined {
  const block = GGML_BLOCKS[t.type];
  if (!block) return undefined;
  const elements = t.dims.reduce((a, b) => a * b, 1);
  return (elements / block[1]) * block[0];
}

const REQUIRED_ARCH_KEYS = [
  "context_length",
  "embedding_length",
  "block_count",
  "feed_forward_length",
  "attention.head_count",
  "attention.layer_norm_rms_epsilon",
];

/** Checks what llama.cpp needs, and that every tensor's bytes are inside the file. */
export function validateGgufHeader(h: GgufHeader): GgufSummary {
  const get = (key: string) => h.metadata.get(key);
  const architecture = get("general.architecture");
  if (typeof architecture !== "string" || architecture === "") {
    throw new ModelLoadError('The model file has no "general.architecture" key.', "corrupt");
  }
  for (const key of REQUIRED_ARCH_KEYS) {
    if (typeof get(`${architecture}.${key}`) !== "number") {
      throw new ModelLoadError(`The model file lacks the required key "${architecture}.${key}".`, "corrupt");
    }
  }
  const tokens = get("tokenizer.ggml.tokens");
  if (typeof get("tokenizer.ggml.model") !== "string" || !Array.isArray(tokens)) {
    throw new ModelLoadError("The model file has no tokenizer (tokenizer.ggml.model / tokens).", "corrupt");
  }
  if (h.tensors.length === 0) throw new ModelLoadError("The model file has no tensors.", "corrupt");
  for (const t of h.tensors) {
    const size = tensorBytes(t) ?? 0;
    const end = h.dataStart + t.offset + size;
    if (end > h.fileSize) {
      throw new ModelLoadError(
        `The model file is truncated: tensor "${t.name}" needs bytes up to ${end} but the file has ${h.fileSize}. Download it again.`,
        "truncated",
      );
    }
  }
  const types = get("tokenizer.ggml.token_type");
  const offloadIndex = tokens.indexOf("<|offload|>");
  const isControl = offloadIndex >= 0 && Array.isArray(types) && types[offloadIndex] === 3;
  const name = get("general.name");
  const eos = tokens[Number(get("tokenizer.ggml.eos_token_id") ?? -1)];
  const card = readCard(get(MODEL_CARD_KEY), isControl ? offloadIndex : undefined);
  return {
    architecture,
    ...(typeof name === "string" ? { name } : {}),
    contextLength: Number(get(`${architecture}.context_length`)),
    vocabSize: tokens.length,
    ...(isControl ? { offloadTokenId: offloadIndex } : {}),
    ...(typeof eos === "string" ? { eosToken: eos } : {}),
    ...(card ? { card } : {}),
    tensorCount: h.tensors.length,
    fileSize: h.fileSize,
  };
}

function readCard(
  value: GgufMetaValue | undefined,
  offloadTokenId: number | undefined,
): ModelCard | undefined {
  if (value === undefined) return undefined;
  let card: ModelCard;
  try {
    card = parseModelCard(typeof value === "string" ? value : undefined);
  } catch (e) {
    throw new ModelLoadError(`The model file is corrupt: ${(e as Error).message}`, "corrupt");
  }
  if (card.offload.tokenId !== offloadTokenId)
    throw new ModelLoadError(
      `The model file is corrupt: its card names offload token ${card.offload.tokenId}, but the vocabulary's control token ${card.offload.token} is ${offloadTokenId ?? "missing"}.`,
      "corrupt",
    );
  return card;
}

export async function inspectGguf(blob: Blob): Promise<GgufSummary> {
  return validateGgufHeader(await readGgufHeader(blob));
}
