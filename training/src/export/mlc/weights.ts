/**
 * Streams a model's weights into MLC shards: each planned param's HF tensors are read a block of
 * rows at a time, concatenated along the output axis by writing them one after the other, and
 * group-quantized on the fly. Only the scales of the tensor being written are held (1/32 of it).
 */

import { encodeF16, roundToF16 } from "../../checkpoint/half";
import { rowBlocks, type TensorSource } from "../../checkpoint/tensor-source";
import { quantizeQ4Groups } from "../quant/q4-group";
import { floatType, type MlcParam, type MlcQuantization, mlcTensors } from "./plan";
import type { TensorCacheWriter } from "./tensor-cache";

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function encodeFloats(quant: MlcQuantization, values: Float32Array): Uint8Array {
  return bytesOf(floatType(quant) === "float16" ? encodeF16(values) : values);
}

export async function writeMlcWeights(
  source: TensorSource,
  params: readonly MlcParam[],
  quant: MlcQuantization,
  out: TensorCacheWriter,
): Promise<void> {
  const storeScale = floatType(quant) === "float16" ? roundToF16 : Math.fround;
  for (const p of params) {
    const [first, second] = mlcTensors([p], quant);
    await out.begin(first!);
    if (!p.quantized) {
      for (const name of p.sources) {
        const values = await source.read(name);
        await out.write(encodeFloats(quant, values));
      }
      await out.end();
      continue;
    }
    const scales: Float32Array[] = [];
    for (const name of p.sources) {
      for await (const block of rowBlocks(source, name)) {
        const q = quantizeQ4Groups(block, storeScale);
        await out.write(bytesOf(q.weights));
        scales.push(q.scales);
      }
    }
    await out.end();
    await out.begin(second!);
    for (const s of scales) await out.write(encodeFloats(quant, s));
    await out.end();
  }
}
