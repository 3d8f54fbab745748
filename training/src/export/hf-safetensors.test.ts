import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeBF16, encodeBF16 } from "../checkpoint/half";
import { openHfCheckpoint } from "../checkpoint/hf-folder";
import { withProgress } from "../checkpoint/tensor-source";
import { writeHfFixture } from "../fixtures/hf-checkpoint";
import { OFFLOAD_TOKEN } from "../tokenizer/control-token";
import { exportHfSafetensors } from "./hf-safetensors";

describe("safetensors export in HF layout", () => {
  for (const dtype of ["F32", "F16", "BF16"] as const) {
    it(`${dtype}: reloads as the same model, <|offload|> kept at its row`, async () => {
      const src = await mkdtemp(join(tmpdir(), "hfx-src-"));
      const out = await mkdtemp(join(tmpdir(), "hfx-out-"));
      await writeHfFixture(src, { dtype: "F32", architecture: "llama", tieEmbeddings: false });
      const a = await openHfCheckpoint(src);
      const seen: number[] = [];
      const files = await exportHfSafetensors(
        { ...a, weights: withProgress(a.weights, (done) => seen.push(done)) },
        out,
        {
          dtype,
          maxShardBytes: dtype === "F16" ? 50_000 : undefined,
        },
      );
      expect(files).toContain(dtype === "F16" ? "model.safetensors.index.json" : "model.safetensors");
      const b = await openHfCheckpoint(out);
      expect(b.model).toEqual(a.model);
      expect(b.offloadAdded).toBe(false);
      expect(b.offloadTokenId).toBe(a.offloadTokenId);
      expect(b.tokenizer.encode(`hi ${OFFLOAD_TOKEN}`)).toEqual(a.tokenizer.encode(`hi ${OFFLOAD_TOKEN}`));
      expect(b.weights.tensors).toEqual(a.weights.tensors);
      for (const { name } of a.weights.tensors) {
        const want = await a.weights.read(name);
        const got = await b.weights.read(name);
        if (dtype === "F32") expect(got).toEqual(want);
        else if (dtype === "BF16") expect(got).toEqual(decodeBF16(encodeBF16(want)));
        else
          for (let i = 0; i < want.length; i++)
            expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -11 + 1e-7);
      }
      expect(seen.at(-1)).toBe(a.weights.tensors.reduce((n, t) => n + t.shape.reduce((x, y) => x * y, 1), 0));
      await a.weights.close();
      await b.weights.close();
    });
  }
});
