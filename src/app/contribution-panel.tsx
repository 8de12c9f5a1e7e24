// My contribution: what this browser has given, the credit history from signed receipts, the
// export of those receipts (checked here first), and "forget me".
import { useState } from 'preact/hooks';
import { CreditHistory } from './credit-history.js';
import { ForgetMe } from './forget-dialog.js';
import { downloadJson, receiptsFile, verifyReceipts, type Verification } from './receipts.js';
import type { SessionSnapshot } from './session-snapshot.js';
import { Stats } from './stats.js';
import { useReceipts } from './use-receipts.js';
import type { VolunteerSession } from './volunteer-session.js';

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

interface ContributionPanelProps {
  session: VolunteerSession;
  origin: string;
  snapshot: SessionSnapshot;
  onForgotten(): void;
}

export function ContributionPanel({ session, origin, snapshot, onForgotten }: ContributionPanelProps) {
  const { info, name } = snapshot;
  const receipts = useReceipts(session, origin, snapshot.hasIdentity, info?.credit ?? 0);
  const [exported, setExported] = useState<{ text: string; ok: boolean } | undefined>(undefined);

  const exportReceipts = async () => {
    setExported(undefined);
    const set = await receipts.load();
    if (!set) {
      setExported({ text: 'Nothing to export: this browser has no pseudonym yet.', ok: false });
      return;
    }
    const verification = await verifyReceipts(set);
    downloadJson(`sparecycles-receipts-${set.volunteer}.json`, receiptsFile(set, verification, origin, Date.now()));
    setExported(describeVerification(verification));
  };

  return (
    <section class="card" aria-labelledby="stats-title">
      <h2 id="stats-title">Your contribution</h2>
      <p class="who">
        {name ? (
          <>
            You are <strong data-testid="pseudonym">{name}</strong> on this server.
          </>
        ) : (
          'You get a random pseudonym when you start.'
        )}
      </p>
      <Stats snapshot={snapshot} />
      <p class="note">
        A result is validated, and credited, once another volunteer's copy of the same unit agrees with it.
        {info && info.pending > 0 && ` ${count.format(info.pending)} waiting for a second opinion.`}
        {snapshot.failed > 0 && ` ${count.format(snapshot.failed)} units failed here and were reported as errors.`}
      </p>

      <h3 class="subhead">Credit history</h3>
      {receipts.error && <p class="problem">{receipts.error}</p>}
      {receipts.receipts ? (
        <CreditHistory entries={receipts.receipts.entries} />
      ) : receipts.noIdentity ? (
        <p class="empty">No credit yet: this browser has not started.</p>
      ) : snapshot.hasIdentity || receipts.loading ? (
        <p class="empty">Loading your receipts…</p>
      ) : (
        <button type="button" class="small-button" onClick={() => void receipts.load()}>
          Show my credit history
        </button>
      )}

      <div class="contribution-actions">
        <button type="button" class="small-button" onClick={() => void exportReceipts()}>
          Export receipts
        </button>
        <ForgetMe session={session} onForgotten={onForgotten} />
      </div>
      <p class={exported?.ok === false ? 'problem' : 'note'} role="status" data-testid="export-status">
        {exported?.text ?? 'Receipts are signed by the server, so anyone can check your credit without trusting us.'}
      </p>
    </section>
  );
}

function describeVerification(verification: Verification): { text: string; ok: boolean } {
  switch (verification.status) {
    case 'verified':
      return {
        text: `Exported ${verification.count} receipts; each one checked here against the server's Ed25519 key.`,
        ok: true,
      };
    case 'failed':
      return {
        text: `Exported, but ${verification.bad.length} of ${verification.count} receipts did not verify (seq ${verification.bad.slice(0, 5).join(', ')}).`,
        ok: false,
      };
    case 'unsupported':
      return {
        text: 'Exported. This browser cannot check Ed25519 signatures; the file has the key to check them elsewhere.',
        ok: true,
      };
  }
}
