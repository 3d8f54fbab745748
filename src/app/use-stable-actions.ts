import { useLayoutEffect, useMemo, useRef } from "react";

type Actions = Record<string, (...args: never[]) => unknown>;

/**
 * `actions` behind functions that keep their identity across renders and call the latest
 * version, so memoised components that take them re-render only when their own data changes.
 * Call them from events and effects, not while rendering; the names must not change.
 */
export function useStableActions<T extends Actions>(actions: T): T {
  const latest = useRef(actions);
  useLayoutEffect(() => {
    latest.current = actions;
  });
  return useMemo(() => {
    const stable = { ...latest.current };
    for (const name of Object.keys(stable) as Array<keyof T>)
      stable[name] = ((...args: never[]) => latest.current[name]!(...args)) as T[keyof T];
    return stable;
  }, []);
}
