import { tf } from "./backend";
import { times, timesTransposed } from "./row-blocks";

/**
 * log softmax(x head^T / temperature) at `targets`, row by row: [N] for x [N, H], head [V, H] and int32
 * targets [N]. Rows go through the head `rowsPerChunk` at a time and the backward pass recomputes each
 * chunk's logits, so at most one chunk's [rows, V] logits exist at once: for a real vocabulary the plain
 * graph keeps several [N, V] tensors per micro-batch (logits, log-softmax, one-hot targets, their
 * product; 8 sequences of 336 tokens x 152k x 4 B is 1.6 GB each). The head gets a gradient only when
 * it is a trainable variable (in one piece); a frozen head may come in row blocks (row-blocks.ts).
 */
export function chunkedTargetLogProbs(
  x: tf.Tensor2D,
  head: readonly tf.Tensor[],
  targets: tf.Tensor1D,
  temperature: number,
  rowsPerChunk: number,
): tf.Tensor1D {
  const n = x.shape[0];
  const vocab = head.reduce((n, b) => n + b.shape[0]!, 0);
  const starts = Array.from({ length: Math.ceil(n / rowsPerChunk) }, (_, i) => i * rowsPerChunk);
  const rows = <T extends tf.Tensor>(t: T, start: number) =>
    tf.slice(t, start, Math.min(rowsPerChunk, n - start));
  const logitsOf = (xs: tf.Tensor, w: readonly tf.Tensor[]) => {
    const logits = timesTransposed(xs, w);
    return temperature === 1 ? logits : tf.div(logits, temperature);
  };

  const value = (xAll: tf.Tensor, w: readonly tf.Tensor[]) => {
    const parts = starts.map((s) =>
      tf.tidy(() => {
        const logits = logitsOf(rows(xAll, s), w);
        const picked = tf.sum(tf.mul(logits, tf.oneHot(rows(targets, s), vocab)), 1);
        return tf.sub(picked, tf.logSumExp(logits, 1));
      }),
    );
    const out = tf.concat(parts);
    for (const p of parts) p.dispose();
    return out as tf.Tensor1D;
  };

  // d value / d logits = one-hot(target) - softmax(logits), times dy, over the temperature.
  const gradients = (
    dy: tf.Tensor,
    xAll: tf.Tensor,
    w: readonly tf.Tensor[],
    ids: tf.Tensor,
    withHead: boolean,
  ): tf.Tensor[] => {
    let dHead: tf.Tensor | undefined;
    const dxParts = starts.map((s) => {
      const [dxPart, dHeadPart] = tf.tidy(() => {
        const xs = rows(xAll, s);
        const logits = logitsOf(xs, w);
        const residual = tf.sub(tf.oneHot(rows(ids, s), vocab), tf.softmax(logits));
        let dLogits = tf.mul(residual, tf.expandDims(rows(dy, s), 1));
        if (temperature !== 1) dLogits = tf.div(dLogits, temperature);
        const dxs = times(dLogits, w);
        return withHead ? [dxs, tf.matMul(dLogits, xs, true, false)] : [dxs];
      });
      if (dHeadPart) {
        const sum = dHead ? tf.add(dHead, dHeadPart) : dHeadPart;
        if (dHead) {
          dHead.dispose();
          dHeadPart.dispose();
        }
        dHead = sum;
      }
      return dxPart!;
    });
    const dx = tf.concat(dxParts);
    for (const p of dxParts) p.dispose();
    return dHead ? [dx, dHead] : [dx];
  };

  // The targets (and a frozen head) are saved too: the caller's tidy may dispose them before the backward pass runs.
  const [whole] = head;
  if (head.length === 1 && whole instanceof tf.Variable && whole.trainable) {
    const op = tf.customGrad((xIn, wIn, save) => {
      (save as tf.GradSaveFunc)([xIn as tf.Tensor, wIn as tf.Tensor, targets]);
      return {
        value: value(xIn as tf.Tensor, [wIn as tf.Tensor]),
        gradFunc: (dy: tf.Tensor, [xs, w, ids]: tf.Tensor[]) => gradients(dy, xs!, [w!], ids!, true),
      };
    });
    return op(x, whole) as tf.Tensor1D;
  }
  const op = tf.customGrad((xIn, save) => {
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, targets, ...head]);
    return {
      value: value(xIn as tf.Tensor, head),
      gradFunc: (dy: tf.Tensor, [xs, ids, ...blocks]: tf.Tensor[]) =>
        gradients(dy, xs!, blocks, ids!, false)[0]!,
    };
  });
  return op(x) as tf.Tensor1D;
}
