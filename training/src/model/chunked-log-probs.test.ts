import { describe, expect, it } from "vitest";
import { tf, useBackend } from "./backend";
import { chunkedTargetLogProbs } from "./chunked-log-probs";
import { maxAbsDiff } from "./test-helpers";

const [rows, hidden, vocab] = [7, 5, 11];
const targets = [3, 0, 10, 7, 7, 1, 4];

/** The plain graph the chunked op replaces: log-softmax of all logits, picked by one-hot targets. */
const plain = (x: tf.Tensor, head: tf.Tensor, temperature: number) =>
  tf.sum(
    tf.mul(
      tf.logSoftmax(tf.div(tf.matMul(x, head, false, true), temperature)),
      tf.oneHot(tf.tensor1d(targets, "int32"), vocab),
    ),
    1,
  ) as tf.Tensor1D;

/** Values and the gradients of sum(w * values) for x and (when trainable) the head. */
function valuesAndGrads(f: typeof plain, trainableHead: boolean) {
  const x = tf.variable(tf.randomNormal([rows, hidden], 0, 1, "float32", 1));
  const head = tf.variable(tf.randomNormal([vocab, hidden], 0, 1, "float32", 2), trainableHead);
  const w = tf.tensor1d([0.3, -1, 2, 0.5, 1, -0.2, 0.7]);
  const values = Array.from(f(x, head, 0.7).dataSync());
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(w, f(x, head, 0.7))) as tf.Scalar);
  const result = {
    values,
    dx: Array.from(grads[x.name]!.dataSync()),
    dHead: grads[head.name] ? Array.from(grads[head.name]!.dataSync()) : undefined,
  };
  tf.dispose([x, head, w, ...Object.values(grads)]);
  return result;
}

describe("chunkedTargetLogProbs", () => {
  for (const trainableHead of [true, false])
    it(`gives the plain graph's log-probabilities and gradients (${trainableHead ? "trained" : "frozen"} head)`, async () => {
      await useBackend("wasm");
      // Chunks of 3 rows: 3 + 3 + 1.
      const chunked = (x: tf.Tensor, head: tf.Tensor, t: number) =>
        chunkedTargetLogProbs(x as tf.Tensor2D, [head], tf.tensor1d(targets, "int32"), t, 3);
      const want = valuesAndGrads(plain, trainableHead);
      const got = valuesAndGrads(chunked, trainableHead);
      expect(maxAbsDiff(got.values, want.values)).toBeLessThan(1e-5);
      expect(maxAbsDiff(got.dx, want.dx)).toBeLessThan(1e-5);
      if (trainableHead) expect(maxAbsDiff(got.dHead!, want.dHead!)).toBeLessThan(1e-5);
      else expect(got.dHead).toBeUndefined();
    });

  it("takes a frozen head in row blocks (4 + 4 + 3 rows) with the same values and input gradient", async () => {
    await useBackend("wasm");
    const blocked = (x: tf.Tensor, head: tf.Tensor, t: number) =>
      chunkedTargetLogProbs(
        x as tf.Tensor2D,
        [0, 4, 8].map((start) => tf.slice(head, [start, 0], [Math.min(4, vocab - start), -1])),
        tf.tensor1d(targets, "int32"),
        t,
        3,
      );
    const want = valuesAndGrads(plain, false);
    const got = valuesAndGrads(blocked, false);
    expect(maxAbsDiff(got.values, want.values)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got.dx, want.dx)).toBeLessThan(1e-5);
  });
});
