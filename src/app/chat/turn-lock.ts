/**
 * A tab holds a Web Lock for each answer it is writing. After a reload or crash the lock is gone,
 * which tells the next tab that a turn still marked "streaming" will never finish.
 */

const lockName = (turnId: string) => `tandem-turn:${turnId}`;

export function holdTurnLock<T>(turnId: string, work: () => Promise<T>): Promise<T> {
  if (!navigator.locks) return work();
  return navigator.locks.request(lockName(turnId), work) as Promise<T>;
}

export async function isTurnOrphaned(turnId: string): Promise<boolean> {
  if (!navigator.locks) return true;
  return navigator.locks.request(lockName(turnId), { ifAvailable: true }, (lock) => lock !== null);
}
