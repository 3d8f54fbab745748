/**
 * The offload marker and the streaming detector that watches local output for it.
 *
 * A model asks for the cloud either with a control token (`<|offload|>`, recognised by id when the
 * engine reports ids, by its text otherwise) or with a textual tag such as the paper's
 * `<unknown> I need external assistance </unknown>`. The detector is fed the engine's chunks and
 * releases only text that can no longer turn out to be the start of a marker, so a partial marker
 * never reaches the screen whatever the chunking.
 */

export const OFFLOAD_TOKEN_TEXT = "<|offload|>";
export const PAPER_OFFLOAD_TAG = "<unknown> I need external assistance </unknown>";

export interface OffloadMarkerSpec {
  /** Id of the control token in the loaded model's vocabulary, when it has one. */
  tokenId?: number;
  /**
   * Texts that mean "offload". A space inside a marker matches any run of whitespace, including
   * none, so `<unknown>I need external assistance</unknown>` matches the paper's tag.
   */
  textMarkers: readonly string[];
}

export const DEFAULT_TEXT_MARKERS: readonly string[] = [OFFLOAD_TOKEN_TEXT, PAPER_OFFLOAD_TAG];

export function markerSpec(tokenId?: number, textMarkers = DEFAULT_TEXT_MARKERS): OffloadMarkerSpec {
  if (textMarkers.some((m) => m.trim() === "")) throw new Error("An offload text marker cannot be empty.");
  return tokenId === undefined ? { textMarkers } : { tokenId, textMarkers };
}

export interface StreamChunk {
  text: string;
  tokenId?: number;
}

export interface DetectedMarker {
  /** How it was recognised: by token id or by one of the text markers. */
  via: "token-id" | "text";
  /** The marker text as it appeared (or the token's text). */
  matched: string;
  /** Everything the model wrote before the marker. */
  draft: string;
}

export interface DetectorStep {
  /** Text that is now safe to show. */
  text: string;
  marker?: DetectedMarker;
}

type MatchResult = { kind: "full"; end: number } | { kind: "partial" } | { kind: "fail" };

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\n" || ch === "\t" || ch === "\r";
}

/** Matches `pattern` against `s` from `start`; a space in the pattern stands for `\s*`. */
function matchAt(s: string, start: number, pattern: string): MatchResult {
  let i = start;
  for (let j = 0; j < pattern.length; j++) {
    if (pattern[j] === " ") {
      while (i < s.length && isWhitespace(s[i]!)) i++;
      if (i === s.length) return { kind: "partial" };
      continue;
    }
    if (i === s.length) return { kind: "partial" };
    if (s[i] !== pattern[j]) return { kind: "fail" };
    i++;
  }
  return { kind: "full", end: i };
}

export class OffloadDetector {
  private pending = "";
  private shown = "";
  private found: DetectedMarker | undefined;
  /** A marker can only start at one of these characters: text without them is released at once. */
  private readonly starts: ReadonlySet<string>;

  constructor(private readonly spec: OffloadMarkerSpec) {
    this.starts = new Set(spec.textMarkers.map((m) => m.trimStart()[0]!));
  }

  get marker(): DetectedMarker | undefined {
    return this.found;
  }

  /** All text released so far. */
  get text(): string {
    return this.shown;
  }

  push(chunk: StreamChunk): DetectorStep {
    if (this.found) return { text: "" };
    if (this.spec.tokenId !== undefined && chunk.tokenId === this.spec.tokenId) {
      // The token itself is the marker; whatever was held back could not complete a text marker.
      const released = this.release(this.pending.length);
      this.found = { via: "token-id", matched: OFFLOAD_TOKEN_TEXT, draft: this.shown };
      return { text: released, marker: this.found };
    }
    this.pending += chunk.text;
    if (!this.mayHoldMarker()) return { text: this.release(this.pending.length) };
    const full = this.firstFullMatch();
    if (full) {
      const released = this.release(full.start);
      this.found = { via: "text", matched: this.pending.slice(0, full.end - full.start), draft: this.shown };
      this.pending = "";
      return { text: released, marker: this.found };
    }
    return { text: this.release(this.firstPartialStart()) };
  }

  /** The stream ended: anything held back was not a marker after all. */
  end(): DetectorStep {
    if (this.found) return { text: "" };
    return { text: this.release(this.pending.length) };
  }

  private mayHoldMarker(): boolean {
    for (const ch of this.pending) if (this.starts.has(ch)) return true;
    return false;
  }

  private release(count: number): string {
    const out = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    this.shown += out;
    return out;
  }

  private firstFullMatch(): { start: number; end: number } | undefined {
    for (let k = 0; k < this.pending.length; k++) {
      for (const pattern of this.spec.textMarkers) {
        const m = matchAt(this.pending, k, pattern);
        if (m.kind === "full") return { start: k, end: m.end };
      }
    }
    return undefined;
  }

  private firstPartialStart(): number {
    for (let k = 0; k < this.pending.length; k++) {
      for (const pattern of this.spec.textMarkers) {
        if (matchAt(this.pending, k, pattern).kind === "partial") return k;
      }
    }
    return this.pending.length;
  }
}
