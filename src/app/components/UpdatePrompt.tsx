import { useRegisterSW } from "virtual:pwa-register/react";
import { memo } from "react";

/** Offers a new version of the app once its service worker is ready (never reloads on its own). */
export const UpdatePrompt = memo(function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW();
  if (needRefresh)
    return (
      <div className="toast" role="alert" data-testid="update-prompt">
        A new version of Tandem is ready.
        <button type="button" className="primary" onClick={() => void updateServiceWorker(true)}>
          Reload
        </button>
        <button type="button" onClick={() => setNeedRefresh(false)}>
          Later
        </button>
      </div>
    );
  if (offlineReady)
    return (
      <div className="toast" role="status" data-testid="offline-ready">
        Tandem now works offline.
        <button type="button" onClick={() => setOfflineReady(false)}>
          OK
        </button>
      </div>
    );
  return null;
});
