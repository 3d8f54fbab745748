/**
 * A frozen [rows, cols] weight kept as consecutive row blocks (`name#0`, `name#1`, ...), each small
 * enough for the backend to bind whole. WebGPU binds a kernel's inputs as storage buffers of at most
 * maxStorageBufferBindingSize (128 MiB on lavapipe and in the WebGPU defaults), and a real
 * vocabulary's embedding is larger (Qwen2.5-0.5B's: 545 MB in f32); no op can read it whole, slices
 * included, so the weight must never exist whole on the device. Only its two uses need to know: the
 * embedding lookup (a gather per block) and the output head (a product per block). A weight in one
 * piece takes exactly the ops it always took.
 */

import { tf } from "./backend";
import type { Params } from "./qwen2";

/** A weight's blocks in row order: the weight itself when it is in one piece. */
export function weightBlocks(params: Params, name: string): tf.Variable[] {
  const whole = params.get(name);
  if (whole) return [whole];
  const blocks: tf.Variable[] = [];
  for (let b = params.get(`${name}#0`); b; b = params.get(`${name}#${blocks.length}`)) blocks.push(b);
  if (blocks.length === 0) throw new Error(`Missing parameter ${name}`);
  if (blocks.some((b) => b.trainable))
    throw new Error(`${name} is kept in row blocks, which are frozen: train LoRA adapters on this backend.`);
  return blocks;
}

/** The weights the model reads through weightBlocks: only these may be split. */
export const BLOCKABLE = new Set(["model.embed_tokens.weight", "lm_head.weight"]);

/** The names and row ranges of a [rows, cols] weight's blocks of at most `maxElements` each. */
export function blockLayout(
  name: string,
  rows: number,
  cols: number,
  maxElements: number,
): Array<{ name: string; start: number; rows: number }> {
  if (rows * cols <= maxElements) return [{ name, start: 0, rows }];
  if (!BLOCKABLE.has(name))
    throw new Error(
      `${name} (${rows * cols} values) is over this backend's limit of ${maxElements} values per tensor; ` +
        "only the embedding and the output head can be split.",
    );
  const per = Math.floor(maxElements / cols);
  if (per < 1) throw new Error(`${name}: one row of ${cols} values exceeds the ${maxElements}-value limit.`);
  return Array.from({ length: Math.ceil(rows / per) }, (_, b) => ({
    name: `${name}#${b}`,
    start: b * per,
    rows: Math.min(per, rows - b * per),
  }));
}

/** x [N, cols] times the weight transposed: [N, rows] (an output head's logits). */
export function timesTransposed(x: tf.Tensor, blocks: readonly tf.Tensor[]): tf.Tensor {
  if (blocks.length === 1) return tf.matMul(x, blocks[0]!, false, true);
  return tf.concat(
    blocks.map((b) => tf.matMul(x, b, false, true)),
    1,
  );
}

/** y [N, rows] times the weight: [N, cols] (the head's gradient for its input). */
export function times(y: tf.Tensor, blocks: readonly tf.Tensor[]): tf.Tensor {
  if (blocks.length === 1) return tf.matMul(y, blocks[0]!);
  let start = 0;
  return blocks
    .map((b) => {
      const part = tf.matMul(tf.slice(y, [0, start], [-1, b.shape[0]!]), b);
      start += b.shape[0]!;
      return part;
    })
    .reduce((sum, part) => tf.add(sum, part));
}

/** The rows at `ids` (int32 [N]): [N, cols]. */
export function gatherRows(blocks: readonly tf.Tensor[], ids: tf.Tensor): tf.Tensor {
  if (blocks.length === 1) return tf.gather(blocks[0]!, ids);
  let start = 0;
  return blocks
    .map((b) => {
      const rows = b.shape[0]!;
      const int = (n: number) => tf.scalar(n, "int32");
      const local = tf.sub(ids, int(start));
      const inside = tf.logicalAnd(tf.greaterEqual(local, int(0)), tf.less(local, int(rows)));
      start += rows;
      const picked = tf.gather(b, tf.minimum(tf.maximum(local, int(0)), int(rows - 1)));
      return tf.mul(picked, tf.expandDims(tf.cast(inside, "float32"), 1));
    })
    .reduce((sum, part) => tf.add(sum, part));
}

/** The whole weight's values, read block by block (for export: never whole on the device). */
export async function readRows(blocks: readonly tf.Tensor[]): Promise<Float32Array> {
  if (blocks.length === 1) return (await blocks[0]!.data()) as Float32Array;
  const parts = await Promise.all(blocks.map((b) => b.data() as Promise<Float32Array>));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
