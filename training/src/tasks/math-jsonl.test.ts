import { describe, expect, it } from "vitest";
import { answersEquivalent } from "./math-answer";
import { parseMathJsonl } from "./math-jsonl";

const line = (record: unknown) => JSON.stringify(record);

const GSM8K = line({
  question:
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
  answer:
    "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72",
});

const GSM8K_COMMAS = line({
  question: "A house costs $1,000 a month to rent. How much is the rent for a year?",
  answer: "The rent is 12 * 1,000 = <<12*1000=12000>>12,000 dollars.\n#### 12,000",
});

const MATH = line({
  problem: "If $x^2+y^2=1$, what is the largest possible value of $|x|+|y|$?",
  level: "Level 3",
  type: "Algebra",
  solution:
    "If $(x,y)$ lies on the circle, so does $(x,-y)$. Thus the maximum value is $\\boxed{\\sqrt{2}}$, reached at $x = y = \\frac{1}{\\sqrt{2}}$.",
});

const MATH_NESTED = line({
  problem: "Evaluate $\\frac{1}{2} \\cdot \\frac{2}{3}$.",
  level: "Level ?",
  type: "Prealgebra",
  solution:
    "We multiply: first try $\\boxed{1}$... no: $\\frac{1}{2}\\cdot\\frac{2}{3} = \\boxed{\\frac{1}{3}}$.",
});

const MATH500 = line({
  problem: "Convert the point $(0,3)$ in rectangular coordinates to polar coordinates.",
  solution:
    "We have that $r = 3$ and $\\theta = \\frac{\\pi}{2}$, so $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$.",
  answer: "\\left( 3, \\frac{\\pi}{2} \\right)",
  subject: "Precalculus",
  level: 2,
  unique_id: "test/precalculus/807.json",
});

const PLAIN = line({ question: "What is 6 times 7?", answer: "42" });
const AMC = line({ problem: "How many primes are below 10?", answer: 4.0, id: 17 });

describe("parseMathJsonl", () => {
  it("takes the GSM8K answer after ####, without commas, and keeps the worked solution", () => {
    const [natalia, rent] = parseMathJsonl(`${GSM8K}\n${GSM8K_COMMAS}\n`, "gsm8k");
    expect(natalia).toEqual({
      id: "gsm8k-1",
      task: "math",
      question: expect.stringMatching(/^Natalia sold clips/),
      answer: "72",
      meta: {
        source: "gsm8k",
        solution:
          "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.",
      },
    });
    expect(rent!.answer).toBe("12000");
    expect(rent!.id).toBe("gsm8k-2");
  });

  it("takes the last boxed answer of a MATH solution, with nested braces, and the level and subject", () => {
    const [circle, product] = parseMathJsonl([MATH, MATH_NESTED].join("\n"));
    expect(circle!.answer).toBe("\\sqrt{2}");
    expect(circle!.difficulty).toBe(3);
    expect(circle!.meta).toMatchObject({ source: "math", subject: "Algebra" });
    expect(product!.answer).toBe("\\frac{1}{3}");
    expect(product!.difficulty).toBeUndefined();
  });

  it("prefers a ready answer (MATH-500, AMC) and keeps the given id", () => {
    const [polar, primes] = parseMathJsonl([MATH500, AMC].join("\r\n"));
    expect(polar).toMatchObject({
      id: "test/precalculus/807.json",
      answer: "\\left( 3, \\frac{\\pi}{2} \\right)",
      difficulty: 2,
      meta: { source: "final", subject: "Precalculus" },
    });
    expect(primes).toMatchObject({ id: "17", question: "How many primes are below 10?", answer: "4" });
  });

  it("accepts a plain final answer and skips blank lines while counting them", () => {
    const examples = parseMathJsonl(`\n${PLAIN}\n\n   \n${PLAIN}`);
    expect(examples.map((e) => e.id)).toEqual(["math-2", "math-5"]);
    expect(examples[0]).toMatchObject({
      question: "What is 6 times 7?",
      answer: "42",
      meta: { source: "final" },
    });
  });

  it("yields answers the equivalence check recognises", () => {
    const [natalia, rent, circle] = parseMathJsonl([GSM8K, GSM8K_COMMAS, MATH].join("\n"));
    expect(answersEquivalent(natalia!.answer, "72 clips")).toBe(true);
    expect(answersEquivalent(rent!.answer, "\\$12,000")).toBe(true);
    expect(answersEquivalent(circle!.answer, "\\sqrt2")).toBe(true);
  });

  it.each([
    ['{"question": "What is 1+1?", "answer": "2"', /^line 2: not valid JSON/],
    ['["What is 1+1?", "2"]', /^line 2: expected a JSON object$/],
    ["null", /^line 2: expected a JSON object$/],
    ['{"answer": "2"}', /^line 2: needs a non-empty "question" or "problem"$/],
    ['{"question": "  ", "answer": "2"}', /^line 2: needs a non-empty "question" or "problem"$/],
    ['{"question": 5, "answer": "2"}', /^line 2: "question" must be a string$/],
    ['{"question": "What is 1+1?"}', /^line 2: needs an "answer", or a "solution"/],
    ['{"question": "What is 1+1?", "answer": ""}', /^line 2: "answer" is empty$/],
    ['{"question": "What is 1+1?", "answer": null}', /^line 2: "answer" must be a string or a number$/],
    ['{"question": "What is 1+1?", "answer": "1 + 1 = 2\\n####  "}', /^line 2: nothing after "####"/],
    ['{"problem": "What is 1+1?", "solution": "It is 2."}', /^line 2: no complete, non-empty \\boxed/],
    [
      '{"problem": "Half?", "solution": "$\\\\boxed{\\\\frac{1}{2}$"}',
      /^line 2: no complete, non-empty \\boxed/,
    ],
    ['{"problem": "Half?", "solution": ["x"]}', /^line 2: "solution" must be a string$/],
  ])("rejects %j with an error naming the line", (bad, message) => {
    expect(() => parseMathJsonl(`${PLAIN}\n${bad}\n${PLAIN}`)).toThrow(message);
  });
});
