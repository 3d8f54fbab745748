/** Cloud failures as one typed error with a message a person can act on. */

import type Anthropic from "@anthropic-ai/sdk";

export type CloudErrorKind =
  | "not-configured"
  | "auth"
  | "bad-request"
  | "not-found"
  | "rate-limit"
  | "overloaded"
  | "server"
  | "timeout"
  | "network"
  | "interrupted"
  | "aborted";

export class CloudError extends Error {
  constructor(
    message: string,
    readonly kind: CloudErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = "CloudError";
  }

  /** Whether trying again later may work. */
  get transient(): boolean {
    return ["rate-limit", "overloaded", "server", "timeout", "network", "interrupted"].includes(this.kind);
  }
}

function bodyMessage(e: InstanceType<typeof Anthropic.APIError>): string | undefined {
  const error = (e.error as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === "string" ? error.message : undefined;
}

function bodyType(e: InstanceType<typeof Anthropic.APIError>): string | undefined {
  const error = (e.error as { error?: { type?: unknown } } | undefined)?.error;
  return typeof error?.type === "string" ? error.type : undefined;
}

/** `sdk` is the loaded SDK class (its error classes are checked with instanceof; the SDK is loaded lazily). */
export function toCloudError(
  e: unknown,
  context: { receivedText: boolean; aborted: boolean; baseURL: string },
  sdk: typeof Anthropic,
): CloudError {
  if (e instanceof CloudError) return e;
  if (context.aborted || e instanceof sdk.APIUserAbortError) {
    return new CloudError("The cloud answer was stopped.", "aborted");
  }
  if (e instanceof sdk.APIConnectionTimeoutError) {
    return new CloudError("The cloud did not answer in time (timeout), even after retrying.", "timeout");
  }
  if (e instanceof sdk.APIConnectionError) {
    return context.receivedText
      ? new CloudError("The connection to the cloud dropped in the middle of the answer.", "interrupted")
      : new CloudError(
          `Could not reach the cloud at ${context.baseURL} (offline, or the server is down).`,
          "network",
        );
  }
  if (e instanceof sdk.APIError) {
    const detail = bodyMessage(e);
    const type = bodyType(e);
    const status = e.status;
    const suffix = detail ? `: ${detail}` : ".";
    if (status === 401 || status === 403) {
      return new CloudError(
        `The cloud refused the credentials (${status})${suffix} Check the API key in Settings.`,
        "auth",
        status,
      );
    }
    if (status === 404) {
      return new CloudError(
        `The cloud endpoint or model was not found (404)${suffix} Check the base URL and model.`,
        "not-found",
        status,
      );
    }
    if (status === 429) {
      return new CloudError(
        `The cloud is rate-limiting requests (429) and retries ran out${suffix}`,
        "rate-limit",
        status,
      );
    }
    if (status === 529 || type === "overloaded_error") {
      return new CloudError(
        context.receivedText
          ? "The cloud became overloaded in the middle of the answer."
          : "The cloud is overloaded (529) and retries ran out. Try again shortly.",
        context.receivedText ? "interrupted" : "overloaded",
        status,
      );
    }
    if (status !== undefined && status >= 500) {
      return new CloudError(`The cloud had an internal error (${status})${suffix}`, "server", status);
    }
    if (status !== undefined && status >= 400) {
      return new CloudError(`The cloud rejected the request (${status})${suffix}`, "bad-request", status);
    }
    return new CloudError(
      `The cloud stream failed${suffix}`,
      context.receivedText ? "interrupted" : "server",
    );
  }
  const message = e instanceof Error ? e.message : String(e);
  return context.receivedText
    ? new CloudError(
        `The connection to the cloud dropped in the middle of the answer (${message}).`,
        "interrupted",
      )
    : new CloudError(`The cloud request failed: ${message}`, "network");
}
