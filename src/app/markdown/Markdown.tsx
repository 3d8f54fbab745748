/**
 * Markdown for untrusted model and cloud text. Raw HTML is shown as text (never parsed), links
 * are limited to safe protocols by react-markdown's URL transform and open in a new, unrelated
 * tab, images wait for the user's click, and KaTeX runs with `trust: false` and size limits.
 */

import "katex/dist/katex.min.css";
import type { ComponentProps } from "react";
import ReactMarkdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { CodeBlock } from "./CodeBlock";
import { RemoteImage } from "./RemoteImage";

const katexOptions = {
  trust: false,
  strict: "ignore",
  throwOnError: false,
  maxSize: 20,
  maxExpand: 200,
} as const;

function Link({ href, children }: ComponentProps<"a">) {
  if (!href) return <span>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

export default function Markdown({ text }: { text: string }) {
  return (
    <ReactMarkdown
      remarkPlugins={[remarkGfm, remarkMath]}
      rehypePlugins={[
        [rehypeKatex, katexOptions],
        [rehypeHighlight, { detect: false }],
      ]}
      components={{ a: Link, img: RemoteImage, pre: CodeBlock }}
    >
      {text}
    </ReactMarkdown>
  );
}
