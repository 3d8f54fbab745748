import { tf } from "./backend";

/**
 * f(inputs, constants), keeping none of f's intermediate tensors for the backward pass, which runs f
 * again (gradient checkpointing): only the inputs and constants are saved. Gradients flow to `inputs`
 * only; `constants` are tensors f reads that the caller's scope would otherwise free before the
 * backward pass (variables need not be passed).
 */
export function recomputedInBackward(
  f: (inputs: tf.Tensor[], constants: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  constants: tf.Tensor[],
): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args.pop() as tf.GradSaveFunc;
    const xs = args as tf.Tensor[];
    save([...xs, ...constants]);
    return {
      value: f(xs, constants),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const kept = saved.slice(xs.length);
        return gradientsOf((...ys) => f(ys, kept), saved.slice(0, xs.length), dy);
      },
    };
  });
  return op(...inputs);
}

/**
 * The gradients of f at xs for the upstream gradient dy. tfjs ends a gradient computation by dropping
 * the engine's tape, which inside another computation's backward pass is that computation's tape
 * (which it still needs to free its saved tensors), so the outer tape is put back.
 */
function gradientsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
  const outer = state.activeTape;
  try {
    return tf.grads(f)(xs, dy);
  } finally {
    state.activeTape = outer;
  }
}
