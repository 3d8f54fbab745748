/**
 * `npm run bench:proxy`: the cloud proxy under load, on loopback only, bounded, stops by itself.
 * The fake Anthropic API and the real server (built and run as `npm run serve` runs it: compiled
 * JavaScript, no TypeScript loader) run as child processes; this process sends waves of
 * 200 concurrent streaming requests, alternately straight to the fake cloud and through the
 * proxy, and compares latency, throughput, the server's memory and its CPU time per request. With
 * `-- --redis` the server keeps its limits on a redis-server of its own (TANDEM_REDIS_URL) instead
 * of in memory; with `-- --cpu-prof` it writes a CPU profile of the server to bench/results/. With
 * `-- --pin` the server gets core 1 to itself and the fake cloud core 0 (taskset; start the benchmark
 * as `taskset -c 0 npm run bench:proxy -- --pin` to keep this client on core 0 as well): on a
 * two-core machine that separates the extra hop's own latency from the three processes' contention
 * for the cores.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { startRedis } from "../../server/redis-process";
import { median, percentile } from "../router/stats";

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 200);
const WAVES = Number(process.env.WAVES ?? 5);
const CLOUD_PORT = 8799;
const SERVER_PORT = 4199;
const KEY = "sk-bench-key";
const redis = process.argv.includes("--redis") ? await startRedis() : undefined;
const pinned = process.argv.includes("--pin");
const onCore = (core: number, command: string[]) =>
  pinned ? ["taskset", "-c", String(core), ...command] : command;
const profile = process.argv.includes("--cpu-prof")
  ? ["--cpu-prof", "--cpu-prof-dir=bench/results/proxy-profile"]
  : [];

function start(command: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  // Its own process group, so stopping it stops the node process tsx starts too.
  const [program, ...args] = command;
  const child = spawn(program!, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      try {
        if ((await fetch(readyUrl)).ok) return resolve(child);
      } catch {}
      if (Date.now() > deadline) reject(new Error(`${command.join(" ")} did not start`));
      else setTimeout(poll, 200);
    };
    void poll();
  });
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}

/** User and system CPU time the process has used, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const body = JSON.stringify({
  model: "claude-haiku-4-5",
  max_tokens: 100,
  stream: true,
  messages: [{ role: "user", content: "What is 1234*5678?" }],
});

async function one(url: string): Promise<{ ttfb: number; total: number; ok: boolean }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": KEY },
    body,
  });
  const reader = res.body!.getReader();
  let ttfb = 0;
  let text = "";
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!ttfb) ttfb = performance.now() - t0;
    text += decoder.decode(value, { stream: true });
  }
  return { ttfb, total: performance.now() - t0, ok: res.ok && text.includes("message_stop") };
}

async function wave(url: string) {
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: CONCURRENCY }, () => one(url)));
  return { results, seconds: (performance.now() - t0) / 1000 };
}

execFileSync("npm", ["run", "--silent", "build:server"], { stdio: "inherit" });
const cloud = await start(
  onCore(0, ["npx", "tsx", "training/src/cloud/fake-anthropic/cli.ts", String(CLOUD_PORT)]),
  {},
  `http://127.0.0.1:${CLOUD_PORT}/__admin/requests`,
);
const server = await start(
  onCore(1, [process.execPath, ...profile, "dist-server/main.js"]),
  {
    PORT: String(SERVER_PORT),
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${CLOUD_PORT}`,
    TANDEM_REQUESTS_PER_MINUTE: "1000000",
    TANDEM_DAILY_TOKEN_BUDGET: "1000000000",
    TANDEM_MODELS: "claude-haiku-4-5",
    ...(redis ? { TANDEM_REDIS_URL: redis.url } : {}),
  },
  `http://127.0.0.1:${SERVER_PORT}/healthz`,
);

try {
  const direct = `http://127.0.0.1:${CLOUD_PORT}/v1/messages`;
  const proxied = `http://127.0.0.1:${SERVER_PORT}/api/cloud/v1/messages`;
  await wave(direct);
  await wave(proxied); // warm-up
  const rssStart = rssMiB(server.pid!);
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB(server.pid!));
  }, 100);
  const d = { ttfb: [] as number[], total: [] as number[], rps: [] as number[], errors: 0 };
  const p = { ttfb: [] as number[], total: [] as number[], rps: [] as number[], errors: 0 };
  let serverCpu = 0;
  for (let i = 0; i < WAVES; i++) {
    for (const [url, acc] of i % 2 === 0
      ? ([
          [direct, d],
          [proxied, p],
        ] as const)
      : ([
          [proxied, p],
          [direct, d],
        ] as const)) {
      const cpuBefore = cpuMs(server.pid!);
      const w = await wave(url);
      if (acc === p) serverCpu += cpuMs(server.pid!) - cpuBefore;
      acc.rps.push(CONCURRENCY / w.seconds);
      for (const r of w.results) {
        acc.ttfb.push(r.ttfb);
        acc.total.push(r.total);
        if (!r.ok) acc.errors++;
      }
    }
  }
  clearInterval(sampler);
  const rssEnd = rssMiB(server.pid!);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `\nTandem proxy benchmark: ${WAVES} waves x ${CONCURRENCY} concurrent streaming requests each way, loopback; limits ${redis ? "on Redis" : "in memory"}${pinned ? "; server on core 1, fake cloud on core 0" : ""}\n`,
  );
  console.log("                      direct to fake cloud    through the proxy    ratio (proxy/direct)");
  const row = (name: string, a: number, b: number) =>
    console.log(
      `${name.padEnd(22)}${f(a).padStart(10)} ms${f(b).padStart(20)} ms${(b / a).toFixed(2).padStart(16)}x`,
    );
  row("first byte p50", median(d.ttfb), median(p.ttfb));
  row("first byte p99", percentile(d.ttfb, 99), percentile(p.ttfb, 99));
  row("whole stream p50", median(d.total), median(p.total));
  row("whole stream p99", percentile(d.total, 99), percentile(p.total, 99));
  console.log(
    `sustained requests/s  ${f(median(d.rps)).padStart(10)}      ${f(median(p.rps)).padStart(17)}      ${(median(p.rps) / median(d.rps)).toFixed(2).padStart(13)}x`,
  );
  console.log(`errors: direct ${d.errors}, proxy ${p.errors} (of ${WAVES * CONCURRENCY} each)`);
  console.log(`server memory (RSS): start ${f(rssStart)} MiB, peak ${f(rssPeak)} MiB, end ${f(rssEnd)} MiB`);
  console.log(`server CPU per proxied request: ${(serverCpu / (WAVES * CONCURRENCY)).toFixed(2)} ms`);
  if (p.errors > 0) process.exitCode = 1;
} finally {
  process.kill(-server.pid!, "SIGTERM");
  process.kill(-cloud.pid!, "SIGTERM");
  await redis?.stop();
}
