/**
 * Reads a request body as a JSON object. The size limit holds while the body streams in (a chunked
 * body has no Content-Length to check first), and only strict UTF-8 without a byte order mark is
 * accepted, so the bytes mean one thing to this server and to the upstream.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiError, apiError, invalidRequest, sendError } from "./errors";

/** How much of a refused request's body is read and dropped, at most, before its connection closes. */
const DRAIN_MS = 500;
const DRAIN_BYTES = 64 * 1024 * 1024;

export type JsonObject = Record<string, unknown>;

function tooLarge(max: number): ApiError {
  return apiError(413, "request_too_large", `The request is larger than this server accepts (${max} bytes).`);
}

/** The body's bytes, or undefined as soon as they pass `max` (the rest is left unread). */
function readUpTo(request: IncomingMessage, max: number): Promise<Buffer | undefined> {
  if (Number(request.headers["content-length"] ?? 0) > max) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      request.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else {
        stop();
        resolve(undefined);
      }
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      stop();
      reject(e);
    };
    const onClose = () =>
      onError(new Error("The client closed the connection before the end of its request."));
    request.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export async function readJsonObject(
  request: IncomingMessage,
  maxBytes: number,
): Promise<{ value: JsonObject } | { error: ApiError }> {
  const bytes = await readUpTo(request, maxBytes);
  if (!bytes) return { error: tooLarge(maxBytes) };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return {
      error: invalidRequest("The request body starts with a byte order mark; send UTF-8 without one."),
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
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

/**
 * Answers a request with an error, maybe before its body was read to the end. Then the rest of the
 * body is read and dropped for a short while, so the client reads the answer rather than a reset,
 * and the connection is closed if the body goes on (as @hono/node-server does for Hono's routes).
 */
export function refuse(req: IncomingMessage, res: ServerResponse, error: ApiError): void {
  sendError(res, error);
  if (req.complete) return;
  let dropped = 0;
  const close = () => {
    clearTimeout(timer);
    req.socket.destroySoon();
  };
  const timer = setTimeout(close, DRAIN_MS).unref();
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) close();
  });
  req.on("end", () => clearTimeout(timer));
  req.resume();
}
