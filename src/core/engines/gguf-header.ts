/**
 * Reads and validates a GGUF file's header before it reaches llama.cpp. wllama does not reject a
 * bad file (errors only reach its log and the next completion fails with an unrelated message),
 * and some missing keys or malformed values abort llama.cpp outright or make it read out of
 * bounds, so every check it relies on is made here first, with a message naming what is wrong.
 */

import { MODEL_CARD_KEY, type ModelCard, parseModelCard } from "../model-card";
import { ModelLoadError } from "./types";

const MAGIC = 0x46554747;
const MAX_STRING = 1 << 26;
const MAX_ARRAY = 1 << 26;
const MAX_KEYS = 1_000_000;
/** Above any model (the largest have a few thousand tensors), and few enough to validate synchronously. */
const MAX_TENSORS = 1 << 14;
/** llama.cpp's GGML_MAX_NAME (64) includes the terminating NUL. */
const MAX_TENSOR_NAME = 63;
const DEFAULT_ALIGNMENT = 32;

const GGUF_U32 = 4;
const GGUF_STRING = 8;
const GGUF_ARRAY = 9;
const GGUF_TYPE_NAMES = "u8 i8 u16 i16 u32 i32 f32 bool string array u64 i64 f64".split(" ");

export type GgufScalar = number | bigint | boolean | string;
/** Numeric and bool arrays, in the host's byte order (little-endian like GGUF wherever browsers run). */
export type GgufNumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;
export type GgufMetaValue = GgufScalar | string[] | GgufNumericArray;

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
  /** GGUF value type of each metadata key (9 for arrays). */
  valueTypes: Map<string, number>;
  tensors: GgufTensorInfo[];
  alignment: number;
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

/**
 * Bytes per block and elements per block of every type ggml reads from a GGUF file (ggml.h and
 * ggml-common.h). Missing ids were removed from ggml (4-5 Q4_2/Q4_3, 31-33 Q4_0_x_x, 36-38
 * IQ4_NL_x_x) or postdate the llama.cpp in wllama (41 Q1_0 and up).
 */
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
  16: [66, 256], // IQ2_XXS
  17: [74, 256], // IQ2_XS
  18: [98, 256], // IQ3_XXS
  19: [50, 256], // IQ1_S
  20: [18, 32], // IQ4_NL
  21: [110, 256], // IQ3_S
  22: [82, 256], // IQ2_S
  23: [136, 256], // IQ4_XS
  24: [1, 1], // I8
  25: [2, 1], // I16
  26: [4, 1], // I32
  27: [8, 1], // I64
  28: [8, 1], // F64
  29: [56, 256], // IQ1_M
  30: [2, 1], // BF16
  34: [54, 256], // TQ1_0
  35: [66, 256], // TQ2_0
  39: [17, 32], // MXFP4
  40: [36, 64], // NVFP4
};

/** Size and decoder of each fixed-size GGUF value type. */
const SCALARS: Record<number, [size: number, read: (v: DataView, at: number) => GgufScalar]> = {
  0: [1, (v, at) => v.getUint8(at)],
  1: [1, (v, at) => v.getInt8(at)],
  2: [2, (v, at) => v.getUint16(at, true)],
  3: [2, (v, at) => v.getInt16(at, true)],
  4: [4, (v, at) => v.getUint32(at, true)],
  5: [4, (v, at) => v.getInt32(at, true)],
  6: [4, (v, at) => v.getFloat32(at, true)],
  7: [1, (v, at) => v.getUint8(at) !== 0],
  10: [8, (v, at) => v.getBigUint64(at, true)],
  11: [8, (v, at) => v.getBigInt64(at, true)],
  12: [8, (v, at) => v.getFloat64(at, true)],
};

/** Typed array for each fixed-size GGUF item type; bools are kept as bytes. */
const NUMERIC_ARRAYS: Record<number, { new (b: ArrayBuffer): GgufNumericArray; BYTES_PER_ELEMENT: number }> =
  {
    0: Uint8Array,
    1: Int8Array,
    2: Uint16Array,
    3: Int16Array,
    4: Uint32Array,
    5: Int32Array,
    6: Float32Array,
    7: Uint8Array,
    10: BigUint64Array,
    11: BigInt64Array,
    12: Float64Array,
  };

const corrupt = (what: string) => new ModelLoadError(`The model file is corrupt: ${what}`, "corrupt");

