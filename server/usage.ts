/**
 * Tokens a Messages response used, read from its usage fields as the bytes pass by. A response
 * that ends early (client gone, upstream dropped, idle timeout) is still charged: for a stream,
 * the input tokens and the output it delivered; for a JSON answer, the whole reservation, since
 * the upstream generated it before sending any of it.
 */

export interface Estimate {
  input: number;
  maxOutput: number;
}

interface Usage {
  input_tokens?: unknown;
  output_tokens?: unknown;
}

interface StreamEvent {
  message?: { usage?: Usage };
  usage?: Usage;
  delta?: { text?: unknown; thinking?: unknown; partial_json?: unknown };
}

const tokensOfText = (chars: number) => Math.ceil(chars / 4);
const EVENT_END = Buffer.from("\n\n");
const EVENT_LINE = Buffer.from("event:");
const DATA_LINE = Buffer.from("data:");
/**
 * More than this unread (one stream event, or a whole JSON answer) is not a Messages answer: it is
 * dropped and the request charged its whole reservation, so a misbehaving upstream costs neither
 * memory nor CPU here (each chunk used to be joined to everything pending).
 */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** The events with usage or output in them, by their SSE name (as the SDK reads them); others go unparsed. */
const METERED = new Set(["message_start", "message_delta", "content_block_delta"]);

export class UsageMeter {
  /** A stream's incomplete last event; a JSON answer's bytes so far. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** More than MAX_PENDING_BYTES was pending: the usage cannot be read. */
  private overflow = false;
  private input: number | undefined;
  private output = 0;
  /** The final usage (message_delta) was seen. */
  private final = false;
  private deltaChars = 0;

  constructor(
    private readonly isStream: boolean,
    private readonly estimate: Estimate,
  ) {}

  add(chunk: Buffer): void {
    if (this.overflow) return;
    if (!this.isStream || !this.endsEvent(chunk)) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > MAX_PENDING_BYTES) {
        this.overflow = true;
        this.pending = [];
      }
      return;
    }
    const bytes = this.pending.length > 0 ? Buffer.concat([...this.pending, chunk]) : chunk;
    let start = 0;
    for (let end = bytes.indexOf(EVENT_END); end >= 0; end = bytes.indexOf(EVENT_END, start)) {
      this.read(bytes.subarray(start, end));
      start = end + EVENT_END.length;
    }
    this.pending = start < bytes.length ? [bytes.subarray(start)] : [];
    this.pendingBytes = bytes.length - start;
  }

  /** Whether an event's blank line ends in `chunk` (it may begin in the pending bytes). */
  private endsEvent(chunk: Buffer): boolean {
    if (chunk.includes(EVENT_END)) return true;
    const last = this.pending.at(-1);
    return last !== undefined && last[last.length - 1] === 0x0a && chunk[0] === 0x0a;
  }

  /** Tokens to charge; `complete` when the body arrived whole. */
  tokens(complete: boolean): number {
    if (this.overflow) return this.estimate.input + this.estimate.maxOutput;
    if (!this.isStream) return complete ? this.jsonUsage() : this.estimate.input + this.estimate.maxOutput;
    if (complete && this.pending.length > 0) this.read(this.pending[0]!);
    const input = this.input ?? this.estimate.input;
    return this.final ? input + this.output : input + Math.max(this.output, tokensOfText(this.deltaChars));
  }

  /** One event (bytes up to its blank line): its `event:` name and the JSON on its `data:` line. */
  private read(event: Buffer): void {
    const name = lineValue(event, EVENT_LINE)?.trimStart();
    if (name === undefined || !METERED.has(name)) return;
    let data: StreamEvent;
    try {
      data = JSON.parse(lineValue(event, DATA_LINE) ?? "");
    } catch {
      return;
    }
    if (name === "message_start") this.take(data.message?.usage);
    else if (name === "message_delta") {
      this.take(data.usage);
      this.final = true;
    } else if (data.delta) {
      for (const part of [data.delta.text, data.delta.thinking, data.delta.partial_json]) {
        if (typeof part === "string") this.deltaChars += part.length;
      }
    }
  }

  private take(usage: Usage | undefined): void {
    if (typeof usage?.input_tokens === "number") this.input = Math.max(this.input ?? 0, usage.input_tokens);
    if (typeof usage?.output_tokens === "number") this.output = Math.max(this.output, usage.output_tokens);
  }

  private jsonUsage(): number {
    try {
      const usage = (JSON.parse(Buffer.concat(this.pending).toString()) as { usage?: Usage }).usage;
      this.take(usage);
    } catch {
      // Not a Messages answer: nothing to read.
    }
    return (this.input ?? 0) + this.output;
  }
}

/** The rest of the event's first line that starts with `prefix`, if there is one. */
function lineValue(event: Buffer, prefix: Buffer): string | undefined {
  let at = event.indexOf(prefix);
  while (at > 0 && event[at - 1] !== 0x0a) at = event.indexOf(prefix, at + 1);
  if (at < 0) return undefined;
  const end = event.indexOf(0x0a, at);
  return event.toString("utf8", at + prefix.length, end < 0 ? event.length : end);
}
