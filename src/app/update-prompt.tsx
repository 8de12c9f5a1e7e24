// "A new version is ready": shown when a new service worker waits. It never takes over by itself
// (a unit in progress would be cut off); the volunteer's click on Reload lets it.
import { useEffect, useState } from 'preact/hooks';
import { onUpdateReady, reloadToUpdate } from './service-worker.js';

export function UpdatePrompt({ computing }: { computing: boolean }) {
  const [ready, setReady] = useState(false);
  const [reloading, setReloading] = useState(false);
  useEffect(() => onUpdateReady(setReady), []);
  if (!ready) return null;
  const reload = () => {
    setReloading(true);
    void reloadToUpdate();
  };
  return (
    <div class="update-prompt" role="status" data-testid="update-prompt">
      <p>
        A new version is ready — Reload to update.
        {computing && ' Units in progress start again after the reload; nothing is lost.'}
      </p>
      <button type="button" class="button secondary" onClick={reload} disabled={reloading}>
        Reload
      </button>
    </div>
  );
}
