/**
 * Reads a request body as a JSON object. The size limit holds while the body streams in (a chunked
 * body has no Content-Length to check first), and only strict UTF-8 without a byte order mark is
 * accepted, so the bytes mean one thing to this server and to the upstream.
 */

import { anthropicError, invalidRequest } from "./errors";

export type JsonObject = Record<string, unknown>;

function tooLarge(max: number): Response {
  return anthropicError(
    413,
    "request_too_large",
    `The request is larger than this server accepts (${max} bytes).`,
  );
}

/** The body's bytes, or undefined as soon as they pass `max` (the rest is left unread). */
async function readUpTo(request: Request, max: number): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get("content-length") ?? 0) > max) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > max) return undefined;
    chunks.push(value);
  }
}

export async function readJsonObject(
  request: Request,
  maxBytes: number,
): Promise<{ value: JsonObject } | { error: Response }> {
  const bytes = await readUpTo(request, maxBytes);
  if (!bytes) return { error: tooLarge(maxBytes) };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return {
      error: invalidRequest("The request body starts with a byte order mark; send UTF-8 without one."),
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { error: invalidRequest("The request body is not valid UTF-8.") };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: invalidRequest("The request body is not valid JSON.") };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: invalidRequest("The request body must be a JSON object.") };
  }
  return { value: value as JsonObject };
}
