/**
 * The model catalogue: the bundled demo model (the pipeline's GAPG model as GGUF with its card, runs
 * anywhere on the CPU engine; `npm run models` rebuilds it) and
 * web-llm's prebuilt Qwen2.5 / Llama-3.2 models for WebGPU devices.
 */

import type { DeviceCapabilities, EngineChoice } from "./engines/capabilities";
import type { GgufModelSpec, ModelSpec } from "./engines/types";
import { PAPER_OFFLOAD_TAG } from "./offload";

export interface CatalogueEntry {
  spec: ModelSpec;
  /** Approximate download size in bytes. */
  sizeBytes: number;
  /** The model was not post-trained with `<|offload|>`: the system prompt asks for the paper's tag. */
  promptedEscalation: boolean;
  description: string;
}

/** Instruction that lets a model without the offload token escalate by text. */
export const PROMPTED_ESCALATION_INSTRUCTION = `If a request is beyond what you can answer reliably (for example exact arithmetic, recent facts or long reasoning), reply with exactly ${PAPER_OFFLOAD_TAG} and nothing else.`;

/** Size of public/models/tandem-demo.gguf (models.test.ts checks it against the file). */
export const DEMO_MODEL_BYTES = 1_741_824;

export function demoModel(baseUrl: string): GgufModelSpec {
  return {
    kind: "gguf",
    id: "tandem-demo",
    url: new URL("models/tandem-demo.gguf", baseUrl).href,
    label: "Tandem demo (tiny, bundled)",
  };
}

/** A GGUF file at any URL (our exports, or any llama.cpp model); escalation is prompted unless it has the token. */
export function customGgufEntry(url: string, baseUrl: string): CatalogueEntry {
  const href = new URL(url, baseUrl).href;
  const name = decodeURIComponent(href.split("/").pop() || href);
  return {
    spec: { kind: "gguf", id: `custom:${href}`, url: href, label: name },
    sizeBytes: 0,
    promptedEscalation: true,
    description: "A GGUF model from a URL.",
  };
}

/** Real instruct models as GGUF (Q4_K_M, from their public model repositories) for the CPU engine. */
const CPU_MODELS = [
  {
    id: "qwen2.5-0.5b-instruct-q4_k_m",
    label: "Qwen2.5-0.5B-Instruct (Q4_K_M, CPU)",
    url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
    sizeBytes: 491_000_000,
  },
  {
    id: "llama-3.2-1b-instruct-q4_k_m",
    label: "Llama-3.2-1B-Instruct (Q4_K_M, CPU)",
    url: "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    sizeBytes: 807_694_464,
  },
  {
    id: "qwen2.5-1.5b-instruct-q4_k_m",
    label: "Qwen2.5-1.5B-Instruct (Q4_K_M, CPU)",
    url: "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf",
    sizeBytes: 1_117_320_736,
  },
] as const;

/** A model the device cannot run, and why (shown so nobody wonders where it went). */
export interface HiddenEntry {
  label: string;
  reason: string;
}

/** web-llm needs 1 GiB storage-buffer bindings unless a model is marked as fitting low-resource devices. */
const WEBLLM_BINDING_BYTES = 1 << 30;

export function webllmUnfitReason(spec: ModelSpec, caps: DeviceCapabilities | undefined): string | undefined {
  if (spec.kind !== "mlc") return undefined;
  const limit = caps?.maxStorageBufferBindingSize;
  if (limit === undefined || limit >= WEBLLM_BINDING_BYTES || spec.record.low_resource_required)
    return undefined;
  return `needs GPU storage buffers of ${WEBLLM_BINDING_BYTES / 2 ** 20} MiB; this adapter allows ${Math.floor(limit / 2 ** 20)} MiB`;
}

export async function catalogue(
  choice: EngineChoice,
  baseUrl: string,
  caps?: DeviceCapabilities,
): Promise<{ entries: CatalogueEntry[]; hidden: HiddenEntry[] }> {
  const entries: CatalogueEntry[] = [
    {
      spec: demoModel(baseUrl),
      sizeBytes: DEMO_MODEL_BYTES,
      promptedEscalation: false,
      description:
        "Bundled and offline: a tiny model trained here with GAPG on sums. It answers the sums it can on this device and asks the cloud for the rest; its card says how well.",
    },
  ];
  const hidden: HiddenEntry[] = [];
  if (choice.backend !== "webllm") {
    for (const m of CPU_MODELS)
      entries.push({
        spec: { kind: "gguf", id: m.id, url: m.url, label: m.label },
        sizeBytes: m.sizeBytes,
        promptedEscalation: true,
        description:
          "Downloaded once from Hugging Face, then cached; runs on the CPU (slower than WebGPU). Escalates when prompted.",
      });
    return { entries, hidden };
  }
  // web-llm is large: load its catalogue only on devices that can run it.
  const { prebuiltModel } = await import("./engines/webllm/model-record");
  for (const family of ["Qwen2.5-0.5B-Instruct", "Qwen2.5-1.5B-Instruct", "Llama-3.2-1B-Instruct"] as const) {
    const spec = prebuiltModel(family, choice.quantization);
    const unfit = webllmUnfitReason(spec, caps);
    if (unfit) {
      hidden.push({ label: spec.label, reason: unfit });
      continue;
    }
    entries.push({
      spec,
      sizeBytes: Math.round((spec.kind === "mlc" ? (spec.record.vram_required_MB ?? 0) : 0) * 1e6),
      promptedEscalation: true,
      description: "web-llm prebuilt weights (downloaded once, then cached). Escalates when prompted.",
    });
  }
  return { entries, hidden };
}
