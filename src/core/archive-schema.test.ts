import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { ArchivedTurn, archiveSchema, ConversationArchive } from "./archive-schema";
import type { RouteRecord } from "./router";

// Checked by the type checker (`tsc`), not at run time: a field added to, removed from or
// retyped in the store's types without the same change to the schema fails to compile.
describe("archive schema", () => {
  it("infers exactly the store's types", () => {
    type Parsed = z.infer<typeof archiveSchema>;
    type ParsedTurn = Parsed["conversations"][number]["turns"][number];
    expectTypeOf<Parsed>().toEqualTypeOf<ConversationArchive>();
    expectTypeOf<ParsedTurn>().toEqualTypeOf<ArchivedTurn>();
    expectTypeOf<NonNullable<ParsedTurn["record"]>>().toEqualTypeOf<RouteRecord>();
  });
});
