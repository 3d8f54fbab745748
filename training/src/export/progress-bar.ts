/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10% otherwise (CI logs).
 * Shows the share of parameters done, MB/s of source float32 values and elapsed time.
 */

export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): {
  update: (done: number, total: number) => void;
  finish: () => void;
} {
  const start = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;
  let line = "";
  const render = (done: number, total: number) => {
    const share = total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(share * width);
    const seconds = (performance.now() - start) / 1000;
    const mbps = (done * 4) / 1e6 / Math.max(seconds, 1e-3);
    return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${mbps.toFixed(0)} MB/s ${seconds.toFixed(1)}s`;
  };
  return {
    update(done, total) {
      line = render(done, total);
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        stream.write(`\r${line}`);
        return;
      }
      const decile = Math.floor((10 * done) / Math.max(1, total));
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (stream.isTTY && line) stream.write(`\r${line}\n`);
    },
  };
}
