/**
 * The postMessage protocol between a host page (loader.ts) and the widget iframe (widget.html).
 * Every message is `{ tandem: "widget", v: 1, type, ... }`. Receivers check the sender's origin
 * and window first, then parse with the functions below: anything that does not parse is ignored
 * and counted, never acted on. Framework-free: the loader imports it.
 */

export const PROTOCOL_VERSION = 1;
const TAG = "widget";
export const MAX_TEXT = 4000;

/** Host -> widget. `send` only fills the composer unless the widget was mounted with host-send=auto. */
export type HostMessage = { type: "focus" } | { type: "send"; text: string };

export type RouteTaken = "local" | "cloud";

/** Widget -> host. Text of this session's turns only; stored conversations are never sent. */
export type WidgetEvent =
  | { type: "ready"; model: string }
  | { type: "message-sent"; turnId: string; text: string }
  | { type: "route"; turnId: string; route: RouteTaken; reason: string }
  | { type: "message-received"; turnId: string; text: string; route: RouteTaken }
  | { type: "error"; message: string; turnId?: string };

export type Envelope<T> = T & { tandem: typeof TAG; v: typeof PROTOCOL_VERSION };

export function envelope<T extends { type: string }>(message: T): Envelope<T> {
  return { tandem: TAG, v: PROTOCOL_VERSION, ...message };
}

type Fields = Record<string, unknown>;

function header(data: unknown): Fields | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const d = data as Fields;
  return d.tandem === TAG && d.v === PROTOCOL_VERSION && typeof d.type === "string" ? d : undefined;
}

const isText = (x: unknown, max = MAX_TEXT): x is string => typeof x === "string" && x.length <= max;
const isId = (x: unknown): x is string => typeof x === "string" && /^[\w-]{1,64}$/.test(x);
const isRoute = (x: unknown): x is RouteTaken => x === "local" || x === "cloud";

export function parseHostMessage(data: unknown): HostMessage | undefined {
  const d = header(data);
  if (!d) return undefined;
  if (d.type === "focus" && Object.keys(d).length === 3) return { type: "focus" };
  if (d.type === "send" && isText(d.text) && d.text.trim()) return { type: "send", text: d.text };
  return undefined;
}

export function parseWidgetEvent(data: unknown): WidgetEvent | undefined {
  const d = header(data);
  if (!d) return undefined;
  switch (d.type) {
    case "ready":
      return isText(d.model, 200) ? { type: "ready", model: d.model } : undefined;
    case "message-sent":
      return isId(d.turnId) && isText(d.text)
        ? { type: "message-sent", turnId: d.turnId, text: d.text }
        : undefined;
    case "route":
      return isId(d.turnId) && isRoute(d.route) && isText(d.reason, 500)
        ? { type: "route", turnId: d.turnId, route: d.route, reason: d.reason }
        : undefined;
    case "message-received":
      return isId(d.turnId) && isText(d.text, 100_000) && isRoute(d.route)
        ? { type: "message-received", turnId: d.turnId, text: d.text, route: d.route }
        : undefined;
    case "error":
      if (!isText(d.message, 1000) || (d.turnId !== undefined && !isId(d.turnId))) return undefined;
      return { type: "error", message: d.message, ...(isId(d.turnId) ? { turnId: d.turnId } : {}) };
    default:
      return undefined;
  }
}
