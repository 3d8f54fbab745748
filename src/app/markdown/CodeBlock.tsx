import { type ComponentProps, useRef, useState } from "react";
import { copyText } from "../copy";

/** A code block with a copy button. */
export function CodeBlock({ children }: ComponentProps<"pre">) {
  const ref = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);
  return (
    <div className="code-block">
      <button
        type="button"
        className="copy-code"
        onClick={() =>
          void copyText(ref.current?.textContent ?? "").then((ok) => {
            setCopied(ok);
            setTimeout(() => setCopied(false), 1500);
          })
        }
      >
        {copied ? "Copied" : "Copy code"}
      </button>
      <pre ref={ref}>{children}</pre>
    </div>
  );
}
