/**
 * Splits a local answer in the paper's format, `<think>working</think><answer>final</answer>`, into
 * the model's working and its answer, also while it streams (a tag cut between two chunks is not
 * shown). Text without these tags is all answer.
 */

export interface SplitAnswer {
  /** The reasoning inside <think>, when the text has it (complete or still streaming). */
  working?: string;
  answer: string;
}

const THINK = "<think>";
const THINK_END = "</think>";

/** Drops a tag that is still being written at the end of a streaming text ("<ans", "</thi"). */
function withoutPartialTag(text: string, tags: readonly string[]): string {
  const lt = text.lastIndexOf("<");
  if (lt < 0) return text;
  const tail = text.slice(lt);
  return tags.some((t) => t.startsWith(tail) && t !== tail) ? text.slice(0, lt) : text;
}

function answerPart(text: string): string {
  const trimmed = withoutPartialTag(text, ["<answer>", "</answer>"]);
  const m = /^\s*<answer>([\s\S]*?)(?:<\/answer>[\s\S]*)?$/.exec(trimmed);
  return (m ? m[1]! : trimmed).trim();
}

export function splitReasoning(text: string): SplitAnswer {
  const start = text.trimStart();
  if (!start.startsWith(THINK)) {
    if (THINK.startsWith(start) && start) return { answer: "" };
    return { answer: answerPart(text) };
  }
  const body = start.slice(THINK.length);
  const end = body.indexOf(THINK_END);
  if (end < 0) return { working: withoutPartialTag(body, [THINK_END]), answer: "" };
  return { working: body.slice(0, end), answer: answerPart(body.slice(end + THINK_END.length)) };
}

/** A draft whose working was cut off, closed, so that text appended after it is not read as working. */
export function closeWorking(text: string): string {
  const split = splitReasoning(text);
  return split.working !== undefined && !text.includes(THINK_END)
    ? `${THINK}${split.working}${THINK_END}`
    : text;
}
