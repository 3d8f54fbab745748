import { useState } from "react";

/** `value`, except that while `hold` is set it stays what it was when the hold began. */
export function useHeldWhile<T>(value: T, hold: boolean): T {
  const [held, setHeld] = useState(value);
  // Set while rendering (React renders this component again at once): no extra commit, no effect.
  if (!hold && held !== value) setHeld(value);
  return hold ? held : value;
}