/** Hands the event loop back every few milliseconds of parsing, so a hostile file cannot freeze the page. */
class Pacer {
  private static readonly SLICE_MS = 8;
  /** Bytes parsed between looks at the clock. */
  private static readonly CHECK_BYTES = 1 << 14;
  private since = performance.now();
  private checkedAt = 0;

  /** Whether the parse, now at byte `pos`, has run long enough to yield. */
  due(pos: number): boolean {
    if (pos - this.checkedAt < Pacer.CHECK_BYTES) return false;
    this.checkedAt = pos;
    return performance.now() - this.since > Pacer.SLICE_MS;
  }

  async breathe(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.since = performance.now();
  }
}

/** Bytes fetched (and decoded) per step: few enough that no step holds the event loop for long. */
const PIECE = 1 << 20;

/** Buffered little-endian reader over a Blob, fetching a piece at a time. */
class BlobCursor {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private bufStart = 0;
  pos = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly pacer = new Pacer();

  constructor(private readonly blob: Blob) {}

  /** Whether parsing has held the event loop long enough that it should `breathe`. */
  get due(): boolean {
    return this.pacer.due(this.pos);
  }

  breathe(): Promise<void> {
    return this.pacer.breathe();
  }

  /** Throws when the file ends before n more bytes, before anything is allocated for them. */
  expect(n: number, what: string): void {
    if (this.pos + n > this.blob.size) {
      throw new ModelLoadError(
        `The model file is truncated: it ends at byte ${this.blob.size} while reading ${what} at byte ${this.pos}.`,
        "truncated",
      );
    }
  }

  private buffered(n: number): boolean {
    return this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length;
  }

  /** Makes the next n (at most PIECE) bytes readable, fetching a piece only when they are not buffered. */
  private async fill(n: number, what: string): Promise<void> {
    this.expect(n, what);
    if (this.buffered(n)) return;
    const end = Math.min(this.blob.size, this.pos + PIECE);
    this.buf = new Uint8Array(await this.blob.slice(this.pos, end).arrayBuffer());
    this.view = new DataView(this.buf.buffer);
    this.bufStart = this.pos;
  }

  /** Consumes n buffered bytes; returns their index in the buffer. */
  private take(n: number): number {
    const at = this.pos - this.bufStart;
    this.pos += n;
    return at;
  }

  /** The next bytes, at most n and at most a piece, as a view of the buffer. */
  private async piece(n: number, what: string): Promise<Uint8Array> {
    const size = Math.min(n, PIECE);
    await this.fill(size, what);
    const at = this.take(size);
    return this.buf.subarray(at, at + size);
  }

  async u32(what: string): Promise<number> {
    await this.fill(4, what);
    return this.view.getUint32(this.take(4), true);
  }
  async u64(what: string): Promise<bigint> {
    await this.fill(8, what);
    return this.view.getBigUint64(this.take(8), true);
  }

  async scalar(type: number, what: string): Promise<GgufScalar> {
    if (type === GGUF_STRING) return this.str(what);
    const scalar = SCALARS[type];
    if (!scalar) throw corrupt(`${what} has unknown value type ${type}.`);
    const [size, read] = scalar;
    await this.fill(size, what);
    return read(this.view, this.take(size));
  }

  async count(what: string, max: number): Promise<number> {
    const n = await this.u64(what);
    if (n > BigInt(max)) throw corrupt(`${what} claims ${n} entries.`);
    return Number(n);
  }

  async str(what: string, maxBytes = MAX_STRING): Promise<string> {
    const buffered = this.strIfBuffered(what, maxBytes);
    if (buffered !== undefined) return buffered;
    await this.fill(8, `the length of ${what}`);
    const n = this.strLength(what, maxBytes);
    this.take(8);
    return this.decodePieces(n, what);
  }

  /** A string read without awaiting when its bytes are buffered; otherwise undefined, reading nothing. */
  strIfBuffered(what: string, maxBytes = MAX_STRING): string | undefined {
    if (!this.buffered(8)) return undefined;
    const n = this.strLength(what, maxBytes);
    if (!this.buffered(8 + n)) return undefined;
    const at = this.take(8 + n) + 8;
    return utf8(this.decoder, this.buf.subarray(at, at + n), false, what);
  }

  /** The length of the string at `pos` (buffered), refusing one over maxBytes. */
  private strLength(what: string, maxBytes: number): number {
    const at = this.pos - this.bufStart;
    // Two halves instead of getBigUint64: string arrays may hold millions of lengths.
    const n = this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
    if (n > maxBytes) throw corrupt(`${what} is ${n} bytes long, more than ${maxBytes}.`);
    return n;
  }

