import { lazy, Suspense, useDeferredValue } from "react";

// The renderer (markdown, math, highlighting) is its own chunk: the first screen does not wait for it.
const Markdown = lazy(() => import("./Markdown"));

/** Untrusted model or cloud text, rendered as safe markdown (plain text until the renderer has loaded). */
export function AnswerText({ text, testId }: { text: string; testId: string }) {
  const deferred = useDeferredValue(text);
  return (
    <div className="markdown" data-testid={testId}>
      <Suspense fallback={<p className="plain">{text}</p>}>
        <Markdown text={deferred} />
      </Suspense>
    </div>
  );
}
