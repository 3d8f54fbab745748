import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type GgufHeader,
  type GgufSummary,
  readGgufHeader,
  tensorBytes,
  validateGgufHeader,
} from "./gguf-header";
import { blob, type HeaderField, headerLayout } from "./gguf-test-files";
import { ModelLoadError } from "./types";

const RUNS = 200;
/** For a loaded machine: 200 runs take about half a second each. */
const TEST_TIMEOUT_MS = 20_000;
/** Per file; a hang, or a reader that awaits once per claimed entry, goes far past this. */
const TIME_BOUND_MS = 1000;

let demo: Uint8Array;
let headerEnd: number;
/** Counts, types, ranks, dimensions, offsets and key/name lengths (not every token's length). */
let structural: HeaderField[];
beforeAll(async () => {
  demo = new Uint8Array(await readFile("public/models/tandem-demo.gguf"));
  const layout = headerLayout(demo);
  headerEnd = layout.end;
  structural = layout.fields.filter((f) => !/\[\d+\]$/.test(f.what));
});

/** What an accepted file's summary promises: every tensor aligned, in bounds and apart. */
function expectConsistent(h: GgufHeader, s: GgufSummary): void {
  expect(s).toMatchObject({ tensorCount: h.tensors.length, fileSize: h.fileSize });
  expect(Number.isInteger(s.contextLength) && s.contextLength > 0).toBe(true);
  expect(s.vocabSize).toBeGreaterThan(0);
  let end = 0;
  for (const t of h.tensors) {
    expect(t.offset % h.alignment).toBe(0);
    expect(t.offset).toBeGreaterThanOrEqual(end);
    end = t.offset + tensorBytes(t);
    expect(h.dataStart + end).toBeLessThanOrEqual(h.fileSize);
  }
}

/** The file is either refused with a ModelLoadError or accepted with a consistent summary, in time. */
async function inspectsSafely(bytes: Uint8Array): Promise<void> {
  const file = blob(bytes);
  const started = performance.now();
  let accepted: [GgufHeader, GgufSummary] | undefined;
  try {
    const header = await readGgufHeader(file);
    accepted = [header, validateGgufHeader(header)];
  } catch (e) {
    if (!(e instanceof ModelLoadError)) throw e;
    expect(["corrupt", "truncated", "unsupported"]).toContain(e.code);
  }
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  if (accepted) expectConsistent(...accepted);
}

const u64s = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 7n, 31n, 32n, 33n, 255n, 0xffffffffn, 1n << 31n, 1n << 32n, 1n << 53n),
  fc.bigInt({ min: 0n, max: 4096n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);

describe("inspectGguf on mutations of the bundled model", () => {
  it(
    "refuses or accepts the file cut at any point",
    async () => {
      const cuts = fc.oneof(fc.nat({ max: headerEnd + 64 }), fc.nat({ max: demo.length }));
      await fc.assert(
        fc.asyncProperty(cuts, (cut) => inspectsSafely(demo.subarray(0, cut))),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "refuses or accepts the file with bits of its header flipped",
    async () => {
      const flips = fc.array(fc.tuple(fc.nat({ max: headerEnd - 1 }), fc.nat({ max: 7 })), {
        minLength: 1,
        maxLength: 8,
      });
      await fc.assert(
        fc.asyncProperty(flips, (bits) => {
          const bytes = demo.slice();
          for (const [at, bit] of bits) bytes[at]! ^= 1 << bit;
          return inspectsSafely(bytes);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "refuses or accepts the file with counts, types, dimensions or offsets overwritten",
    async () => {
      const overwrites = fc.array(fc.tuple(fc.constantFrom(...structural), u64s), {
        minLength: 1,
        maxLength: 3,
      });
      await fc.assert(
        fc.asyncProperty(overwrites, (writes) => {
          const bytes = demo.slice();
          const view = new DataView(bytes.buffer);
          for (const [field, value] of writes) {
            if (field.size === 4) view.setUint32(field.at, Number(value & 0xffffffffn), true);
            else view.setBigUint64(field.at, value, true);
          }
          return inspectsSafely(bytes);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
