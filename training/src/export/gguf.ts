/**
 * GGUF v3 writer (the file format of llama.cpp, wllama and node-llama-cpp).
 *
 * Layout: magic "GGUF", version, tensor count, metadata count, the metadata key/values, the tensor
 * infos, padding to `general.alignment`, then every tensor's data at an aligned offset. Tensor data
 * is produced lazily, a block of rows at a time, so exports of large models stream instead of
 * holding every tensor in memory. Types: F32, F16, and llama.cpp's Q8_0 and Q4_0 blocks.
 */

import { open, rename } from "node:fs/promises";
import { encodeF16 } from "../checkpoint/half";
import { blocksOf, type TensorData } from "../checkpoint/tensor-source";
import { Q4_0_BLOCK, Q4_0_BLOCK_BYTES, quantizeQ4_0 } from "./quant/q4_0";
import { Q8_0_BLOCK, Q8_0_BLOCK_BYTES, quantizeQ8_0 } from "./quant/q8_0";

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** ggml tensor types this writer can encode (values are ggml's type ids). */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q8_0 = 8,
}

export type GgufValue =
  | { type: GgufValueType.STRING; value: string }
  | { type: GgufValueType.UINT32 | GgufValueType.INT32 | GgufValueType.FLOAT32; value: number }
  | { type: GgufValueType.UINT64; value: bigint }
  | { type: GgufValueType.BOOL; value: boolean }
  | { type: GgufValueType.ARRAY; itemType: GgufValueType.STRING; value: readonly string[] }
  | {
      type: GgufValueType.ARRAY;
      itemType: GgufValueType.INT32 | GgufValueType.UINT32 | GgufValueType.FLOAT32;
      value: readonly number[];
    };

export const gguf = {
  str: (value: string): GgufValue => ({ type: GgufValueType.STRING, value }),
  u32: (value: number): GgufValue => ({ type: GgufValueType.UINT32, value }),
  i32: (value: number): GgufValue => ({ type: GgufValueType.INT32, value }),
  f32: (value: number): GgufValue => ({ type: GgufValueType.FLOAT32, value }),
  bool: (value: boolean): GgufValue => ({ type: GgufValueType.BOOL, value }),
  strings: (value: readonly string[]): GgufValue => ({
    type: GgufValueType.ARRAY,
    itemType: GgufValueType.STRING,
    value,
  }),
  i32s: (value: readonly number[]): GgufValue => ({
    type: GgufValueType.ARRAY,
    itemType: GgufValueType.INT32,
    value,
  }),
};

export interface GgufTensor {
  name: string;
  /** Shape in PyTorch / Hugging Face order (row-major, last dimension fastest). */
  shape: readonly number[];
  type: GgmlType;
  /**
   * Produces the tensor's values, row-major, whole or as consecutive blocks of whole rows; called
   * once, when the tensor is written.
   */
  data: () => TensorData;
}

export interface GgufFile {
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
}

export type ByteSink = (bytes: Uint8Array) => void | Promise<void>;

const encoder = new TextEncoder();

/** Growable little-endian byte buffer for the header. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  u64(v: bigint | number): void {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string): void {
    const b = encoder.encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function writeScalar(w: ByteWriter, type: GgufValueType, v: number | string | boolean | bigint): void {
  switch (type) {
    case GgufValueType.STRING:
      w.str(v as string);
      return;
    case GgufValueType.UINT32:
      w.u32(v as number);
      return;
    case GgufValueType.INT32:
      w.i32(v as number);
      return;
    case GgufValueType.FLOAT32:
      w.f32(v as number);
      return;
    case GgufValueType.UINT64:
      w.u64(v as bigint);
      return;
    case GgufValueType.BOOL:
      w.u8(v ? 1 : 0);
      return;
    default:
      throw new Error(`GGUF writer: unsupported scalar type ${type}`);
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  w.u32(v.type);
  if (v.type === GgufValueType.ARRAY) {
    w.u32(v.itemType);
    w.u64(v.value.length);
    for (const item of v.value) writeScalar(w, v.itemType, item);
    return;
  }
  writeScalar(w, v.type, v.value);
}

/** Bytes per block and values per block of each type. */
const LAYOUT: Record<GgmlType, { bytes: number; values: number }> = {
  [GgmlType.F32]: { bytes: 4, values: 1 },
  [GgmlType.F16]: { bytes: 2, values: 1 },
  [GgmlType.Q4_0]: { bytes: Q4_0_BLOCK_BYTES, values: Q4_0_BLOCK },
  [GgmlType.Q8_0]: { bytes: Q8_0_BLOCK_BYTES, values: Q8_0_BLOCK },
};

