import { memo, useState } from "react";

/** The message box: Enter sends, Shift+Enter starts a new line; Stop while an answer streams. */
export const Composer = memo(function Composer(props: {
  ready: boolean;
  running: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
}) {
  const [input, setInput] = useState("");
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const text = input.trim();
    if (!text || !props.ready || props.running) return;
    setInput("");
    props.onSend(text);
  };
  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        placeholder={
          props.ready ? "Ask something… (Enter sends, Shift+Enter for a new line)" : "Loading the model…"
        }
        value={input}
        onChange={(e) => setInput(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
        }}
      />
      {props.running ? (
        <button type="button" onClick={props.onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" className="primary" disabled={!props.ready}>
          Send
        </button>
      )}
    </form>
  );
});
