/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}, then raw
 * little-endian tensor bytes. No maintained npm writer exists, so this is ours. F32, F16 and BF16
 * (Qwen checkpoints are BF16) are read and written. Reading is positional through a file handle and
 * writing goes tensor by tensor, so a checkpoint never has to fit in memory; values are float32 in
 * between.
 */

import { open, rename } from "node:fs/promises";
import { endianness } from "node:os";
import { decodeBF16, decodeF16, encodeBF16, encodeF16 } from "./half";
import { blocksOf, type TensorData } from "./tensor-source";

export type SafetensorsDtype = "F32" | "F16" | "BF16";

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

export interface SafetensorsEntry {
  name: string;
  shape: readonly number[];
  dtype: SafetensorsDtype;
  /** Absolute byte offset of the data in the file. */
  offset: number;
  nbytes: number;
}

/** A tensor to write: its values are asked for when it is written, one tensor at a time. */
export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: () => TensorData;
}

export const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

if (endianness() !== "LE") throw new Error("safetensors I/O here assumes a little-endian machine.");

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The bytes of float32 values stored as `dtype` (little-endian). */
export function encodeAs(dtype: SafetensorsDtype, values: Float32Array): Uint8Array {
  const typed = dtype === "F32" ? values : dtype === "F16" ? encodeF16(values) : encodeBF16(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** float32 values of `bytes` stored as `dtype`; `bytes` must start at an even offset. */
export function decodeFrom(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array {
  if (dtype === "F32") {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4).slice();
  }
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  return dtype === "F16" ? decodeF16(halves) : decodeBF16(halves);
}

/** An open safetensors file: the header is parsed, tensor data is read on demand. */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    private readonly handle: Awaited<ReturnType<typeof open>>,
    readonly entries: ReadonlyMap<string, SafetensorsEntry>,
    readonly metadata: Record<string, string>,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    const handle = await open(path, "r");
    try {
      const size = (await handle.stat()).size;
      const prefix = Buffer.alloc(8);
      if (size < 8 || (await handle.read(prefix, 0, 8, 0)).bytesRead < 8)
        throw new Error(`${path} is not a safetensors file (too short).`);
      const headerLength = Number(prefix.readBigUInt64LE(0));
      if (headerLength > size - 8)
        throw new Error(`${path} is truncated: its header claims ${headerLength} bytes.`);
      const headerBytes = Buffer.alloc(headerLength);
      await handle.read(headerBytes, 0, headerLength, 8);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(headerBytes.toString("utf8")) as Record<string, unknown>;
      } catch {
        throw new Error(`${path}: the safetensors header is not JSON.`);
      }
      const base = 8 + headerLength;
      const entries = new Map<string, SafetensorsEntry>();
      for (const [name, info] of Object.entries(header)) {
        if (name === "__metadata__") continue;
        const { dtype, shape, data_offsets } = info as {
          dtype: string;
          shape: number[];
          data_offsets: [number, number];
        };
        if (!(dtype in DTYPE_BYTES))
          throw new Error(
            `${path}: tensor ${name} has dtype ${dtype}; only F32, F16 and BF16 are supported.`,
          );
        const [begin, end] = data_offsets;
        const nbytes = elementCount(shape) * DTYPE_BYTES[dtype as SafetensorsDtype];
        if (end - begin !== nbytes || base + end > size) {
          throw new Error(`${path}: tensor ${name} does not fit its declared shape or the file.`);
        }
        entries.set(name, { name, shape, dtype: dtype as SafetensorsDtype, offset: base + begin, nbytes });
      }
      const metadata = (header.__metadata__ as Record<string, string> | undefined) ?? {};
      return new SafetensorsFile(path, handle, entries, metadata);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  entry(name: string): SafetensorsEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.path} has no tensor ${name}.`);
    return e;
  }

  /** Rows [start, end) along the first dimension (all of it by default), as float32. */
  async read(name: string, start = 0, end?: number): Promise<Float32Array> {
    const e = this.entry(name);
    const rows = e.shape.length === 0 ? 1 : e.shape[0]!;
    const stop = end ?? rows;
    if (start < 0 || stop > rows || start > stop)
      throw new RangeError(`${name}: rows [${start}, ${stop}) are outside [0, ${rows}).`);
    const rowBytes = rows === 0 ? 0 : e.nbytes / rows;
    const nbytes = (stop - start) * rowBytes;
    const bytes = new Uint8Array(nbytes);
    let done = 0;
    while (done < nbytes) {
      const { bytesRead } = await this.handle.read(
        bytes,
        done,
        nbytes - done,
        e.offset + start * rowBytes + done,
      );
      if (bytesRead === 0) throw new Error(`${this.path}: unexpected end of file in ${name}.`);
      done += bytesRead;
    }
    return decodeFrom(e.dtype, bytes);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** The header bytes (length prefix included) for tensors stored as `dtype`. */
function encodeHeader(
  tensors: ReadonlyArray<Pick<TensorToWrite, "name" | "shape">>,
  dtype: SafetensorsDtype,
  metadata: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = elementCount(t.shape) * DTYPE_BYTES[dtype];
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  return out;
}

/** Writes atomically (temp file, then rename), one tensor in memory at a time. */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  { dtype = "F32", metadata = {} }: { dtype?: SafetensorsDtype; metadata?: Record<string, string> } = {},
): Promise<number> {
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, "w");
  let written = 0;
  try {
    const header = encodeHeader(tensors, dtype, metadata);
    await file.write(header);
    written += header.length;
    for (const t of tensors) {
      let values = 0;
      for await (const block of blocksOf(t.data())) {
        values += block.length;
        if (values > elementCount(t.shape)) break;
        const bytes = encodeAs(dtype, block);
        await file.write(bytes);
        written += bytes.length;
      }
      if (values !== elementCount(t.shape))
        throw new Error(`${t.name}: ${values} values do not fill shape [${t.shape}].`);
    }
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  return written;
}

/** Reads every tensor of a (small) file into memory. */
export async function readSafetensors(
  path: string,
): Promise<{ tensors: NamedTensor[]; metadata: Record<string, string> }> {
  const file = await SafetensorsFile.open(path);
  try {
    const tensors: NamedTensor[] = [];
    for (const e of file.entries.values())
      tensors.push({ name: e.name, shape: e.shape, data: await file.read(e.name) });
    return { tensors, metadata: file.metadata };
  } finally {
    await file.close();
  }
}
