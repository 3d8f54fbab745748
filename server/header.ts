import type { IncomingHttpHeaders } from "node:http";

/** A request header's value; repeated ones joined as fetch's Headers joins them (Node joins most already). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
