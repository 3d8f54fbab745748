/**
 * The code a run was made with: the git commit and whether the training sources differed from it.
 * Seeds are comparable only on the same code: a rounding-level change of the arithmetic moves which
 * seeds get a competent warm-up (a grouped-query attention change took seed 2's from 80% to 100%).
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";

export interface CodeVersion {
  commit: string;
  /** The training package's files differed from the commit. */
  dirty: boolean;
}

const run = promisify(execFile);

/** This checkout's version, or undefined outside a git checkout (a copied tree, no git). */
export async function codeVersion(cwd: string = process.cwd()): Promise<CodeVersion | undefined> {
  try {
    const commit = (await run("git", ["rev-parse", "HEAD"], { cwd })).stdout.trim();
    const status = (await run("git", ["status", "--porcelain", "--untracked-files=no", "--", "."], { cwd }))
      .stdout;
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return undefined;
  }
}

const describe = (v: CodeVersion | undefined) =>
  v ? `${v.commit.slice(0, 7)}${v.dirty ? " with local changes" : ""}` : "unrecorded code";

/** The report's line on the code its seeds ran on: a warning when they differ. */
export function codeLine(runs: ReadonlyArray<{ seed: number; code?: CodeVersion }>): string {
  const versions = new Set(runs.map((r) => describe(r.code)));
  if (versions.size === 1) return `Code: ${[...versions][0]}.`;
  return (
    `**Seeds ran on different code** (${runs.map((r) => `seed ${r.seed}: ${describe(r.code)}`).join("; ")}): ` +
    "the spread mixes seeds with changes of the arithmetic, which alone can move a seed's warm-up."
  );
}