export function tensorByteSize(t: Pick<GgufTensor, "shape" | "type">): number {
  const elements = t.shape.reduce((a, b) => a * b, 1);
  const { bytes, values } = LAYOUT[t.type];
  const rowLength = t.shape[t.shape.length - 1] ?? 1;
  if (rowLength % values !== 0)
    throw new Error(
      `GGUF: a ${GgmlType[t.type]} tensor needs rows of a multiple of ${values} values (shape [${t.shape}]).`,
    );
  return (elements / values) * bytes;
}

/** The bytes of values (whole blocks) in a ggml type. */
export function encodeGgml(type: GgmlType, values: Float32Array): Uint8Array {
  switch (type) {
    case GgmlType.F32:
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case GgmlType.F16: {
      const h = encodeF16(values);
      return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
    }
    case GgmlType.Q4_0:
      return quantizeQ4_0(values);
    case GgmlType.Q8_0:
      return quantizeQ8_0(values);
  }
}

function alignmentOf(file: GgufFile): number {
  const entry = file.metadata.find(([k]) => k === "general.alignment");
  return entry ? Number(entry[1].value) : GGUF_DEFAULT_ALIGNMENT;
}

/** Encodes everything before the tensor data (tensor infos carry each tensor's aligned offset). */
export function encodeGgufHeader(file: GgufFile): Uint8Array {
  const alignment = alignmentOf(file);
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(file.tensors.length);
  w.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    w.str(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of file.tensors) {
    w.str(t.name);
    w.u32(t.shape.length);
    // ggml lists dimensions fastest-first: the reverse of the row-major shape.
    for (const d of [...t.shape].reverse()) w.u64(d);
    w.u32(t.type);
    w.u64(offset);
    offset += tensorByteSize(t);
    offset = Math.ceil(offset / alignment) * alignment;
  }
  w.padTo(alignment);
  return w.result();
}

/** Streams a whole GGUF file to `sink`, one block of rows of one tensor in memory at a time. */
export async function writeGguf(file: GgufFile, sink: ByteSink): Promise<void> {
  const alignment = alignmentOf(file);
  await sink(encodeGgufHeader(file));
  for (const t of file.tensors) {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    const size = tensorByteSize(t);
    let values = 0;
    for await (const block of blocksOf(t.data())) {
      values += block.length;
      if (values > expected) break;
      await sink(encodeGgml(t.type, block));
    }
    if (values !== expected) {
      throw new Error(
        `GGUF writer: tensor ${t.name} has ${values} values, shape [${t.shape}] needs ${expected}`,
      );
    }
    const pad = (alignment - (size % alignment)) % alignment;
    if (pad > 0) await sink(new Uint8Array(pad));
  }
}

/** Writes a GGUF file atomically (temp file, then rename); returns its size in bytes. */
export async function writeGgufFile(path: string, file: GgufFile): Promise<number> {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, "w");
  let size = 0;
  try {
    await writeGguf(file, async (bytes) => {
      await handle.write(bytes);
      size += bytes.length;
    });
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  return size;
}

/** Convenience for small files: the whole GGUF as one buffer. */
export async function encodeGguf(file: GgufFile): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await writeGguf(file, (b) => {
    parts.push(b);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
