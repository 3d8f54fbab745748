/** Anthropic's error format, which the SDK and the app understand, for every refusal. */

import type { ServerResponse } from "node:http";

export interface ApiError {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

export const apiError = (
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): ApiError => ({ status, type, message, headers });

export const invalidRequest = (message: string): ApiError => apiError(400, "invalid_request_error", message);

export const serverError = apiError(500, "api_error", "The server failed on this request.");

const body = (e: ApiError) => JSON.stringify({ type: "error", error: { type: e.type, message: e.message } });
const headers = (e: ApiError) => ({ "content-type": "application/json", ...e.headers });

/** For Hono's routes. */
export const errorResponse = (e: ApiError): Response =>
  new Response(body(e), { status: e.status, headers: headers(e) });

/** Written straight to the client's Node response (the proxy's own route). */
export function sendError(res: ServerResponse, e: ApiError): void {
  const text = body(e);
  res.writeHead(e.status, { ...headers(e), "content-length": Buffer.byteLength(text) }).end(text);
}
