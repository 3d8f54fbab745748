/** First screen of an empty conversation: what runs where, and two prompts to try. */
export function Welcome({ demo, onTry }: { demo: boolean; onTry: (text: string) => void }) {
  return (
    <section className="welcome" data-testid="welcome">
      <h2>Welcome to Tandem</h2>
      <p>
        Your messages are answered by a model running in this browser. Nothing leaves the device unless the
        model itself decides a question is beyond it and asks for the cloud; each answer says where it came
        from.
      </p>
      {demo && (
        <p>
          The bundled demo model is tiny and works offline with no key: it chats a little and hands anything
          with numbers to the cloud. Load a bigger model from <strong>Models</strong>.
        </p>
      )}
      <div className="row">
        <button type="button" onClick={() => onTry("Hello! What can you do?")}>
          Say hello
        </button>
        <button type="button" onClick={() => onTry("What is 17 * 23?")}>
          Ask something hard: 17 × 23
        </button>
      </div>
    </section>
  );
}
