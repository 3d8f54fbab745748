import { describe, expect, it } from "vitest";
import {
  markerSpec,
  OFFLOAD_TOKEN_TEXT,
  OffloadDetector,
  PAPER_OFFLOAD_TAG,
  type StreamChunk,
} from "./offload";

const MARKERS = [OFFLOAD_TOKEN_TEXT, PAPER_OFFLOAD_TAG];

function run(chunks: StreamChunk[], tokenId?: number) {
  const d = new OffloadDetector(markerSpec(tokenId));
  const shown: string[] = [];
  for (const c of chunks) {
    const step = d.push(c);
    shown.push(step.text);
    if (step.marker) return { shown, marker: step.marker };
  }
  shown.push(d.end().text);
  return { shown, marker: undefined };
}

/** Every way to cut `s` into two or three pieces. */
function* splits(s: string): Generator<string[]> {
  for (let a = 0; a <= s.length; a++) {
    for (let b = a; b <= s.length; b++) yield [s.slice(0, a), s.slice(a, b), s.slice(b)];
  }
}

/** Whether any prefix of the text shown so far ends with a non-empty proper prefix of a marker. */
function showsPartialMarker(shownSoFar: string): boolean {
  return MARKERS.some((m) => {
    for (let n = 2; n < m.length; n++) if (shownSoFar.endsWith(m.slice(0, n))) return true;
    return false;
  });
}

describe("OffloadDetector", () => {
  it("passes ordinary text through unchanged", () => {
    const { shown, marker } = run([{ text: "Hello " }, { text: "world." }]);
    expect(marker).toBeUndefined();
    expect(shown.join("")).toBe("Hello world.");
  });

  it("recognises the control token by id even when its text is empty", () => {
    const { shown, marker } = run(
      [{ text: "Let me " }, { text: "check.", tokenId: 5 }, { text: "", tokenId: 9 }],
      9,
    );
    expect(marker).toEqual({ via: "token-id", matched: OFFLOAD_TOKEN_TEXT, draft: "Let me check." });
    expect(shown.join("")).toBe("Let me check.");
  });

  it("releases held-back text when the token arrives by id", () => {
    const { shown, marker } = run([{ text: "a <unk" }, { text: "", tokenId: 7 }], 7);
    expect(marker?.draft).toBe("a <unk");
    expect(shown.join("")).toBe("a <unk");
  });

  it("never shows any part of a marker, whatever the split", () => {
    for (const marker of MARKERS) {
      const full = `Thinking: 2+2${marker}after`;
      for (const pieces of splits(full)) {
        const d = new OffloadDetector(markerSpec());
        let shown = "";
        let found = false;
        for (const p of pieces) {
          const step = d.push({ text: p });
          shown += step.text;
          if (step.marker) {
            found = true;
            expect(step.marker.draft).toBe("Thinking: 2+2");
            break;
          }
          expect(showsPartialMarker(shown)).toBe(false);
        }
        expect(found).toBe(true);
        expect(shown).toBe("Thinking: 2+2");
      }
    }
  });

  it("detects a marker fed one character at a time", () => {
    const text = `x${PAPER_OFFLOAD_TAG}`;
    const { shown, marker } = run([...text].map((ch) => ({ text: ch })));
    expect(marker?.via).toBe("text");
    expect(marker?.matched).toBe(PAPER_OFFLOAD_TAG);
    expect(shown.join("")).toBe("x");
  });

  it("matches the paper's tag with other whitespace", () => {
    const { marker } = run([{ text: "<unknown>I need\n external   assistance</unknown>" }]);
    expect(marker?.matched).toBe("<unknown>I need\n external   assistance</unknown>");
    expect(marker?.draft).toBe("");
  });

  it("releases a false start once it can no longer be a marker", () => {
    const d = new OffloadDetector(markerSpec());
    expect(d.push({ text: "a <|off" }).text).toBe("a ");
    expect(d.push({ text: "ice|>" }).text).toBe("<|office|>");
    expect(d.marker).toBeUndefined();
  });

  it("releases a trailing partial marker when the stream ends", () => {
    const d = new OffloadDetector(markerSpec());
    expect(d.push({ text: "ends with <unknown> I" }).text).toBe("ends with ");
    expect(d.end().text).toBe("<unknown> I");
    expect(d.text).toBe("ends with <unknown> I");
  });

  it("ignores everything after the marker", () => {
    const d = new OffloadDetector(markerSpec());
    const step = d.push({ text: "ok<|offload|>more" });
    expect(step.text).toBe("ok");
    expect(d.push({ text: "later" }).text).toBe("");
    expect(d.end().text).toBe("");
  });

  it("keeps multi-byte text intact around a marker", () => {
    const { shown, marker } = run([{ text: "Größe 😀 <|off" }, { text: "load|>" }]);
    expect(marker?.draft).toBe("Größe 😀 ");
    expect(shown.join("")).toBe("Größe 😀 ");
  });

  it("supports custom text markers and rejects empty ones", () => {
    const d = new OffloadDetector(markerSpec(undefined, ["[[cloud]]"]));
    expect(d.push({ text: "see [[clo" }).text).toBe("see ");
    expect(d.push({ text: "ud]]" }).marker?.matched).toBe("[[cloud]]");
    expect(() => markerSpec(undefined, [" "])).toThrow(/cannot be empty/);
  });
});
