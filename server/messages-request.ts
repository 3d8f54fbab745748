/**
 * What the proxy sends upstream: a Messages API request rebuilt from an explicit allowlist of
 * fields and anthropic-* headers, so a client spends the server's key only on what the operator
 * chose. Anything else is refused with a message naming it.
 *
 * Always allowed: model (one of TANDEM_MODELS), messages (text content), max_tokens (capped),
 * system, temperature, top_p, top_k, stop_sequences, stream, and metadata.user_id (an opaque id the
 * upstream uses against abuse).
 * Off unless listed in TANDEM_ENABLE_FEATURES: tools (with tool_choice and tool blocks; server tools
 * make the upstream search and fetch the web), thinking (long, costly outputs), mcp_servers (makes
 * the upstream connect to any server the client names).
 * Never: image and document blocks (URL sources make the upstream fetch URLs; the app sends text),
 * and every other field. cache_control is dropped (cache writes are billed above normal input).
 * Headers: anthropic-version (a date; 2023-06-01 when absent), anthropic-beta only with names in
 * TANDEM_ALLOWED_BETAS; no other client header reaches the upstream.
 */

import type { IncomingHttpHeaders } from "node:http";
import type { JsonObject } from "./body";
import type { Feature, ServerConfig } from "./config";
import { header } from "./header";

export interface MessagesRequest {
  model: string;
  messages: unknown[];
  max_tokens: number;
  [field: string]: unknown;
}

type Result<T = unknown> = { value: T } | { error: string };
const ok = <T>(value: T): Result<T> => ({ value });
const fail = (error: string): { error: string } => ({ error });
const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

const FEATURE_BLOCKS: Record<Feature, string[]> = {
  tools: ["tool_use", "tool_result"],
  thinking: ["thinking", "redacted_thinking"],
  mcp_servers: ["mcp_tool_use", "mcp_tool_result"],
};

function textBlock(block: JsonObject): Result {
  return typeof block.text === "string"
    ? ok({ type: "text", text: block.text })
    : fail("A text block needs text.");
}

function content(value: unknown, features: readonly Feature[]): Result {
  if (typeof value === "string") return ok(value);
  if (!Array.isArray(value)) return fail("A message's content must be a string or a list of blocks.");
  const blocks: unknown[] = [];
  for (const block of value) {
    if (!isObject(block) || typeof block.type !== "string") return fail("Each content block needs a type.");
    const checked =
      block.type === "text"
        ? textBlock(block)
        : features.some((f) => FEATURE_BLOCKS[f].includes(block.type as string))
          ? ok(block)
          : fail(`Content blocks of type ${block.type} are not accepted by this server.`);
    if ("error" in checked) return checked;
    blocks.push(checked.value);
  }
  return ok(blocks);
}

function messages(value: unknown, config: ServerConfig): Result {
  if (!Array.isArray(value) || value.length === 0) return fail("messages must be a non-empty list.");
  if (value.length > config.maxMessages) {
    return fail(`At most ${config.maxMessages} messages per request on this server (got ${value.length}).`);
  }
  const out: unknown[] = [];
  for (const m of value) {
    if (!isObject(m) || (m.role !== "user" && m.role !== "assistant")) {
      return fail("Each message needs the role user or assistant.");
    }
    const checked = content(m.content, config.enabledFeatures);
    if ("error" in checked) return checked;
    out.push({ role: m.role, content: checked.value });
  }
  return ok(out);
}

function system(value: unknown): Result {
  if (typeof value === "string") return ok(value);
  if (!Array.isArray(value)) return fail("system must be a string or a list of text blocks.");
  const blocks: unknown[] = [];
  for (const block of value) {
    const checked =
      isObject(block) && block.type === "text" ? textBlock(block) : fail("system takes text blocks only.");
    if ("error" in checked) return checked;
    blocks.push(checked.value);
  }
  return ok(blocks);
}

const between = (name: string, min: number, max: number) => (value: unknown) =>
  typeof value === "number" && value >= min && value <= max
    ? ok(value)
    : fail(`${name} must be a number from ${min} to ${max}.`);

const shaped = (name: string, test: (v: unknown) => boolean, shape: string) => (value: unknown) =>
  test(value) ? ok(value) : fail(`${name} must be ${shape}.`);

