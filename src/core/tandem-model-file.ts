/**
 * `tandem-model.json`, written next to an MLC export by the training package: the web-llm record
 * of our own weights plus the id of `<|offload|>`, so the app can load them by URL.
 */

import { z } from "zod";
import type { MlcModelSpec } from "./engines/types";
import { modelCardSchema } from "./model-card";
import type { CatalogueEntry } from "./models";

/** Larger files are refused before parsing (an export's file, card included, is a few KB). */
export const MAX_MODEL_FILE_BYTES = 1024 * 1024;
/** No model needs more GPU memory than this (1 TB). */
export const MAX_VRAM_MB = 1_000_000;

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http or https address" }).max(2000);
const name = z.string().min(1, "expected some text").max(200, "expected at most 200 characters");

const modelFile = z.object({
  format: z.literal("tandem.model"),
  version: z.literal(1),
  spec: z.object({
    kind: z.literal("mlc"),
    id: name,
    label: name,
    offloadTokenId: z.number().int().nonnegative().optional(),
    card: modelCardSchema.optional(),
    record: z.object({
      model: httpUrl,
      model_id: name,
      model_lib: httpUrl,
      required_features: z.array(name).max(32).optional(),
      vram_required_MB: z
        .number("expected a number of MB")
        .nonnegative("expected a number of MB, not a negative one")
        .max(MAX_VRAM_MB, `expected at most ${MAX_VRAM_MB} MB`)
        .optional(),
      low_resource_required: z.boolean().optional(),
      overrides: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
});

export class ModelFileError extends Error {
  override name = "ModelFileError";
}

/** Loopback hosts: nobody on the network can answer for them (secure contexts trust them too). */
function isLoopback(host: string): boolean {
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || /^127(\.\d+){3}$/.test(host)
  );
}

/**
 * web-llm downloads the weights and runs the library as code, so both must come over https, or
 * from this page's own origin, or from this machine: plain http elsewhere can be swapped in transit.
 */
function refuseInsecureSource(field: string, url: string, pageOrigin: string | undefined): void {
  const { protocol, origin, hostname } = new URL(url);
  if (protocol === "https:" || origin === pageOrigin || isLoopback(hostname)) return;
  throw new ModelFileError(
    `This model file is refused: its ${field} (${url}) is plain http on another site, where it can be swapped on the way. Use an https address or one on this site.`,
  );
}

function currentOrigin(): string | undefined {
  return typeof location === "undefined" ? undefined : location.origin;
}

/** `pageOrigin` is the origin plain-http addresses may use (the page's own, by default). */
export function parseTandemModel(text: string, pageOrigin = currentOrigin()): CatalogueEntry {
  if (text.length > MAX_MODEL_FILE_BYTES) throw new ModelFileError("The model file is larger than 1 MB.");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ModelFileError("The model file is not JSON.");
  }
  const parsed = modelFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue?.path.length || issue.path[0] === "format")
      throw new ModelFileError("This is not a Tandem model file.");
    throw new ModelFileError(`The model file has a bad ${issue.path.join(".")}: ${issue.message}.`);
  }
  const { spec } = parsed.data;
  refuseInsecureSource("model", spec.record.model, pageOrigin);
  refuseInsecureSource("model_lib", spec.record.model_lib, pageOrigin);
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

export async function fetchTandemModel(url: string, pageOrigin = currentOrigin()): Promise<CatalogueEntry> {
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
  return parseTandemModel(await response.text(), pageOrigin);
}