  private async decodePieces(n: number, what: string): Promise<string> {
    this.expect(n, what);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let text = "";
    for (let done = 0; done < n; ) {
      const piece = await this.piece(n - done, what);
      done += piece.length;
      text += utf8(decoder, piece, done < n, what);
      if (this.due) await this.breathe();
    }
    return text;
  }

  /** The next n bytes in an ArrayBuffer of their own, copied a piece at a time. */
  async ownBytes(n: number, what: string): Promise<ArrayBuffer> {
    this.expect(n, what);
    const out = new Uint8Array(n);
    for (let done = 0; done < n; ) {
      const piece = await this.piece(n - done, what);
      out.set(piece, done);
      done += piece.length;
      if (this.due) await this.breathe();
    }
    return out.buffer;
  }
}

function utf8(decoder: TextDecoder, bytes: Uint8Array, more: boolean, what: string): string {
  try {
    return decoder.decode(bytes, { stream: more });
  } catch {
    throw corrupt(`${what} is not valid UTF-8.`);
  }
}

async function readStrings(c: BlobCursor, n: number, label: string): Promise<string[]> {
  c.expect(n * 8, label);
  const items = new Array<string>(n);
  const what = `a string of ${label}`;
  for (let i = 0; i < n; i++) {
    items[i] = c.strIfBuffered(what) ?? (await c.str(what));
    if (c.due) await c.breathe();
  }
  return items;
}

/** Reads an array in bulk: fixed-size items are copied a piece at a time, never read one await each. */
async function readArray(c: BlobCursor, label: string): Promise<string[] | GgufNumericArray> {
  const itemType = await c.u32(`the item type of ${label}`);
  if (itemType === GGUF_ARRAY)
    throw new ModelLoadError(`The model file uses nested arrays in ${label}.`, "unsupported");
  const n = await c.count(label, MAX_ARRAY);
  if (itemType === GGUF_STRING) return readStrings(c, n, label);
  const Items = NUMERIC_ARRAYS[itemType];
  if (!Items) throw corrupt(`${label} has unknown item type ${itemType}.`);
  return new Items(await c.ownBytes(n * Items.BYTES_PER_ELEMENT, label));
}

async function readMetadata(
  c: BlobCursor,
  count: number,
): Promise<Pick<GgufHeader, "metadata" | "valueTypes">> {
  const metadata = new Map<string, GgufMetaValue>();
  const valueTypes = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const key = await c.str(`metadata key #${i}`);
    const label = quote(key);
    if (metadata.has(key)) throw corrupt(`the metadata key ${label} appears twice.`);
    const type = await c.u32(`the type of ${label}`);
    valueTypes.set(key, type);
    metadata.set(key, type === GGUF_ARRAY ? await readArray(c, label) : await c.scalar(type, label));
    if (c.due) await c.breathe();
  }
  return { metadata, valueTypes };
}

async function readTensorInfo(c: BlobCursor, i: number): Promise<GgufTensorInfo> {
  const name = await c.str(`the name of tensor #${i}`, MAX_TENSOR_NAME);
  const label = quote(name);
  const nDims = await c.u32(`the rank of tensor ${label}`);
  if (nDims < 1 || nDims > 4) throw corrupt(`tensor ${label} has rank ${nDims}.`);
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) dims.push(Number(await c.u64(`a dimension of ${label}`)));
  const type = await c.u32(`the type of ${label}`);
  const offset = Number(await c.u64(`the offset of ${label}`));
  return { name, dims, type, offset };
}

async function readTensorInfos(c: BlobCursor, count: number): Promise<GgufTensorInfo[]> {
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    tensors.push(await readTensorInfo(c, i));
    if (c.due) await c.breathe();
  }
  return tensors;
}

/** A key or tensor name from the file, for messages: quoted, escaped and cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** A metadata value for messages: its GGUF type and (the start of) its value. */
function describeKey(h: Pick<GgufHeader, "metadata" | "valueTypes">, key: string): string {
  const value = h.metadata.get(key);
  const type = h.valueTypes.get(key);
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return `an array of ${value.length} strings`;
  if (typeof value === "object") return `an array of ${value.length} (${value.constructor.name})`;
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
  return `${GGUF_TYPE_NAMES[type ?? -1] ?? `type ${type}`} ${shown}`;
}

