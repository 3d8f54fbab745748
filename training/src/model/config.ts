import type { Llama3RopeScaling } from "./rope-scaling";

/** Qwen2-architecture sizes. `tiny` trains from scratch on a CPU in minutes; the others are the real shapes. */

export interface Qwen2Config {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  ropeTheta: number;
  rmsNormEps: number;
  /** The output projection reuses the embedding (Qwen2.5-0.5B/1.5B, Llama-3.2-1B). */
  tieEmbeddings: boolean;
  /** q/k/v projections have biases (Qwen2; not Llama). */
  qkvBias: boolean;
  maxPositions: number;
  /** Llama 3.x long-context RoPE scaling; absent = plain RoPE. */
  ropeScaling?: Llama3RopeScaling;
}

export const PRESETS = {
  tiny: {
    vocabSize: 512,
    hiddenSize: 128,
    intermediateSize: 384,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    ropeTheta: 10_000,
    rmsNormEps: 1e-6,
    tieEmbeddings: true,
    qkvBias: true,
    maxPositions: 256,
  },
  "qwen2.5-0.5b": {
    vocabSize: 151_936,
    hiddenSize: 896,
    intermediateSize: 4864,
    numLayers: 24,
    numHeads: 14,
    numKvHeads: 2,
    ropeTheta: 1_000_000,
    rmsNormEps: 1e-6,
    tieEmbeddings: true,
    qkvBias: true,
    maxPositions: 32_768,
  },
  "qwen2.5-1.5b": {
    vocabSize: 151_936,
    hiddenSize: 1536,
    intermediateSize: 8960,
    numLayers: 28,
    numHeads: 12,
    numKvHeads: 2,
    ropeTheta: 1_000_000,
    rmsNormEps: 1e-6,
    tieEmbeddings: true,
    qkvBias: true,
    maxPositions: 32_768,
  },
} satisfies Record<string, Qwen2Config>;

export type PresetName = keyof typeof PRESETS;

export function headDim(c: Qwen2Config): number {
  return c.hiddenSize / c.numHeads;
}

export function validateConfig(c: Qwen2Config): void {
  if (c.hiddenSize % c.numHeads !== 0)
    throw new Error(`hiddenSize ${c.hiddenSize} is not divisible by numHeads ${c.numHeads}.`);
  if (c.numHeads % c.numKvHeads !== 0)
    throw new Error(`numHeads ${c.numHeads} is not a multiple of numKvHeads ${c.numKvHeads}.`);
  if (headDim(c) % 2 !== 0)
    throw new Error(`The head size ${headDim(c)} must be even for rotary embeddings.`);
}
