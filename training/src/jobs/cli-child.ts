/**
 * One `train` subcommand in a process of its own (the pipeline's methods, a --seeds run's seeds).
 * With a prefix, the child's stderr lines come out prefixed, so several children side by side stay
 * readable; without one they pass straight through.
 */

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

export interface CliChildOptions {
  /** Names the child in its failure message. */
  label: string;
  /** Whether the child's stdout is shown (a --seeds run shows only the seeds' stderr). */
  stdout: "inherit" | "ignore";
  /** Put before each of the child's stderr lines. */
  stderrPrefix?: string;
}

export function runCliChild(args: readonly string[], options: CliChildOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], {
      stdio: ["ignore", options.stdout, options.stderrPrefix === undefined ? "inherit" : "pipe"],
    });
    if (child.stderr) {
      const prefix = options.stderrPrefix;
      createInterface({ input: child.stderr }).on("line", (line) =>
        process.stderr.write(`${prefix}${line}\n`),
      );
    }
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${options.label} failed (exit ${code}); see the log above.`)),
    );
  });
}
