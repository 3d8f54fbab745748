import { type ComponentProps, useState } from "react";

function hostOf(src: string): string {
  try {
    return new URL(src, document.baseURI).host;
  } catch {
    return src;
  }
}

/** An image in model or cloud text loads only after a click: loading it would tell its server you read this. */
export function RemoteImage({ src, alt }: ComponentProps<"img">) {
  const [allowed, setAllowed] = useState(false);
  if (typeof src !== "string" || !src) return null;
  if (allowed) return <img src={src} alt={alt ?? ""} referrerPolicy="no-referrer" loading="lazy" />;
  return (
    <button type="button" className="image-consent" onClick={() => setAllowed(true)}>
      Show image{alt ? ` “${alt}”` : ""} from {hostOf(src)}
    </button>
  );
}
