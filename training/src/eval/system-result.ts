/**
 * The system's result when a given set of prompts goes to the cloud: its accuracy (cloud answers
 * where offloaded, local ones elsewhere), the cloud-call rate, the accuracy of what was answered on
 * the device, and how well the offloads match the prompts the local model gets wrong.
 */

export interface EvalResult {
  systemAccuracy: number;
  cloudRate: number;
  /** Accuracy of the answers given on the device. */
  localAccuracy: number;
  /** Share of offloaded prompts that the local model would have got wrong. */
  offloadPrecision: number;
  /** Share of the prompts the local model gets wrong that were offloaded. */
  offloadRecall: number;
  n: number;
}

export interface Answerable {
  localCorrect: boolean;
  cloudCorrect: boolean;
}

export function systemResult(results: readonly Answerable[], offload: readonly boolean[]): EvalResult {
  let correct = 0;
  let localAnswered = 0;
  let localRight = 0;
  let truePositive = 0;
  let wouldFail = 0;
  let offloaded = 0;
  results.forEach((r, i) => {
    const off = offload[i]!;
    if (off ? r.cloudCorrect : r.localCorrect) correct++;
    if (off) offloaded++;
    else {
      localAnswered++;
      if (r.localCorrect) localRight++;
    }
    if (!r.localCorrect) wouldFail++;
    if (off && !r.localCorrect) truePositive++;
  });
  const n = results.length;
  return {
    systemAccuracy: n ? correct / n : 0,
    cloudRate: n ? offloaded / n : 0,
    localAccuracy: localAnswered ? localRight / localAnswered : 0,
    offloadPrecision: offloaded ? truePositive / offloaded : 0,
    offloadRecall: wouldFail ? truePositive / wouldFail : 0,
    n,
  };
}

/** The field-wise mean of several results (random offloading over many draws). */
export function meanResult(results: readonly EvalResult[]): EvalResult {
  const keys = Object.keys(results[0]!) as Array<keyof EvalResult>;
  return Object.fromEntries(
    keys.map((k) => [k, results.reduce((s, r) => s + r[k], 0) / results.length]),
  ) as unknown as EvalResult;
}
