/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}, then raw
 * little-endian tensor bytes. No maintained npm writer exists, so this is ours. F32 is written;
 * F32, F16 and BF16 (Qwen checkpoints) are read, as Float32Array.
 */

import { open, readFile, rename } from "node:fs/promises";

export type SafetensorsDtype = "F32" | "F16" | "BF16";

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/** Writes atomically (temp file, then rename), one tensor in memory at a time. */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyArray<{ name: string; shape: readonly number[]; data: () => Float32Array }>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 4;
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, "w");
  try {
    await file.write(prefix);
    await file.write(headerBytes);
    for (const t of tensors) {
      const data = t.data();
      const out = new Uint8Array(data.length * 4);
      const view = new DataView(out.buffer);
      for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
      await file.write(out);
    }
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export async function readSafetensors(
  path: string,
): Promise<{ tensors: NamedTensor[]; metadata: Record<string, string> }> {
  const buf = await readFile(path);
  if (buf.length < 8) throw new Error(`${path} is not a safetensors file (too short).`);
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (headerLength > buf.length - 8)
    throw new Error(`${path} is truncated: its header claims ${headerLength} bytes.`);
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, unknown>;
  const base = 8 + headerLength;
  const tensors: NamedTensor[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets } = info as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    if (!(dtype in BYTES)) throw new Error(`${path}: tensor ${name} has unsupported dtype ${dtype}.`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = data_offsets;
    if (end - begin !== count * BYTES[dtype as SafetensorsDtype] || base + end > buf.length) {
      throw new Error(`${path}: tensor ${name} does not fit its declared shape or the file.`);
    }
    const data = new Float32Array(count);
    const view = new DataView(buf.buffer, buf.byteOffset + base + begin, end - begin);
    for (let i = 0; i < count; i++) {
      if (dtype === "F32") data[i] = view.getFloat32(i * 4, true);
      else if (dtype === "BF16")
        data[i] = new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0]!;
      else data[i] = f16ToF32(view.getUint16(i * 2, true));
    }
    tensors.push({ name, shape, data });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}
