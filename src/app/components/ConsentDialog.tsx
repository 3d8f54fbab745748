import { useEffect, useRef } from "react";
import type { ConsentRequest } from "../../core/router";

export function ConsentDialog({
  request,
  onAnswer,
}: {
  request: ConsentRequest;
  onAnswer: (ok: boolean) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} className="consent" aria-labelledby="consent-title" onCancel={() => onAnswer(false)}>
      <h2 id="consent-title">Send this to the cloud?</h2>
      <p>
        The on-device model asked for help. This exact conversation would be sent to{" "}
        <strong>{request.model}</strong>:
      </p>
      <ol className="consent-messages" data-testid="consent-messages">
        {request.messages.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed while the dialog is open
          <li key={i}>
            <strong>{m.role}:</strong> {m.content}
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" onClick={() => onAnswer(false)}>
          Keep it on this device
        </button>
        <button type="button" className="primary" onClick={() => onAnswer(true)}>
          Send to the cloud
        </button>
      </div>
    </dialog>
  );
}
