/**
 * Streams the upstream's answer to the client chunk by chunk, from the upstream connection's Node
 * stream straight into the client's Node response: no web streams, no re-chunking, and the
 * upstream is read only as fast as the client takes it. Each chunk goes through `pass` on its way;
 * `onEnd` is called once, however the answer ends: whole, upstream error, or client gone.
 */

import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";

export interface Pass {
  /** What to send for this chunk (nothing: hold it back for now). */
  chunk(bytes: Buffer): Buffer | undefined;
  /** What is left to send once the upstream's answer is whole. */
  end(): Buffer | undefined;
}

export function relay(
  body: Readable,
  res: ServerResponse,
  pass: Pass,
  onEnd: (complete: boolean) => void,
): void {
  let ended = false;
  /** False when it had already ended. */
  const end = (complete: boolean): boolean => {
    if (ended) return false;
    ended = true;
    onEnd(complete);
    return true;
  };
  body.on("data", (chunk: Buffer) => {
    const out = pass.chunk(chunk);
    if (out && !res.write(out)) body.pause();
  });
  res.on("drain", () => body.resume());
  body.on("end", () => {
    if (end(true)) res.end(pass.end());
  });
  // The upstream failed or went silent: cut the client's response too, so it sees an error
  // rather than an answer that looks whole.
  const cut = () => {
    if (end(false)) res.destroy();
  };
  body.on("error", cut);
  body.on("close", cut);
  res.on("close", () => {
    if (end(false)) body.destroy();
  });
}
