/**
 * widget.js: the script a site adds to embed Tandem. It defines <tandem-chat> (a launcher button
 * and a panel holding an iframe on our origin, in a shadow root so neither side's CSS leaks)
 * and `window.Tandem.mount()`. With any data- attribute on its own <script> tag it mounts one
 * widget at once. No framework, no dependencies: it must stay small (see bench:widget).
 */

import { CONFIG_KEYS } from "./config";
import { envelope, parseWidgetEvent, type WidgetEvent } from "./protocol";

type EventType = WidgetEvent["type"];
type Listener<T extends EventType> = (event: Extract<WidgetEvent, { type: T }>) => void;
export type MountOptions = Partial<Record<(typeof CONFIG_KEYS)[number] | "position", string>>;

const script = document.currentScript as HTMLScriptElement | null;
const PAGE_URL = new URL("widget.html", script?.src || location.href);
const WIDGET_ORIGIN = PAGE_URL.origin;

const CSS = `
.launcher{all:initial;cursor:pointer;width:56px;height:56px;border-radius:50%;background:var(--tandem-accent,#2563eb);color:#fff;font:600 24px/56px system-ui,sans-serif;text-align:center;box-shadow:0 4px 16px #0004}
.launcher:focus-visible{outline:3px solid #fff;outline-offset:2px}
.panel{display:none;position:absolute;bottom:68px;right:0;width:min(380px,calc(100vw - 32px));height:min(560px,calc(100vh - 100px));border-radius:12px;overflow:hidden;box-shadow:0 8px 32px #0005;background:#fff}
:host([data-position=bottom-left]) .panel{right:auto;left:0}
.panel.open{display:block}
iframe{all:initial;display:block;width:100%;height:100%;border:0}
`;

/** Inline !important beats any host stylesheet, CSS resets included. */
function pin(el: HTMLElement, styles: Record<string, string>) {
  for (const [k, v] of Object.entries(styles)) el.style.setProperty(k, v, "important");
}

export class TandemChatElement extends HTMLElement {
  /** Messages that claimed to be ours but failed the origin, source or shape check. */
  ignoredMessages = 0;
  private iframe?: HTMLIFrameElement;
  private panel?: HTMLDivElement;
  private launcher?: HTMLButtonElement;
  private ready = false;
  private queue: string[] = [];
  private listeners = new Map<EventType, Set<(e: WidgetEvent) => void>>();
  private readonly onMessage = (e: MessageEvent) => this.receive(e);

  connectedCallback() {
    if (this.iframe) return;
    const left = this.getAttribute("position") === "bottom-left";
    this.dataset.position = left ? "bottom-left" : "bottom-right";
    pin(this, {
      all: "initial",
      display: "block",
      position: "fixed",
      bottom: "16px",
      [left ? "left" : "right"]: "16px",
      "z-index": "2147483000",
    });
    const root = this.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    // Constructed sheets are not inline styles: a host CSP without 'unsafe-inline' allows them.
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    const accent = this.getAttribute("accent");
    if (accent && /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i.test(accent))
      this.style.setProperty("--tandem-accent", accent);

    this.launcher = document.createElement("button");
    this.launcher.className = "launcher";
    this.launcher.type = "button";
    this.launcher.textContent = "💬";
    this.launcher.setAttribute("aria-label", "Open chat");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));

    const src = new URL(PAGE_URL);
    src.searchParams.set("host", location.origin);
    for (const key of CONFIG_KEYS) {
      const value = this.getAttribute(key);
      if (value !== null) src.searchParams.set(key, value);
    }
    this.iframe = document.createElement("iframe");
    this.iframe.title = "Tandem chat";
    this.iframe.src = src.href;
    this.iframe.referrerPolicy = "no-referrer";
    this.panel = document.createElement("div");
    this.panel.className = "panel";
    this.panel.append(this.iframe);
    root.append(this.panel, this.launcher);
    addEventListener("message", this.onMessage);
  }

  disconnectedCallback() {
    removeEventListener("message", this.onMessage);
  }

  get isOpen(): boolean {
    return this.panel?.classList.contains("open") ?? false;
  }

  open() {
    this.panel?.classList.add("open");
    this.launcher?.setAttribute("aria-expanded", "true");
    this.launcher?.setAttribute("aria-label", "Close chat");
    this.post({ type: "focus" });
  }

  close() {
    this.panel?.classList.remove("open");
    this.launcher?.setAttribute("aria-expanded", "false");
    this.launcher?.setAttribute("aria-label", "Open chat");
  }

  /** Puts text in the widget's composer (or sends it, if mounted with host-send="auto"). */
  send(text: string) {
    if (this.ready) this.post({ type: "send", text });
    else this.queue.push(text);
  }

  on<T extends EventType>(type: T, listener: Listener<T>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    const l = listener as (e: WidgetEvent) => void;
    set.add(l);
    return () => set.delete(l);
  }

  private post(message: { type: "focus" } | { type: "send"; text: string }) {
    this.iframe?.contentWindow?.postMessage(envelope(message), WIDGET_ORIGIN);
  }

  private receive(e: MessageEvent) {
    const fromWidget = e.source === this.iframe?.contentWindow && e.origin === WIDGET_ORIGIN;
    const claimsOurs = typeof e.data === "object" && e.data !== null && e.data.tandem === "widget";
    if (!fromWidget) {
      if (claimsOurs) this.ignoredMessages++;
      return;
    }
    const event = parseWidgetEvent(e.data);
    if (!event) {
      this.ignoredMessages++;
      return;
    }
    if (event.type === "ready") {
      this.ready = true;
      for (const text of this.queue.splice(0)) this.post({ type: "send", text });
    }
    for (const l of this.listeners.get(event.type) ?? []) l(event);
    this.dispatchEvent(new CustomEvent(`tandem-${event.type}`, { detail: event, bubbles: true }));
  }
}

export function mount(options: MountOptions = {}, parent: HTMLElement = document.body): TandemChatElement {
  const el = document.createElement("tandem-chat") as TandemChatElement;
  for (const [k, v] of Object.entries(options)) if (v !== undefined) el.setAttribute(k, v);
  parent.append(el);
  return el;
}

if (!customElements.get("tandem-chat")) customElements.define("tandem-chat", TandemChatElement);
const api = { mount, version: 1 };
(window as unknown as { Tandem: typeof api }).Tandem = api;

const data = script ? { ...script.dataset } : {};
if (Object.keys(data).length > 0 && data.manual === undefined) {
  const options: MountOptions = {};
  for (const [k, v] of Object.entries(data))
    options[k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) as keyof MountOptions] = v;
  const go = () => mount(options);
  if (document.body) go();
  else addEventListener("DOMContentLoaded", go, { once: true });
}
