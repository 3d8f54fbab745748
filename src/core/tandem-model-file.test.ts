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
    ["not JSON", "{", /not JSON/],
    ["another format", JSON.stringify({ format: "gguf" }), /not a Tandem model file/],
    [
      "a javascript: library URL",
      file({ kind: "mlc", id: "x", label: "x", record: { ...record, model_lib: "javascript:alert(1)" } }),
      /at spec\.record\.model_lib/,
    ],
    [
      "a negative token id",
      file({ kind: "mlc", id: "x", label: "x", offloadTokenId: -1, record }),
      /offloadTokenId/,
    ],
  ])("rejects %s with a reason", (_name, text, reason) => {
    expect(() => parseTandemModel(text)).toThrow(ModelFileError);
    expect(() => parseTandemModel(text)).toThrow(reason);
  });
});
