/**
 * The cloud budget: at most `maxCloudShare` of any `windowTurns` consecutive turns may go to the
 * cloud (e.g. 0.3 of 20 = 6). A sliding window, so the budget refills as local turns accumulate.
 */

export interface CloudBudget {
  maxCloudShare: number;
  windowTurns: number;
}

export interface RouteHistory {
  /** Routes of past turns, oldest first ("cloud" for turns the cloud answered). */
  recent(count: number): ReadonlyArray<"local" | "cloud">;
  add(route: "local" | "cloud"): void;
}

/** How many past routes a history keeps: far more than any budget window. */
export const ROUTE_HISTORY_KEEP = 1000;

export class InMemoryRouteHistory implements RouteHistory {
  private routes: Array<"local" | "cloud"> = [];
  constructor(private readonly keep = ROUTE_HISTORY_KEEP) {}
  recent(count: number) {
    return this.routes.slice(-count);
  }
  add(route: "local" | "cloud") {
    this.routes.push(route);
    if (this.routes.length > this.keep) this.routes.shift();
  }
}

export function cloudTurnsAllowed(budget: CloudBudget): number {
  return Math.floor(budget.maxCloudShare * budget.windowTurns);
}

/** Whether one more cloud turn keeps the window within budget. */
export function withinBudget(budget: CloudBudget, history: RouteHistory): boolean {
  const window = history.recent(budget.windowTurns - 1);
  const cloudTurns = window.filter((r) => r === "cloud").length;
  return cloudTurns + 1 <= cloudTurnsAllowed(budget);
}
