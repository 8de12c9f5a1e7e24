// My contribution: what this browser has given, the credit history from signed receipts, the
// export of those receipts (checked here first), and "forget me".
import { useState } from 'preact/hooks';
import { CreditHistory } from './credit-history.js';
import { ForgetMe } from './forget-dialog.js';
import { useI18n, type AppI18n } from './i18n/app-i18n.js';
import type { Notice } from './notice.js';
import { downloadJson, receiptsFile, verifyReceipts, type Verification } from './receipts.js';
import type { SessionSnapshot } from './session-snapshot.js';
import { Stats } from './stats.js';
import { useReceipts } from './use-receipts.js';
import type { VolunteerSession } from './volunteer-session.js';

interface ContributionPanelProps {
  session: VolunteerSession;
  origin: string;
  snapshot: SessionSnapshot;
  onForgotten(): void;
}

export function ContributionPanel({ session, origin, snapshot, onForgotten }: ContributionPanelProps) {
  const { info, name } = snapshot;
  const receipts = useReceipts(session, origin, snapshot.hasIdentity, info?.credit ?? 0);
  const [exported, setExported] = useState<{ notice: Notice; ok: boolean } | undefined>(undefined);
  const { t, rich, number } = useI18n();
  const count = (n: number) => number(n, { maximumFractionDigits: 0 });

  const exportReceipts = async () => {
    setExported(undefined);
    const set = await receipts.load();
    if (!set) {
      setExported({ notice: { key: 'volunteer.contribution.nothingToExport' }, ok: false });
      return;
    }
    const verification = await verifyReceipts(set);
    downloadJson(`sparecycles-receipts-${set.volunteer}.json`, receiptsFile(set, verification, origin, Date.now()));
    setExported(describeVerification(verification, number));
  };

  return (
    <section class="card" aria-labelledby="stats-title">
      <h2 id="stats-title">{t('volunteer.contribution.title')}</h2>
      <p class="who">
        {name
          ? rich('volunteer.contribution.youAre', { name: <strong data-testid="pseudonym">{name}</strong> })
          : t('volunteer.contribution.noName')}
      </p>
      <Stats snapshot={snapshot} />
      <p class="note">
        {t('volunteer.contribution.howValidated')}
        {info && info.pending > 0 && t('volunteer.contribution.pending', { count: count(info.pending) })}
        {snapshot.failed > 0 && t('volunteer.contribution.failed', { count: snapshot.failed })}
      </p>

      <h3 class="subhead">{t('volunteer.contribution.historyTitle')}</h3>
      {receipts.error && <p class="problem">{t(receipts.error.key, receipts.error.params)}</p>}
      {receipts.receipts ? (
        <CreditHistory entries={receipts.receipts.entries} />
      ) : receipts.noIdentity ? (
        <p class="empty">{t('volunteer.contribution.noIdentity')}</p>
      ) : snapshot.hasIdentity || receipts.loading ? (
        <p class="empty">{t('volunteer.contribution.loadingReceipts')}</p>
      ) : (
        <button type="button" class="small-button" onClick={() => void receipts.load()}>
          {t('volunteer.contribution.showHistory')}
        </button>
      )}

      <div class="contribution-actions">
        <button type="button" class="small-button" onClick={() => void exportReceipts()}>
          {t('volunteer.contribution.export')}
        </button>
        <ForgetMe session={session} onForgotten={onForgotten} />
      </div>
      <p class={exported?.ok === false ? 'problem' : 'note'} role="status" data-testid="export-status">
        {exported ? t(exported.notice.key, exported.notice.params) : t('volunteer.contribution.exportAbout')}
      </p>
    </section>
  );
}

function describeVerification(verification: Verification, number: AppI18n['number']): { notice: Notice; ok: boolean } {
  switch (verification.status) {
    case 'verified':
      return {
        notice: { key: 'volunteer.contribution.exportVerified', params: { count: verification.count } },
        ok: true,
      };
    case 'failed':
      return {
        notice: {
          key: 'volunteer.contribution.exportFailed',
          params: {
            bad: verification.bad.length,
            count: verification.count,
            // Sequence numbers are ids: no grouping separators.
            seqs: verification.bad
              .slice(0, 5)
              .map((seq) => number(seq, { useGrouping: false }))
              .join(', '),
          },
        },
        ok: false,
      };
    case 'unsupported':
      return { notice: { key: 'volunteer.contribution.exportUnchecked' }, ok: true };
  }
}
