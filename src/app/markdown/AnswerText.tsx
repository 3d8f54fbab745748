import { lazy, Suspense, useDeferredValue } from "react";

// The renderer (markdown, math, highlighting) is its own chunk: the first screen does not wait for
// it, and `preloadMarkdown` fetches it once the page is idle so the first answer does not either.
const loadMarkdown = () => import("./Markdown");
const Markdown = lazy(loadMarkdown);

export function preloadMarkdown(): void {
  const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
  idle(() => void loadMarkdown());
}

/** Untrusted model or cloud text, rendered as safe markdown (plain text until the renderer has loaded). */
export function AnswerText({ text, testId }: { text: string; testId: string }) {
  const deferred = useDeferredValue(text);
  return (
    <div className="markdown" data-testid={testId}>
      {/* An answer not yet begun needs no parser (it is on the path to the first token). */}
      {deferred && (
        <Suspense fallback={<p className="plain">{text}</p>}>
          <Markdown text={deferred} />
        </Suspense>
      )}
    </div>
  );
}
