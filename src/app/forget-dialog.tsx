// "Forget me", behind a confirmation that says exactly what goes and what stays.
import { useRef, useState } from 'preact/hooks';
import type { VolunteerSession } from './volunteer-session.js';

export function ForgetMe({ session, onForgotten }: { session: VolunteerSession; onForgotten(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const confirm = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await session.forget();
      dialog.current?.close();
      onForgotten();
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" class="small-button danger" onClick={() => dialog.current?.showModal()}>
        Forget me
      </button>
      <dialog ref={dialog} class="forget-dialog" aria-labelledby="forget-title" aria-describedby="forget-what">
        <h2 id="forget-title">Forget me?</h2>
        <div id="forget-what">
          <p>This stops computing at once, then:</p>
          <ul>
            <li>asks the server to forget your pseudonym and key, so that record can never act again;</li>
            <li>
              deletes everything this site keeps in this browser: your identity, units in progress, results not yet
              sent, cached kernels, the offline copy and your settings.
            </li>
          </ul>
          <p>
            Credit already granted stays in the public ledger under a random id that nothing links to you. This cannot
            be undone; export your receipts first if you want to keep them.
          </p>
        </div>
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="small-button" onClick={() => dialog.current?.close()} disabled={busy}>
            Cancel
          </button>
          <button type="button" class="small-button danger-solid" onClick={() => void confirm()} disabled={busy}>
            {busy ? 'Forgetting…' : 'Forget me'}
          </button>
        </div>
      </dialog>
    </>
  );
}
