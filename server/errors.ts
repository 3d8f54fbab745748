/** Anthropic's error format, which the SDK and the app understand, for every refusal. */

export function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ type: "error", error: { type, message } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export const invalidRequest = (message: string): Response =>
  anthropicError(400, "invalid_request_error", message);
