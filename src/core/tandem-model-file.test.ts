import { describe, expect, it } from "vitest";
import { ModelFileError, parseTandemModel } from "./tandem-model-file";

const record = {
  model: "https://models.example/tiny-q4f32_1-1a2b3c4d/resolve/main/",
  model_id: "tiny-q4f32_1-1a2b3c4d",
  model_lib: "https://libs.example/v0_2_80/Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm",
  low_resource_required: true,
  overrides: { context_window_size: 4096 },
};
const file = (spec: object) => JSON.stringify({ format: "tandem.model", version: 1, spec });

describe("parseTandemModel", () => {
  it("turns an exported model file into a catalogue entry that escalates with its token", () => {
    const entry = parseTandemModel(
      file({
        kind: "mlc",
        id: record.model_id,
        label: "tiny (q4f32_1, WebGPU)",
        offloadTokenId: 151_646,
        record,
      }),
    );
    expect(entry.spec).toEqual({
      kind: "mlc",
      id: record.model_id,
      label: "tiny (q4f32_1, WebGPU)",
      offloadTokenId: 151_646,
      record,
    });
    expect(entry.promptedEscalation).toBe(false);
  });

  it("asks for prompted escalation when the weights have no offload token", () => {
    expect(parseTandemModel(file({ kind: "mlc", id: "x", label: "x", record })).promptedEscalation).toBe(
      true,
    );
  });

  it.each([
    ["not JSON", "{", /^The model file is not JSON\.$/],
    ["another format", JSON.stringify({ format: "gguf" }), /^This is not a Tandem model file\.$/],
    ["a list", "[]", /^This is not a Tandem model file\.$/],
    [
      "a javascript: library URL",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, model_lib: "javascript:alert(1)" } }),
      /^The model file has a bad spec\.record\.model_lib: expected an http or https address\.$/,
    ],
    [
      "a negative token id",
      file({ kind: "mlc", id: "x", label: "x", offloadTokenId: -1, record }),
      /bad spec\.offloadTokenId/,
    ],
    [
      "an absurd GPU memory need",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, vram_required_MB: 1e308 } }),
      /^The model file has a bad spec\.record\.vram_required_MB: expected at most 1000000 MB\.$/,
    ],
    [
      "an infinite GPU memory need",
      file({ kind: "mlc", id: "x", label: "x", record: record }).replace(
        '"low_resource',
        '"vram_required_MB":1e999,"low_resource',
      ),
      /bad spec\.record\.vram_required_MB/,
    ],
    [
      "a negative GPU memory need",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, vram_required_MB: -1 } }),
      /bad spec\.record\.vram_required_MB: expected a number of MB, not a negative one/,
    ],
    [
      "a GPU memory need that is text",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, vram_required_MB: "4096" } }),
      /bad spec\.record\.vram_required_MB: expected a number of MB/,
    ],
    [
      "a label of 201 characters",
      file({ kind: "mlc", id: "x", label: "x".repeat(201), record }),
      /^The model file has a bad spec\.label: expected at most 200 characters\.$/,
    ],
    [
      "an empty id",
      file({ kind: "mlc", id: "", label: "x", record }),
      /^The model file has a bad spec\.id: expected some text\.$/,
    ],
    [
      "a model id of 201 characters",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, model_id: "x".repeat(201) } }),
      /bad spec\.record\.model_id: expected at most 200 characters/,
    ],
    [
      "a plain-http library on another site",
      file({
        kind: "mlc",
        id: "x",
        label: "x",
        record: { ...record, model_lib: "http://evil.example/lib.wasm" },
      }),
      /^This model file is refused: its model_lib \(http:\/\/evil\.example\/lib\.wasm\) is plain http on another site, where it can be swapped on the way\. Use an https address or one on this site\.$/,
    ],
    [
      "plain-http weights on another site",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, model: "http://evil.example/w/" } }),
      /its model \(http:\/\/evil\.example\/w\/\) is plain http on another site/,
    ],
    ["a file over 1 MB", " ".repeat(1024 * 1024 + 1), /^The model file is larger than 1 MB\.$/],
  ])("rejects %s with a reason", (_name, text, reason) => {
    expect(() => parseTandemModel(text, "https://app.example")).toThrow(ModelFileError);
    expect(() => parseTandemModel(text, "https://app.example")).toThrow(reason);
  });

  it("refuses plain http on a site other than the page's, even on the page's host with another port", () => {
    const lib = file({
      kind: "mlc",
      id: "x",
      label: "x",
      record: { ...record, model_lib: "http://app.example:8080/lib.wasm" },
    });
    expect(() => parseTandemModel(lib, "http://app.example")).toThrow(/its model_lib .* is plain http/);
  });

  it.each([
    ["on the page's own origin", "http://app.example/models/lib.wasm", "http://app.example"],
    ["on this machine", "http://127.0.0.1:9/lib.wasm", "https://app.example"],
    ["on localhost", "http://localhost:8080/lib.wasm", "https://app.example"],
    ["over https anywhere", "https://libs.example/lib.wasm", "http://app.example"],
  ])("accepts a library %s", (_name, modelLib, pageOrigin) => {
    const entry = parseTandemModel(
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, model_lib: modelLib } }),
      pageOrigin,
    );
    expect(entry.spec.kind === "mlc" && entry.spec.record.model_lib).toBe(modelLib);
  });

  it("accepts the largest sane GPU memory need and sizes the entry from it", () => {
    const entry = parseTandemModel(
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, vram_required_MB: 1_000_000 } }),
    );
    expect(entry.sizeBytes).toBe(1e12);
  });
});
