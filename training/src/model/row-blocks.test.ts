import { describe, expect, it } from "vitest";
import { tf, useBackend } from "./backend";
import type { Params } from "./qwen2";
import { blockLayout, gatherRows, readRows, times, timesTransposed, weightBlocks } from "./row-blocks";
import { maxAbsDiff } from "./test-helpers";

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe("row blocks", () => {
  it("lays a weight out in blocks under the limit, or leaves it whole", () => {
    const head = "lm_head.weight";
    expect(blockLayout(head, 10, 3, 30)).toEqual([{ name: head, start: 0, rows: 10 }]);
    expect(blockLayout(head, 10, 3, 12)).toEqual([
      { name: `${head}#0`, start: 0, rows: 4 },
      { name: `${head}#1`, start: 4, rows: 4 },
      { name: `${head}#2`, start: 8, rows: 2 },
    ]);
    expect(() => blockLayout(head, 10, 3, 2)).toThrow(/one row of 3 values exceeds/);
    expect(() => blockLayout("model.layers.0.mlp.up_proj.weight", 10, 3, 12)).toThrow(
      /over this backend's limit of 12 values per tensor; only the embedding and the output head/,
    );
  });

  it("looks rows up, multiplies and reads back as the whole weight does", async () => {
    await useBackend("wasm");
    const whole = tf.randomNormal([11, 5], 0, 1, "float32", 3);
    const params: Params = new Map(
      blockLayout("lm_head.weight", 11, 5, 20).map((b) => [
        b.name,
        tf.variable(tf.slice(whole, b.start, b.rows), false),
      ]),
    );
    const blocks = weightBlocks(params, "lm_head.weight");
    expect(blocks.map((b) => b.shape[0])).toEqual([4, 4, 3]);
    const ids = tf.tensor1d([0, 10, 3, 4, 7, 8, 3], "int32");
    expect(values(gatherRows(blocks, ids))).toEqual(values(tf.gather(whole, ids)));
    const x = tf.randomNormal([6, 5], 0, 1, "float32", 4);
    expect(
      maxAbsDiff(values(timesTransposed(x, blocks)), values(tf.matMul(x, whole, false, true))),
    ).toBeLessThan(1e-5);
    const y = tf.randomNormal([6, 11], 0, 1, "float32", 5);
    expect(maxAbsDiff(values(times(y, blocks)), values(tf.matMul(y, whole)))).toBeLessThan(1e-5);
    expect(Array.from(await readRows(blocks))).toEqual(values(whole));
    expect(() => weightBlocks(params, "v")).toThrow("Missing parameter v");
    tf.dispose([whole, ids, x, y, ...blocks]);
  });
});