interface Field {
  check: (value: unknown, config: ServerConfig) => Result;
  required?: boolean;
  feature?: Feature;
}

/** In the order they are sent upstream. */
const FIELDS: Record<string, Field> = {
  model: {
    required: true,
    check: (value, config) =>
      typeof value !== "string"
        ? fail("model is required.")
        : config.models.includes(value)
          ? ok(value)
          : fail(`Model ${value} is not allowed on this server; allowed: ${config.models.join(", ")}.`),
  },
  messages: { required: true, check: messages },
  max_tokens: {
    required: true,
    check: (value, config) =>
      typeof value !== "number" || !Number.isInteger(value) || value < 1
        ? fail("max_tokens must be a positive integer.")
        : value > config.maxTokensCap
          ? fail(`max_tokens may be at most ${config.maxTokensCap} on this server (got ${value}).`)
          : ok(value),
  },
  system: { check: system },
  temperature: { check: between("temperature", 0, 1) },
  top_p: { check: between("top_p", 0, 1) },
  top_k: { check: shaped("top_k", (v) => Number.isInteger(v) && (v as number) > 0, "a positive integer") },
  stop_sequences: {
    check: shaped(
      "stop_sequences",
      (v) => Array.isArray(v) && v.every((s) => typeof s === "string"),
      "a list of strings",
    ),
  },
  stream: { check: shaped("stream", (v) => typeof v === "boolean", "true or false") },
  metadata: {
    check: (value) =>
      isObject(value) &&
      Object.keys(value).every((k) => k === "user_id") &&
      (value.user_id === undefined || (typeof value.user_id === "string" && value.user_id.length <= 256))
        ? ok(value.user_id === undefined ? {} : { user_id: value.user_id })
        : fail("metadata may hold only user_id, a string of up to 256 characters."),
  },
  tools: { feature: "tools", check: shaped("tools", Array.isArray, "a list") },
  tool_choice: { feature: "tools", check: shaped("tool_choice", isObject, "an object") },
  thinking: { feature: "thinking", check: shaped("thinking", isObject, "an object") },
  mcp_servers: { feature: "mcp_servers", check: shaped("mcp_servers", Array.isArray, "a list") },
};

function checkBody(body: JsonObject, config: ServerConfig): Result<MessagesRequest> {
  for (const name of Object.keys(body)) {
    const field = Object.hasOwn(FIELDS, name) ? FIELDS[name]! : undefined;
    if (!field) return fail(`The field ${name} is not accepted by this server.`);
    if (field.feature && !config.enabledFeatures.includes(field.feature)) {
      return fail(
        `${name} is disabled on this server (TANDEM_ENABLE_FEATURES does not list ${field.feature}).`,
      );
    }
  }
  const out: JsonObject = {};
  for (const [name, field] of Object.entries(FIELDS)) {
    if (!field.required && !Object.hasOwn(body, name)) continue;
    const checked = field.check(body[name], config);
    if ("error" in checked) return checked;
    out[name] = checked.value;
  }
  return ok(out as MessagesRequest);
}

function checkHeaders(headers: IncomingHttpHeaders, config: ServerConfig): Result<Record<string, string>> {
  const version = header(headers, "anthropic-version") ?? "2023-06-01";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) return fail("anthropic-version must be a date like 2023-06-01.");
  const out: Record<string, string> = { "anthropic-version": version };
  const betas = (header(headers, "anthropic-beta") ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  const refused = betas.find((b) => !config.allowedBetas.includes(b));
  if (refused) return fail(`anthropic-beta ${refused} is not enabled on this server.`);
  if (betas.length > 0) out["anthropic-beta"] = betas.join(",");
  return ok(out);
}

export function checkMessagesRequest(
  body: JsonObject,
  headers: IncomingHttpHeaders,
  config: ServerConfig,
): { error: string } | { body: MessagesRequest; headers: Record<string, string> } {
  const checkedHeaders = checkHeaders(headers, config);
  if ("error" in checkedHeaders) return checkedHeaders;
  const checkedBody = checkBody(body, config);
  if ("error" in checkedBody) return checkedBody;
  return { body: checkedBody.value, headers: checkedHeaders.value };
}
