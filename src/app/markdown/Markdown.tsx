/**
 * Markdown for untrusted model and cloud text. Raw HTML is shown as text (never parsed), links
 * are limited to safe protocols by react-markdown's URL transform and open in a new, unrelated
 * tab, images wait for the user's click, and KaTeX runs with `trust: false` and size limits.
 */

import "katex/dist/katex.min.css";
import { type ComponentProps, memo } from "react";
import ReactMarkdown, { type Components, type Options } from "react-markdown";
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

// rehype-highlight registers every common language each time it is attached, and react-markdown
// attaches its plugins on every render: attach one highlighter, built once.
const highlighter = rehypeHighlight({ detect: false });
const remarkPlugins = [remarkGfm, remarkMath];
const rehypePlugins: Options["rehypePlugins"] = [[rehypeKatex, katexOptions], () => highlighter];
const components: Components = { a: Link, img: RemoteImage, pre: CodeBlock };

/** Memoised: a text is parsed again only when it changes, not each time its turn renders. */
export default memo(function Markdown({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
      {text}
    </ReactMarkdown>
  );
});
