import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors, SafetensorsFile, writeSafetensors } from "./safetensors";

const tmp = async (name: string) => join(await mkdtemp(join(tmpdir(), "st-")), name);

describe("safetensors", () => {
  it("round-trips F32 tensors and metadata", async () => {
    const path = await tmp("m.safetensors");
    const a = new Float32Array([1.5, -2, 3.25, 0]);
    await writeSafetensors(path, [{ name: "w", shape: [2, 2], data: () => a }], {
      metadata: { format: "pt" },
    });
    const { tensors, metadata } = await readSafetensors(path);
    expect(metadata).toEqual({ format: "pt" });
    expect(tensors).toEqual([{ name: "w", shape: [2, 2], data: a }]);
  });

  it("writes F16 and BF16 with the header PyTorch expects and reads them back", async () => {
    const path = await tmp("h.safetensors");
    const values = new Float32Array([1.5, -2, 0.1, 1000]);
    await writeSafetensors(
      path,
      [
        { name: "a", shape: [4], data: () => values },
        { name: "b", shape: [2, 2], data: async () => values },
      ],
      { dtype: "BF16" },
    );
    const bytes = await readFile(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString());
    expect(header.a).toEqual({ dtype: "BF16", shape: [4], data_offsets: [0, 8] });
    expect(header.b).toEqual({ dtype: "BF16", shape: [2, 2], data_offsets: [8, 16] });
    expect(bytes.length).toBe(8 + headerLength + 16);
    const { tensors } = await readSafetensors(path);
    expect(Array.from(tensors[0]!.data)).toEqual([1.5, -2, 0.10009765625, 1000]);

    await writeSafetensors(path, [{ name: "a", shape: [4], data: () => values }], { dtype: "F16" });
    const f16 = (await readSafetensors(path)).tensors[0]!.data;
    expect(Array.from(f16)).toEqual([1.5, -2, 0.0999755859375, 1000]);
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
    const path = await tmp("x.safetensors");
    await writeFile(path, Buffer.concat([len, Buffer.from(header), body]));
    const { tensors } = await readSafetensors(path);
    expect(Array.from(tensors[0]!.data)).toEqual([1.5, -2]);
    expect(tensors[1]!.data[0]).toBe(1.5);
    expect(tensors[1]!.data[1]).toBeCloseTo(1 / 3, 3);
  });

  it("reads a block of rows positionally", async () => {
    const path = await tmp("r.safetensors");
    const values = Float32Array.from({ length: 5 * 3 }, (_, i) => i);
    await writeSafetensors(path, [{ name: "w", shape: [5, 3], data: () => values }], { dtype: "F16" });
    const file = await SafetensorsFile.open(path);
    expect(Array.from(await file.read("w", 2, 4))).toEqual([6, 7, 8, 9, 10, 11]);
    await expect(file.read("w", 4, 6)).rejects.toThrow(/outside/);
    await expect(file.read("nope")).rejects.toThrow(/no tensor nope/);
    await file.close();
  });

  it("rejects a truncated file and an unsupported dtype with clear errors", async () => {
    const path = await tmp("t.safetensors");
    await writeSafetensors(path, [{ name: "w", shape: [4], data: () => new Float32Array(4) }]);
    const full = await readFile(path);
    await writeFile(path, full.subarray(0, full.length - 4));
    await expect(readSafetensors(path)).rejects.toThrow(/does not fit/);
    const header = JSON.stringify({ q: { dtype: "I8", shape: [1], data_offsets: [0, 1] } });
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    await writeFile(path, Buffer.concat([len, Buffer.from(header), Buffer.alloc(1)]));
    await expect(readSafetensors(path)).rejects.toThrow(/dtype I8/);
  });
});
