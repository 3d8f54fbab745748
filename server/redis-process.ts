/**
 * A throwaway redis-server on a free loopback port, nothing saved to disk, for the tests and
 * `npm run bench:proxy -- --redis`. It can be killed and started again on the same port (Redis
 * going away and coming back) or frozen (a Redis that is connected but does not answer).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";
export const redisServerInstalled = () => existsSync(REDIS_SERVER);

export interface RedisProcess {
  readonly url: string;
  /** Kills it at once (as a crash would); its data is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (d: Buffer) => {
      output += d;
      if (/Ready to accept connections/.test(output)) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        child.off("exit", onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`redis-server exited (${code}) on port ${port}:\n${output.slice(-2000)}`));
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => {
      output += d;
    });
    child.once("exit", onExit);
    child.once("error", reject);
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

export async function startRedis(): Promise<RedisProcess> {
  if (!redisServerInstalled())
    throw new Error(
      `redis-server is not installed at ${REDIS_SERVER}: install Debian's package (apt-get install redis-server) or set REDIS_SERVER.`,
    );
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the free port before redis-server binds it.
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    child = await launch(port).catch((e: Error) => {
      if (attempt >= 3) throw e;
      return undefined;
    });
  }
  let current = child;
  process.once("exit", () => current.kill("SIGKILL"));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => kill(current),
    restart: async () => {
      await kill(current);
      current = await launch(port);
    },
    freeze: () => current.kill("SIGSTOP"),
    thaw: () => current.kill("SIGCONT"),
  };
}
