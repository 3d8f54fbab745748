/**
 * Removes the upstream key, and anything that looks like an Anthropic secret, from text that came
 * from upstream or goes to the logs: an upstream may echo the key it was sent.
 */

const REDACTED = "[redacted]";
const SECRET = /sk-ant-[\w-]+/g;
const SECRET_PREFIX = "sk-ant-";

export function scrubSecrets(text: string, key?: string): string {
  return (key ? text.replaceAll(key, REDACTED) : text).replace(SECRET, REDACTED);
}

/** Where a secret may begin that the next chunk could complete; text before it is safe to send. */
function safeEnd(text: string, key?: string): number {
  let end = text.length;
  const open = /sk-ant-[\w-]*$/.exec(text);
  if (open) end = open.index;
  for (const prefix of key ? [SECRET_PREFIX, key] : [SECRET_PREFIX]) {
    for (let n = Math.min(prefix.length - 1, text.length); n > 0; n--) {
      if (text.endsWith(prefix.slice(0, n))) {
        end = Math.min(end, text.length - n);
        break;
      }
    }
  }
  return end;
}

/**
 * Scrubs a byte stream, holding back only a tail that could be the start of a secret. Bytes are
 * read as latin1 (one char per byte), so everything that is not a secret passes unchanged, and a
 * chunk without secrets passes as it came.
 */
export function secretScrubber(key?: string): TransformStream<Uint8Array, Uint8Array> {
  let held = "";
  return new TransformStream({
    transform(chunk, controller) {
      const text = held + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
      const end = safeEnd(text, key);
      const safe = text.slice(0, end);
      const clean = scrubSecrets(safe, key);
      if (!held && end === text.length && clean === safe) controller.enqueue(chunk);
      else if (end > 0) controller.enqueue(Buffer.from(clean, "latin1"));
      held = text.slice(end);
    },
    flush(controller) {
      if (held) controller.enqueue(Buffer.from(scrubSecrets(held, key), "latin1"));
    },
  });
}
