/**
 * A tab holds a Web Lock for each answer it is writing. After a reload or crash the lock is gone,
 * which tells the next tab that a turn still marked "streaming" will never finish.
 */

const lockName = (turnId: string) => `tandem-turn:${turnId}`;

/**
 * Runs `work` holding the turn's lock until it settles. The work starts at once: granting a lock
 * takes the browser a few milliseconds, which would otherwise sit on the path to the first token
 * (the lock only has to exist by the time another tab could look for it).
 */
export function holdTurnLock<T>(turnId: string, work: () => Promise<T>): Promise<T> {
  const running = work();
  void navigator.locks?.request(lockName(turnId), () => running.catch(() => undefined));
  return running;
}

export async function isTurnOrphaned(turnId: string): Promise<boolean> {
  if (!navigator.locks) return true;
  return navigator.locks.request(lockName(turnId), { ifAvailable: true }, (lock) => lock !== null);
}
