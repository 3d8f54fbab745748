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

const tokensOfText = (chars: number) => Math.ceil(chars / 4);

export class UsageMeter {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private input: number | undefined;
  private output = 0;
  /** The final usage (message_delta) was seen. */
  private final = false;
  private deltaChars = 0;

  constructor(
    private readonly isStream: boolean,
    private readonly estimate: Estimate,
  ) {}

  add(chunk: Uint8Array): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    if (!this.isStream) return;
    const end = this.pending.lastIndexOf("\n\n");
    if (end < 0) return;
    for (const event of this.pending.slice(0, end).split("\n\n")) this.read(event);
    this.pending = this.pending.slice(end + 2);
  }

  /** Tokens to charge; `complete` when the body arrived whole. */
  tokens(complete: boolean): number {
    if (!this.isStream) return complete ? this.jsonUsage() : this.estimate.input + this.estimate.maxOutput;
    if (complete) this.read(this.pending);
    const input = this.input ?? this.estimate.input;
    return this.final ? input + this.output : input + Math.max(this.output, tokensOfText(this.deltaChars));
  }

  private read(event: string): void {
    const line = event.split("\n").find((l) => l.startsWith("data:"));
    if (!line) return;
    let data: {
      type?: string;
      message?: { usage?: Usage };
      usage?: Usage;
      delta?: { text?: unknown; thinking?: unknown; partial_json?: unknown };
    };
    try {
      data = JSON.parse(line.slice(5));
    } catch {
      return;
    }
    if (data.type === "message_start") this.take(data.message?.usage);
    else if (data.type === "message_delta") {
      this.take(data.usage);
      this.final = true;
    } else if (data.type === "content_block_delta" && data.delta) {
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
      const usage = (JSON.parse(this.pending) as { usage?: Usage }).usage;
      this.take(usage);
    } catch {
      // Not a Messages answer: nothing to read.
    }
    return (this.input ?? 0) + this.output;
  }
}

/**
 * Passes `body` through chunk by chunk (reading only as fast as the client does) and calls `onEnd`
 * once, however it ends: whole, upstream error, or cancelled by the client.
 */
export function watchEnd(
  body: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: (complete: boolean) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (complete: boolean) => {
    if (ended) return;
    ended = true;
    onEnd(complete);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (ended) return;
          if (done) {
            end(true);
            controller.close();
            return;
          }
          onChunk(value);
          controller.enqueue(value);
        } catch (e) {
          end(false);
          controller.error(e);
        }
      },
      cancel(reason) {
        end(false);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
