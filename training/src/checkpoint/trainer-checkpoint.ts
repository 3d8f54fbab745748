/**
 * Training checkpoints: weights and optimizer moments as safetensors, everything else (step, data
 * cursor, RNG state, config, logs) as JSON. A checkpoint is written into a fresh folder and then
 * swapped in, so a crash mid-write leaves the previous one whole.
 */

import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GapgConfig, StepLog } from "../gapg/trainer";
import type { AdamW } from "../model/adamw";
import { tf } from "../model/backend";
import type { Params } from "../model/qwen2";
import { readSafetensors, writeSafetensors } from "./safetensors";

export const CHECKPOINT_VERSION = 1;

export interface TrainerState {
  version: typeof CHECKPOINT_VERSION;
  /** Updates done; training resumes at step + 1. */
  step: number;
  /** Next training example. */
  cursor: number;
  rngState: number;
  optimizerStep: number;
  config: GapgConfig;
  logs: StepLog[];
}

export const hasCheckpoint = (dir: string) => exists(join(dir, "trainer.json"));

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export async function saveTrainerCheckpoint(
  dir: string,
  params: Params,
  optimizer: AdamW,
  state: Omit<TrainerState, "version" | "optimizerStep">,
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeSafetensors(
    join(tmp, "model.safetensors"),
    [...params].map(([name, v]) => ({ name, shape: v.shape, data: () => v.data() as Promise<Float32Array> })),
  );
  const opt = optimizer.exportState();
  await writeSafetensors(
    join(tmp, "optimizer.safetensors"),
    opt.tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.data })),
  );
  const full: TrainerState = { version: CHECKPOINT_VERSION, optimizerStep: opt.step, ...state };
  await writeFile(join(tmp, "trainer.json"), `${JSON.stringify(full, null, 1)}\n`);
  const old = `${dir}.old-${process.pid}`;
  if (await exists(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** Loads weights and optimizer state into the given model and optimizer; returns the trainer state. */
export async function loadTrainerCheckpoint(
  dir: string,
  params: Params,
  optimizer: AdamW,
): Promise<TrainerState> {
  let state: TrainerState;
  try {
    state = JSON.parse(await readFile(join(dir, "trainer.json"), "utf8")) as TrainerState;
  } catch (e) {
    throw new Error(`No readable checkpoint in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (state.version !== CHECKPOINT_VERSION)
    throw new Error(
      `The checkpoint in ${dir} has format version ${state.version}; this code reads ${CHECKPOINT_VERSION}.`,
    );
  const { tensors } = await readSafetensors(join(dir, "model.safetensors"));
  if (tensors.length !== params.size)
    throw new Error(`The checkpoint has ${tensors.length} tensors; the model has ${params.size}.`);
  for (const t of tensors) {
    const p = params.get(t.name);
    if (!p || p.shape.join() !== t.shape.join())
      throw new Error(`The checkpoint's "${t.name}" [${t.shape}] does not fit this model.`);
    p.assign(tf.tensor(t.data, p.shape));
  }
  optimizer.importState(
    state.optimizerStep,
    (await readSafetensors(join(dir, "optimizer.safetensors"))).tensors,
  );
  return state;
}
