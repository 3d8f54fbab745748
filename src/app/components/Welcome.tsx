import type { ModelCard } from "../../core/model-card";

const GENERIC_EXAMPLES = [
  { text: "Hello! What can you do?", label: "Say hello" },
  { text: "What is 17 * 23?", label: "Ask something hard: 17 × 23" },
];

/** First screen of an empty conversation: what runs where, and prompts to try (from the model's card). */
export function Welcome({ card, onTry }: { card: ModelCard | undefined; onTry: (text: string) => void }) {
  const examples = card
    ? card.examples.map((e) => ({
        text: e.text,
        label: `${e.text} (${e.kind}: ${e.route === "local" ? "answered here" : "asks the cloud"})`,
      }))
    : GENERIC_EXAMPLES;
  return (
    <section className="welcome" data-testid="welcome">
      <h2>Welcome to Tandem</h2>
      <p>
        Your messages are answered by a model running in this browser. Nothing leaves the device unless the
        model itself decides a question is beyond it and asks for the cloud; each answer says where it came
        from.
      </p>
      {card && (
        <p data-testid="welcome-card">
          {card.summary} Bigger models are in <strong>Models</strong>.
        </p>
      )}
      <div className="row">
        {examples.map((e) => (
          <button key={e.text} type="button" data-testid="welcome-example" onClick={() => onTry(e.text)}>
            {e.label}
          </button>
        ))}
      </div>
    </section>
  );
}
