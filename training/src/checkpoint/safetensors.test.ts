import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors, writeSafetensors } from "./safetensors";

describe("safetensors", () => {
  it("round-trips F32 tensors and metadata", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "st-")), "m.safetensors");
    const a = new Float32Array([1.5, -2, 3.25, 0]);
    await writeSafetensors(path, [{ name: "w", shape: [2, 2], data: () => a }], { format: "pt" });
    const { tensors, metadata } = await readSafetensors(path);
    expect(metadata).toEqual({ format: "pt" });
    expect(tensors).toEqual([{ name: "w", shape: [2, 2], data: a }]);
  });

  it("reads BF16 and F16 as written by PyTorch", async () => {
    const header = JSON.stringify({
      b: { dtype: "BF16", shape: [2], data_offsets: [0, 4] },
      h: { dtype: "F16", shape: [2], data_offsets: [4, 8] },
    });
    const body = Buffer.alloc(8);
    body.writeUInt16LE(0x3fc0, 0); // bf16 1.5
    body.writeUInt16LE(0xc000, 2); // bf16 -2
    body.writeUInt16LE(0x3e00, 4); // f16 1.5
    body.writeUInt16LE(0x3555, 6); // f16 ~0.3333
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const path = join(await mkdtemp(join(tmpdir(), "st-")), "x.safetensors");
    await writeFile(path, Buffer.concat([len, Buffer.from(header), body]));
    const { tensors } = await readSafetensors(path);
    expect(Array.from(tensors[0]!.data)).toEqual([1.5, -2]);
    expect(tensors[1]!.data[0]).toBe(1.5);
    expect(tensors[1]!.data[1]).toBeCloseTo(1 / 3, 3);
  });

  it("rejects a truncated file with a clear error", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "st-")), "t.safetensors");
    await writeSafetensors(path, [{ name: "w", shape: [4], data: () => new Float32Array(4) }]);
    const { readFile } = await import("node:fs/promises");
    const full = await readFile(path);
    await writeFile(path, full.subarray(0, full.length - 4));
    await expect(readSafetensors(path)).rejects.toThrow(/does not fit/);
  });
});
