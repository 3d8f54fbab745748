/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10% otherwise (CI logs).
 * Shows the share done, an optional rate (e.g. MB/s), elapsed time, time left and a detail the
 * caller updates (e.g. the latest reward).
 */

export interface ProgressBarOptions {
  stream?: NodeJS.WriteStream;
  /** Formats a rate from the amount done and the seconds elapsed. */
  rate?: (done: number, seconds: number) => string;
}

const clock = (seconds: number): string =>
  seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
    : `${seconds.toFixed(1)}s`;

export function progressBar(
  label: string,
  { stream = process.stderr, rate }: ProgressBarOptions = {},
): {
  update: (done: number, total: number, detail?: string) => void;
  finish: () => void;
} {
  const start = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;
  let line = "";
  const render = (done: number, total: number, detail: string | undefined) => {
    const share = total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(share * width);
    const seconds = (performance.now() - start) / 1000;
    const left = share > 0 && share < 1 ? ` ~${clock((seconds * (1 - share)) / share)} left` : "";
    const parts = [
      `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`,
      ...(rate ? [rate(done, Math.max(seconds, 1e-3))] : []),
      `${clock(seconds)}${left}`,
      ...(detail ? [detail] : []),
    ];
    return parts.join(" ");
  };
  return {
    update(done, total, detail) {
      line = render(done, total, detail);
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        stream.write(`\r${line}\x1b[K`);
        return;
      }
      const decile = Math.floor((10 * done) / Math.max(1, total));
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (stream.isTTY && line) stream.write(`\r${line}\x1b[K\n`);
    },
  };
}
