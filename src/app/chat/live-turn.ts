/**
 * The turn being answered, kept outside React state: each token renders that turn alone instead
 * of the whole app. Main-thread time is generation time here: wllama's worker waits for the page's
 * main thread at every step of a completion.
 */

import { useSyncExternalStore } from "react";
import type { Turn } from "../../core/store";

export class LiveTurn {
  private readonly listeners = new Set<() => void>();

  constructor(private turn: Turn) {}

  get id(): string {
    return this.turn.id;
  }

  readonly get = (): Turn => this.turn;

  set(turn: Turn): void {
    this.turn = turn;
    for (const l of this.listeners) l();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

const unsubscribed = () => () => {};

/** The latest state of `turn`: the live one's while it is being answered. */
export function useLiveTurn(turn: Turn, live: LiveTurn | undefined): Turn {
  return useSyncExternalStore(live?.subscribe ?? unsubscribed, live?.get ?? (() => turn));
}
