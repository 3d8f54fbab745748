/**
 * LoRA adapters as a PEFT adapter folder: adapter_config.json and adapter_model.safetensors, which
 * `PeftModel.from_pretrained(base, dir)` loads and which PEFT's own saves load back here. Only plain
 * LoRA (alpha / r scaling, no DoRA, no per-module ranks, no trained biases) is read.
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tf } from "../model/backend";
import type { Qwen2Config } from "../model/config";
import { type LoraConfig, LoraParams, loraSlots } from "../model/lora";
import type { Params } from "../model/qwen2";
import { readSafetensors, writeSafetensors } from "./safetensors";

const CONFIG_FILE = "adapter_config.json";
const WEIGHTS_FILE = "adapter_model.safetensors";

export async function saveLora(
  dir: string,
  lora: LoraParams,
  { baseModel }: { baseModel?: string } = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeSafetensors(
    join(dir, WEIGHTS_FILE),
    [...lora.variables].map(([name, v]) => ({
      name,
      shape: v.shape,
      data: () => v.data() as Promise<Float32Array>,
    })),
    { metadata: { format: "pt" } },
  );
  const config = {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: baseModel ?? null,
    r: lora.config.rank,
    lora_alpha: lora.config.alpha,
    target_modules: [...lora.config.targets],
    lora_dropout: 0,
    bias: "none",
    fan_in_fan_out: false,
    use_rslora: false,
    use_dora: false,
    inference_mode: true,
  };
  await writeFile(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** The LoRA settings of a PEFT adapter_config.json; settings that change the maths are refused. */
export function loraConfigFromPeft(json: Record<string, unknown>, source: string): LoraConfig {
  if (json.peft_type !== "LORA") throw new Error(`${source}: peft_type is ${json.peft_type}, not LORA.`);
  const { r, lora_alpha, target_modules } = json;
  if (typeof r !== "number" || typeof lora_alpha !== "number")
    throw new Error(`${source}: r and lora_alpha must be numbers.`);
  if (!Array.isArray(target_modules) || !target_modules.every((t) => typeof t === "string"))
    throw new Error(`${source}: target_modules must be a list of module names (no regex or "all-linear").`);
  const nonEmpty = (v: unknown) => typeof v === "object" && v !== null && Object.keys(v).length > 0;
  const unsupported = [
    json.use_rslora === true && "use_rslora",
    json.use_dora === true && "use_dora",
    json.fan_in_fan_out === true && "fan_in_fan_out",
    json.bias !== undefined && json.bias !== "none" && `bias "${json.bias}"`,
    nonEmpty(json.rank_pattern) && "rank_pattern",
    nonEmpty(json.alpha_pattern) && "alpha_pattern",
  ].filter((x) => x !== false);
  if (unsupported.length > 0)
    throw new Error(`${source}: unsupported LoRA settings: ${unsupported.join(", ")}.`);
  return { rank: r, alpha: lora_alpha, targets: target_modules };
}

/** Adapters for the base model `params` from a PEFT folder; every expected matrix must be there. */
export async function loadLora(dir: string, c: Qwen2Config, params: Params): Promise<LoraParams> {
  const configPath = join(dir, CONFIG_FILE);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`No readable ${configPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const lora = loraConfigFromPeft(json, configPath);
  const slots = loraSlots(c, params, lora);
  const { tensors } = await readSafetensors(join(dir, WEIGHTS_FILE));
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const expected = new Set(slots.flatMap((s) => [s.a.name, s.b.name]));
  const unexpected = tensors.filter((t) => !expected.has(t.name)).map((t) => t.name);
  if (unexpected.length > 0)
    throw new Error(
      `${dir}: ${WEIGHTS_FILE} has tensors this config does not expect: ${unexpected.join(", ")}.`,
    );
  for (const s of slots)
    for (const { name, shape } of [s.a, s.b]) {
      const t = byName.get(name);
      if (t?.shape.join() !== shape.join())
        throw new Error(`${dir}: ${WEIGHTS_FILE} has no ${name} of shape [${shape}].`);
    }
  const variable = ({ name, shape }: { name: string; shape: readonly number[] }) =>
    tf.tidy(() => tf.variable(tf.tensor(byName.get(name)!.data, [...shape])));
  return new LoraParams(
    lora,
    slots.map((s) => ({ weight: s.weight, a: variable(s.a), b: variable(s.b) })),
  );
}
