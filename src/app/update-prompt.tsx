// "A new version is ready": shown when a new service worker waits. It never takes over by itself
// (a unit in progress would be cut off); the volunteer's click on Reload lets it.
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n/app-i18n.js';
import { onUpdateReady, reloadToUpdate } from './service-worker.js';

export function UpdatePrompt({ computing }: { computing: boolean }) {
  const [ready, setReady] = useState(false);
  const [reloading, setReloading] = useState(false);
  const { t } = useI18n();
  useEffect(() => onUpdateReady(setReady), []);
  if (!ready) return null;
  const reload = () => {
    setReloading(true);
    void reloadToUpdate();
  };
  return (
    <div class="update-prompt" role="status" data-testid="update-prompt">
      <p>
        {t('volunteer.update.ready')}
        {computing && t('volunteer.update.computing')}
      </p>
      <button type="button" class="button secondary" onClick={reload} disabled={reloading}>
        {t('volunteer.update.reload')}
      </button>
    </div>
  );
}
