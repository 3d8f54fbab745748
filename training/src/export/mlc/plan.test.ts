import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../../model/config";
import { MLC_QUANTIZATIONS, mlcTensors, planMlcParams } from "./plan";

const facts = (quant: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../../../shared/facts/mlc/qwen2-0.5b-${quant}.params.json`, import.meta.url),
      "utf8",
    ),
  ) as { params: Array<{ name: string; shape: number[]; dtype: string }> };

describe("MLC export plan", () => {
  for (const quant of MLC_QUANTIZATIONS) {
    it(`gives exactly the tensors the prebuilt Qwen2-0.5B ${quant} library expects`, () => {
      const expected = facts(quant).params.map(({ name, shape, dtype }) => ({ name, shape, dtype }));
      expect(expected).toHaveLength(267);
      expect(mlcTensors(planMlcParams("qwen2", PRESETS["qwen2.5-0.5b"]), quant)).toEqual(expected);
    });
  }

  it("fuses Llama's q/k/v without biases and adds an untied head last", () => {
    const c = { ...PRESETS["qwen2.5-0.5b"], qkvBias: false, tieEmbeddings: false };
    const tensors = mlcTensors(planMlcParams("llama", c), "q4f32_1");
    expect(tensors.filter((t) => t.name.endsWith(".bias"))).toEqual([]);
    expect(tensors[2]).toEqual({
      name: "model.layers.0.self_attn.qkv_proj.q_weight",
      shape: [1152, 112],
      dtype: "uint32",
    });
    expect(tensors.slice(-2).map((t) => t.name)).toEqual(["lm_head.q_weight", "lm_head.q_scale"]);
  });

  it("refuses widths that are not whole groups of 32", () => {
    expect(() =>
      planMlcParams("qwen2", { ...PRESETS.tiny, hiddenSize: 100, numHeads: 2, numKvHeads: 2 }),
    ).toThrow(/input width 100/);
  });
});
