/**
 * For tests that need a real Redis: `describeWithRedis` starts a redis-server (Debian's package)
 * for its tests and kills it after them. Without redis-server the tests fail in CI (CI=true), with
 * the reason; elsewhere they are skipped, and the skipped block's name says why.
 */

import { afterAll, beforeAll, describe } from "vitest";
import { REDIS_SERVER, type RedisProcess, redisServerInstalled, startRedis } from "./redis-process";

export function describeWithRedis(name: string, tests: (redis: () => RedisProcess) => void): void {
  if (!redisServerInstalled() && !process.env.CI) {
    describe.skip(`${name} (skipped: no redis-server at ${REDIS_SERVER}; apt-get install redis-server)`, () =>
      tests(() => {
        throw new Error("skipped");
      }));
    return;
  }
  describe(name, () => {
    let redis: RedisProcess | undefined;
    // In CI without redis-server this throws, and every test in the block fails with its message.
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    tests(() => redis!);
  });
}
