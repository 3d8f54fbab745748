/** One JSON line per event. Prompts and answers are never logged unless TANDEM_LOG_BODIES is on. */

import { scrubSecrets } from "./scrub";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Lines for stdout, written together once per turn of the event loop: Node writes to files and
 * pipes synchronously, a system call per write, which the proxy would otherwise pay per request.
 */
function stdoutByTurn(): (line: string) => void {
  let pending = "";
  const flush = () => {
    if (pending) process.stdout.write(pending);
    pending = "";
  };
  process.on("exit", flush);
  return (line) => {
    if (!pending) setImmediate(flush);
    pending += `${line}\n`;
  };
}

let stdoutWriter: ((line: string) => void) | undefined;
/** One batching writer per process, however many loggers write through it. */
function sharedStdout(): (line: string) => void {
  stdoutWriter ??= stdoutByTurn();
  return stdoutWriter;
}

export function jsonLogger(write: (line: string) => void = sharedStdout()): Logger {
  const emit =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Keeps the key, and secrets that clients or the upstream put in bodies and errors, out of the logs. */
export function scrubbingLogger(log: Logger, key?: string): Logger {
  const clean = (fields: Record<string, unknown> = {}) => {
    const json = JSON.stringify(fields);
    const scrubbed = scrubSecrets(json, key);
    return scrubbed === json ? fields : (JSON.parse(scrubbed) as Record<string, unknown>);
  };
  return {
    info: (message, fields) => log.info(scrubSecrets(message, key), clean(fields)),
    warn: (message, fields) => log.warn(scrubSecrets(message, key), clean(fields)),
    error: (message, fields) => log.error(scrubSecrets(message, key), clean(fields)),
  };
}
