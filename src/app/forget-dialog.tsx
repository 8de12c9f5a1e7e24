// "Forget me", behind a confirmation that says exactly what goes and what stays.
import { useRef, useState } from 'preact/hooks';
import { useI18n } from './i18n/app-i18n.js';
import { errorNotice, type Notice } from './notice.js';
import type { VolunteerSession } from './volunteer-session.js';

export function ForgetMe({ session, onForgotten }: { session: VolunteerSession; onForgotten(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Notice | undefined>(undefined);
  const { t } = useI18n();

  const confirm = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await session.forget();
      dialog.current?.close();
      onForgotten();
    } catch (err) {
      setProblem(errorNotice(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" class="small-button danger" onClick={() => dialog.current?.showModal()}>
        {t('volunteer.forget.button')}
      </button>
      <dialog ref={dialog} class="forget-dialog" aria-labelledby="forget-title" aria-describedby="forget-what">
        <h2 id="forget-title">{t('volunteer.forget.title')}</h2>
        <div id="forget-what">
          <p>{t('volunteer.forget.intro')}</p>
          <ul>
            <li>{t('volunteer.forget.server')}</li>
            <li>{t('volunteer.forget.local')}</li>
          </ul>
          <p>{t('volunteer.forget.ledger')}</p>
        </div>
        {problem && (
          <p class="problem" role="alert">
            {t(problem.key, problem.params)}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="small-button" onClick={() => dialog.current?.close()} disabled={busy}>
            {t('volunteer.forget.cancel')}
          </button>
          <button type="button" class="small-button danger-solid" onClick={() => void confirm()} disabled={busy}>
            {t(busy ? 'volunteer.forget.busy' : 'volunteer.forget.button')}
          </button>
        </div>
      </dialog>
    </>
  );
}