/** llama.cpp reads `general.alignment` as a u32 and refuses any that is not a power of two. */
function alignmentOf(h: Pick<GgufHeader, "metadata" | "valueTypes">): number {
  const value = h.metadata.get("general.alignment");
  if (value === undefined) return DEFAULT_ALIGNMENT;
  const type = h.valueTypes.get("general.alignment");
  if (type !== GGUF_U32 || typeof value !== "number" || value === 0 || (value & (value - 1)) !== 0) {
    throw corrupt(
      `"general.alignment" must be a power of two stored as a u32, but it is ${describeKey(h, "general.alignment")}.`,
    );
  }
  return value;
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
  const tensorCount = await c.count("the tensor count", MAX_TENSORS);
  const kvCount = await c.count("the metadata count", MAX_KEYS);
  const { metadata, valueTypes } = await readMetadata(c, kvCount);
  const alignment = alignmentOf({ metadata, valueTypes });
  const tensors = await readTensorInfos(c, tensorCount);
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  return { version, metadata, valueTypes, tensors, alignment, dataStart, fileSize: blob.size };
}

/** Bytes of a tensor's data, refusing types, shapes and rows that ggml cannot hold. */
export function tensorBytes(t: GgufTensorInfo): number {
  const block = GGML_BLOCKS[t.type];
  if (!block) throw corrupt(`tensor ${quote(t.name)} has unknown ggml type ${t.type}.`);
  for (const [i, d] of t.dims.entries()) {
    if (!Number.isSafeInteger(d) || d <= 0)
      throw corrupt(`dimension ${i} of tensor ${quote(t.name)} is ${d}.`);
  }
  const [bytes, elements] = block;
  const row = t.dims[0] ?? 1;
  if (row % elements !== 0) {
    throw corrupt(
      `tensor ${quote(t.name)} of ggml type ${t.type} has rows of ${row} values, not a multiple of its block size ${elements}.`,
    );
  }
  return (t.dims.reduce((a, b) => a * b, 1) / elements) * bytes;
}

const alignUp = (n: number, alignment: number) => Math.ceil(n / alignment) * alignment;

/** llama.cpp wants each tensor's data aligned and right after the previous tensor's (padded) data. */
function checkOffset(t: GgufTensorInfo, expected: number, previous: string | undefined, alignment: number) {
  if (t.offset % alignment !== 0) {
    throw corrupt(
      `tensor ${quote(t.name)} has offset ${t.offset}, not a multiple of the alignment ${alignment}.`,
    );
  }
  const after = previous === undefined ? "the header" : `tensor ${quote(previous)}`;
  if (t.offset < expected) {
    throw corrupt(
      `tensor ${quote(t.name)} at offset ${t.offset} overlaps ${after}, whose data runs to ${expected}.`,
    );
  }
  if (t.offset > expected) {
    throw corrupt(
      `tensor ${quote(t.name)} has offset ${t.offset}, expected ${expected} (right after ${after}).`,
    );
  }
}

/** Every tensor's type, shape and place in the file, and that no data is left over after them. */
function checkTensors(h: GgufHeader): void {
  if (h.tensors.length === 0) throw new ModelLoadError("The model file has no tensors.", "corrupt");
  const names = new Set<string>();
  let expected = 0;
  let previous: string | undefined;
  for (const t of h.tensors) {
    if (names.has(t.name)) throw corrupt(`two tensors are named ${quote(t.name)}.`);
    names.add(t.name);
    const size = tensorBytes(t);
    checkOffset(t, expected, previous, h.alignment);
    const end = h.dataStart + t.offset + size;
    if (end > h.fileSize) {
      throw new ModelLoadError(
        `The model file is truncated: tensor ${quote(t.name)} needs bytes up to ${end} but the file has ${h.fileSize}. Download it again.`,
        "truncated",
      );
    }
    expected = alignUp(t.offset + size, h.alignment);
    previous = t.name;
  }
  const extra = h.fileSize - (h.dataStart + expected);
  if (extra > 0) {
    throw corrupt(
      `${extra} bytes follow the data of the last tensor ${quote(previous ?? "")} (does the tensor count ${h.tensors.length} leave tensors out?).`,
    );
  }
}

const REQUIRED_ARCH_KEYS = [
  "context_length",
  "embedding_length",
  "block_count",
  "feed_forward_length",
  "attention.head_count",
  "attention.layer_norm_rms_epsilon",
];

