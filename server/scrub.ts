/**
 * Removes the upstream key, and anything that looks like an Anthropic secret, from text that came
 * from upstream or goes to the logs: an upstream may echo the key it was sent.
 */

const REDACTED = "[redacted]";
const SECRET = /sk-ant-[\w-]+/g;
const SECRET_PREFIX = Buffer.from("sk-ant-", "latin1");

export function scrubSecrets(text: string, key?: string): string {
  return (key ? text.replaceAll(key, REDACTED) : text).replace(SECRET, REDACTED);
}

/** `[\w-]`, the characters a secret goes on with. */
const isSecretByte = (b: number) =>
  (b >= 0x30 && b <= 0x39) ||
  (b >= 0x41 && b <= 0x5a) ||
  (b >= 0x61 && b <= 0x7a) ||
  b === 0x5f ||
  b === 0x2d;

/** Where a proper prefix of `prefix` ends `bytes` (the longest such), or `bytes.length`. */
function partialStart(bytes: Buffer, prefix: Buffer): number {
  for (let n = Math.min(prefix.length - 1, bytes.length); n > 0; n--) {
    const at = bytes.length - n;
    if (bytes[at] === prefix[0] && bytes.subarray(at).equals(prefix.subarray(0, n))) return at;
  }
  return bytes.length;
}

/**
 * Scrubs a byte stream chunk by chunk, holding back only a tail that could be the start of a secret
 * the next chunk completes. The search is on bytes, and only a part that holds a secret is
 * rewritten (as latin1, one char per byte, so every other byte passes unchanged): a chunk without
 * secrets, the usual case, passes as it came.
 */
export class SecretScrubber {
  private held: Buffer | undefined;
  private readonly keyBytes: Buffer | undefined;

  constructor(private readonly key?: string) {
    this.keyBytes = key ? Buffer.from(key, "latin1") : undefined;
  }

  /** The bytes that are safe to send now, if any. */
  push(chunk: Buffer): Buffer | undefined {
    const bytes = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    const end = this.safeEnd(bytes);
    this.held = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
    return end === 0 ? undefined : this.scrub(end === bytes.length ? bytes : bytes.subarray(0, end));
  }

  /** What was held back, once the stream has ended. */
  end(): Buffer | undefined {
    const rest = this.held;
    this.held = undefined;
    return rest && this.scrub(rest);
  }

  /** Where a secret may begin that the next chunk could complete; bytes before it are safe to send. */
  private safeEnd(bytes: Buffer): number {
    // An open secret: "sk-ant-" followed only by secret characters up to the end.
    let run = bytes.length;
    while (run > 0 && isSecretByte(bytes[run - 1]!)) run--;
    const open = bytes.indexOf(SECRET_PREFIX, run);
    let end = open < 0 ? bytes.length : open;
    end = Math.min(end, partialStart(bytes, SECRET_PREFIX));
    if (this.keyBytes) end = Math.min(end, partialStart(bytes, this.keyBytes));
    return end;
  }

  private scrub(bytes: Buffer): Buffer {
    const hasSecret =
      bytes.includes(SECRET_PREFIX) || (this.keyBytes !== undefined && bytes.includes(this.keyBytes));
    return hasSecret ? Buffer.from(scrubSecrets(bytes.toString("latin1"), this.key), "latin1") : bytes;
  }
}
