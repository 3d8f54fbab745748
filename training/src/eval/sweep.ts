/** Every method at the table's budget, and each budget-following method over a sweep of budgets. */

import type { CurvePoint } from "../report/plots";
import { BUDGETED, type MethodInputs, type MethodRow, methodRows } from "./methods";

export interface BudgetSweep {
  budget: number;
  rows: MethodRow[];
  curves: CurvePoint[];
}

export function budgetSweep(inputs: MethodInputs, budget: number, budgets: readonly number[]): BudgetSweep {
  const rows = methodRows(inputs, budget);
  const point = (r: MethodRow, kind: CurvePoint["kind"], b?: number): CurvePoint => ({
    method: r.label,
    cloudRate: r.result.cloudRate,
    systemAccuracy: r.result.systemAccuracy,
    kind,
    ...(b !== undefined ? { budget: b } : {}),
  });
  const curves = [
    ...rows.filter((r) => !BUDGETED.has(r.id)).map((r) => point(r, "point")),
    ...budgets.flatMap((b) =>
      methodRows(inputs, b)
        .filter((r) => BUDGETED.has(r.id))
        .map((r) => point(r, "sweep", b)),
    ),
  ];
  return { budget, rows, curves };
}
