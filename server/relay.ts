/**
 * Streams the upstream's answer to the client as undici hands it over, straight into the client's
 * Node response: no streams in between, no re-chunking, and the upstream connection is read only as
 * fast as the client takes the answer (undici stops reading it while the relay is paused). Each
 * chunk goes through `pass` on its way.
 */

import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";

export interface Pass {
  /** The upstream's status and headers are in: the headers to send the client with that status. */
  head(status: number, headers: IncomingHttpHeaders): OutgoingHttpHeaders;
  /** What to send for this chunk (nothing: hold it back for now). */
  chunk(bytes: Buffer): Buffer | undefined;
  /** What is left to send once the upstream's answer is whole. */
  end(): Buffer | undefined;
  /** Once, after `head`, however the answer ends: whole, upstream error or silence, or client gone. */
  done(complete: boolean): void;
  /** Once, instead of `head` and `done`: no answer came (`clientGone`: the client left first). */
  failed(error: Error, clientGone: boolean): void;
}

export class Relay implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private started = false;
  private ended = false;
  private clientGone = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly pass: Pass,
  ) {
    // Also emitted once a whole answer is out: then there is nothing to do (and no error to build:
    // capturing its stack trace for every request cost a few percent of the server's CPU).
    res.once("close", () => {
      if (this.ended) return;
      this.clientGone = true;
      this.abort(new Error("The client went away."));
    });
    res.on("drain", () => this.controller?.resume());
  }

  /** Stops the upstream request; the client's response is cut if it had begun. */
  abort(reason: Error): void {
    if (this.ended) return;
    if (this.controller) this.controller.abort(reason);
    else this.abortReason = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders) {
    if (status < 200) return;
    this.started = true;
    this.res.writeHead(status, this.pass.head(status, headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const out = this.pass.chunk(chunk);
    if (out && !this.res.write(out)) controller.pause();
  }

  onResponseEnd(): void {
    if (!this.end()) return;
    this.res.end(this.pass.end());
    this.pass.done(true);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.end()) return;
    if (!this.started) {
      this.pass.failed(error, this.clientGone);
      return;
    }
    // Cut the client's response too, so it sees an error rather than an answer that looks whole.
    this.res.destroy();
    this.pass.done(false);
  }

  /** False when it had already ended. */
  private end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    return true;
  }
}
