/**
 * `tandem-model.json`, written next to an MLC export by the training package: the web-llm record
 * of our own weights plus the id of `<|offload|>`, so the app can load them by URL.
 */

import { z } from "zod";
import type { MlcModelSpec } from "./engines/types";
import { modelCardSchema } from "./model-card";
import type { CatalogueEntry } from "./models";

const httpUrl = z.url({ protocol: /^https?$/ });

const modelFile = z.object({
  format: z.literal("tandem.model"),
  version: z.literal(1),
  spec: z.object({
    kind: z.literal("mlc"),
    id: z.string().min(1).max(200),
    label: z.string().min(1).max(200),
    offloadTokenId: z.number().int().nonnegative().optional(),
    card: modelCardSchema.optional(),
    record: z.object({
      model: httpUrl,
      model_id: z.string().min(1),
      model_lib: httpUrl,
      required_features: z.array(z.string()).optional(),
      vram_required_MB: z.number().nonnegative().optional(),
      low_resource_required: z.boolean().optional(),
      overrides: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
});

export class ModelFileError extends Error {
  override name = "ModelFileError";
}

export function parseTandemModel(text: string): CatalogueEntry {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ModelFileError("The model file is not JSON.");
  }
  const parsed = modelFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (at ${issue.path.join(".")})` : "";
    throw new ModelFileError(`This is not a Tandem model file: ${issue?.message ?? "wrong format"}${where}.`);
  }
  const { spec } = parsed.data;
  if (spec.card && spec.card.offload.tokenId !== spec.offloadTokenId)
    throw new ModelFileError(
      `This model file contradicts itself: its card names offload token ${spec.card.offload.tokenId}, the spec ${spec.offloadTokenId ?? "none"}.`,
    );
  return {
    // Zod leaves absent optional keys out, which is the spec's shape exactly.
    spec: spec as MlcModelSpec,
    sizeBytes: Math.round((spec.record.vram_required_MB ?? 0) * 1e6),
    promptedEscalation: spec.offloadTokenId === undefined,
    description: spec.card?.summary ?? "Your exported weights for web-llm (WebGPU).",
  };
}

export async function fetchTandemModel(url: string): Promise<CatalogueEntry> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new ModelFileError(`Could not download the model file from ${url} (offline?).`);
  }
  if (!response.ok)
    throw new ModelFileError(
      `Could not download the model file from ${url}: the server answered ${response.status}.`,
    );
  return parseTandemModel(await response.text());
}
