/**
 * AdamW (decoupled weight decay) with global gradient-norm clipping, over a parameter map.
 * Non-finite losses or gradients skip the step instead of poisoning the weights.
 */

import { tf } from "./backend";
import type { Params } from "./qwen2";
import { markWeightsChanged } from "./weights-version";

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Gradients are scaled down so their global L2 norm is at most this. */
  maxGradNorm: number;
}

export const DEFAULT_ADAMW: AdamWConfig = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  maxGradNorm: 1,
};

export interface StepResult {
  loss: number;
  gradNorm: number;
  /** False when the loss or a gradient was NaN/Inf and nothing was changed. */
  applied: boolean;
}

export class AdamW {
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Params,
    readonly config: AdamWConfig,
  ) {}

  /**
   * Computes the loss and its gradients, clips, and updates every trainable parameter. A list of
   * loss functions is one loss in micro-batches (their sum): gradients are accumulated part by part,
   * so a large batch never has all its activations in memory at once.
   */
  async minimize(
    lossFn: (() => tf.Scalar) | ReadonlyArray<() => tf.Scalar>,
    lrScale = 1,
  ): Promise<StepResult> {
    const vars = [...this.params.values()].filter((v) => v.trainable);
    const grads: Record<string, tf.Tensor> = {};
    let loss = 0;
    try {
      for (const part of typeof lossFn === "function" ? [lossFn] : lossFn) {
        const r = tf.variableGrads(part, vars);
        // Async reads: the only kind the webgpu backend has in Node.
        loss += (await r.value.data())[0]!;
        r.value.dispose();
        for (const [name, g] of Object.entries(r.grads)) {
          const previous = grads[name];
          grads[name] = previous ? tf.add(previous, g) : g;
          if (previous) {
            previous.dispose();
            g.dispose();
          }
        }
      }
      // Parameters the loss does not touch get no gradient and are left as they are.
      const touched = vars.filter((v) => grads[v.name]);
      // A chain of adds, not addN: webgpu's AddN takes at most 7 inputs (and returns zeros beyond).
      const total = tf.tidy(() =>
        touched.map((v) => tf.sum(tf.square(grads[v.name]!))).reduce((a, b) => tf.add(a, b)),
      );
      const sumSquares = (await total.data())[0]!;
      total.dispose();
      const gradNorm = Math.sqrt(sumSquares);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) return { loss, gradNorm, applied: false };
      const clip = gradNorm > this.config.maxGradNorm ? this.config.maxGradNorm / gradNorm : 1;
      this.step++;
      markWeightsChanged(this.params);
      const { beta1, beta2, eps, weightDecay } = this.config;
      const lr = this.config.lr * lrScale;
      const c1 = 1 - beta1 ** this.step;
      const c2 = 1 - beta2 ** this.step;
      for (const [name, p] of this.params) {
        const g = grads[p.name];
        if (!p.trainable || !g) continue;
        const m = this.slot(this.m, name, p);
        const v = this.slot(this.v, name, p);
        tf.tidy(() => {
          const gc = tf.mul(g, clip);
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(gc, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(gc), 1 - beta2)));
          const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
          const decayed = p.shape.length > 1 ? tf.mul(p, 1 - lr * weightDecay) : p;
          p.assign(tf.sub(decayed, tf.mul(update, lr)));
        });
      }
      return { loss, gradNorm, applied: true };
    } finally {
      for (const g of Object.values(grads)) g.dispose();
    }
  }

  /** Moments and step count, for checkpoints (tensors named `m.<param>` and `v.<param>`). */
  exportState(): {
    step: number;
    tensors: Array<{ name: string; shape: number[]; data: () => Promise<Float32Array> }>;
  } {
    const tensors = [];
    for (const [prefix, map] of [
      ["m", this.m],
      ["v", this.v],
    ] as const)
      for (const [name, t] of map)
        tensors.push({
          name: `${prefix}.${name}`,
          shape: t.shape,
          data: () => t.data() as Promise<Float32Array>,
        });
    return { step: this.step, tensors };
  }

  importState(step: number, tensors: ReadonlyArray<{ name: string; data: Float32Array }>): void {
    this.step = step;
    for (const { name, data } of tensors) {
      const dot = name.indexOf(".");
      const map = name.slice(0, dot) === "m" ? this.m : this.v;
      const param = this.params.get(name.slice(dot + 1));
      if (!param) throw new Error(`The optimizer state has "${name}", a parameter this model does not have.`);
      this.slot(map, name.slice(dot + 1), param).assign(tf.tensor(data, param.shape));
    }
  }

  private slot(map: Map<string, tf.Variable>, name: string, p: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = tf.variable(tf.zerosLike(p), false);
      map.set(name, s);
    }
    return s;
  }
}
