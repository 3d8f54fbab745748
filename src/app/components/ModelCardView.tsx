import type { ModelCard } from "../../core/model-card";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** What the loaded model is, how it decides, and where it came from, from its card. */
export function ModelCardView({ card }: { card: ModelCard }) {
  const { evaluation } = card.provenance;
  return (
    <section className="model-card" data-testid="model-card" aria-label="Model card">
      <p data-testid="model-card-summary">{card.summary}</p>
      <dl>
        <dt>On held-out prompts</dt>
        <dd data-testid="model-card-evaluation">
          {pct(evaluation.systemAccuracy)} accuracy at {pct(evaluation.cloudRate)} cloud calls; answers given
          on the device {pct(evaluation.localAccuracy)} correct ({evaluation.testPrompts} prompts)
        </dd>
        <dt>How it decides</dt>
        <dd>
          It asks for the cloud by writing {card.offload.token} itself, at any point of its working. Its
          offload bias {card.offload.bias.toFixed(2)} was calibrated to a{" "}
          {(100 * card.offload.budget).toFixed(0)}% cloud budget; it decodes greedily, exactly as it was
          evaluated.
        </dd>
        <dt>Trained</dt>
        <dd>
          {card.provenance.method}, on {card.provenance.task}; seed {card.provenance.seed},{" "}
          {card.provenance.date}, by <code>{card.provenance.command}</code>
        </dd>
        <dt>Prompt</dt>
        <dd>
          {card.singleTurn ? "One message at a time, " : ""}wrapped in the instructions it was trained with:{" "}
          <code className="prompt-template">{card.userTemplate}</code>
        </dd>
      </dl>
    </section>
  );
}