/** llama.cpp reads these keys as u32 and throws on any other type. */
function positiveU32(h: GgufHeader, key: string): number {
  const value = h.metadata.get(key);
  if (h.valueTypes.get(key) !== GGUF_U32 || typeof value !== "number" || value === 0) {
    throw corrupt(`${quote(key)} must be a u32 greater than 0, but it is ${describeKey(h, key)}.`);
  }
  return value;
}

function checkArchitecture(h: GgufHeader): { architecture: string; contextLength: number } {
  const architecture = h.metadata.get("general.architecture");
  if (typeof architecture !== "string" || architecture === "") {
    throw new ModelLoadError('The model file has no "general.architecture" key.', "corrupt");
  }
  for (const key of REQUIRED_ARCH_KEYS) {
    if (typeof h.metadata.get(`${architecture}.${key}`) !== "number") {
      throw new ModelLoadError(
        `The model file lacks the required key ${quote(`${architecture}.${key}`)}.`,
        "corrupt",
      );
    }
  }
  positiveU32(h, `${architecture}.block_count`);
  return { architecture, contextLength: positiveU32(h, `${architecture}.context_length`) };
}

/** llama.cpp indexes token types and scores by token id without a bounds check. */
function perToken<T extends GgufNumericArray>(
  h: GgufHeader,
  key: string,
  Items: new (n: number) => T,
  tokens: number,
): T | undefined {
  const value = h.metadata.get(key);
  if (value === undefined) return undefined;
  if (!(value instanceof Items) || value.length !== tokens) {
    throw corrupt(
      `${quote(key)} must be an array of ${tokens} (${Items.name}), one per token, but it is ${describeKey(h, key)}.`,
    );
  }
  return value;
}

/** A special token id, when present, must be a u32 naming a token of the vocabulary. */
function tokenId(h: GgufHeader, key: string, vocabSize: number): number | undefined {
  const value = h.metadata.get(key);
  if (value === undefined) return undefined;
  if (h.valueTypes.get(key) !== GGUF_U32 || typeof value !== "number" || value >= vocabSize) {
    throw corrupt(
      `${quote(key)} must be a u32 below the vocabulary size ${vocabSize}, but it is ${describeKey(h, key)}.`,
    );
  }
  return value;
}

function checkVocabulary(h: GgufHeader): { tokens: string[]; types?: Int32Array; eos?: number } {
  const tokens = h.metadata.get("tokenizer.ggml.tokens");
  if (
    typeof h.metadata.get("tokenizer.ggml.model") !== "string" ||
    !Array.isArray(tokens) ||
    !tokens.length
  ) {
    throw new ModelLoadError("The model file has no tokenizer (tokenizer.ggml.model / tokens).", "corrupt");
  }
  const merges = h.metadata.get("tokenizer.ggml.merges");
  if (merges !== undefined && !Array.isArray(merges)) {
    throw corrupt(
      `"tokenizer.ggml.merges" must be an array of strings, but it is ${describeKey(h, "tokenizer.ggml.merges")}.`,
    );
  }
  perToken(h, "tokenizer.ggml.scores", Float32Array, tokens.length);
  const types = perToken(h, "tokenizer.ggml.token_type", Int32Array, tokens.length);
  tokenId(h, "tokenizer.ggml.bos_token_id", tokens.length);
  const eos = tokenId(h, "tokenizer.ggml.eos_token_id", tokens.length);
  return { tokens, types, eos };
}

/** Checks what llama.cpp needs, and that every tensor's bytes are inside the file. */
export function validateGgufHeader(h: GgufHeader): GgufSummary {
  const { architecture, contextLength } = checkArchitecture(h);
  const { tokens, types, eos } = checkVocabulary(h);
  checkTensors(h);
  const offloadIndex = tokens.indexOf("<|offload|>");
  const isControl = offloadIndex >= 0 && types?.[offloadIndex] === 3;
  const name = h.metadata.get("general.name");
  const eosToken = eos === undefined ? undefined : tokens[eos];
  const card = readCard(h.metadata.get(MODEL_CARD_KEY), isControl ? offloadIndex : undefined);
  return {
    architecture,
    ...(typeof name === "string" ? { name } : {}),
    contextLength,
    vocabSize: tokens.length,
    ...(isControl ? { offloadTokenId: offloadIndex } : {}),
    ...(eosToken !== undefined ? { eosToken } : {}),
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
