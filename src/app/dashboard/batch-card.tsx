// One batch as a lead wants to see it: how far it is, how fast it goes, whether results are
// trustworthy (invalid and error rates), and its validated results to take home.
import { useState } from 'preact/hooks';
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n } from '../i18n/app-i18n.js';
import { BatchProgress } from './batch-progress.js';
import { fetchResults, ServerAnswerError, type DashboardBatch } from './dashboard-api.js';
import { jsonlToCsv, saveText } from './results-download.js';
import { ThroughputChart } from './throughput-chart.js';
import type { Notice } from '../notice.js';

const COUNT = { maximumFractionDigits: 0 };
const RATE = { style: 'percent', maximumFractionDigits: 1 } as const;
const WHEN = { dateStyle: 'medium', timeStyle: 'short' } as const;

interface Props {
  batch: DashboardBatch;
  at: number;
  token: string;
}

export function BatchCard({ batch, at, token }: Props) {
  const { stats } = batch;
  const { t, rich, number, date } = useI18n();
  const count = (n: number) => number(n, COUNT);
  const rate = (r: number) => number(r, RATE);
  const headingId = `batch-${batch.batch}`;
  return (
    <article class="batch" aria-labelledby={headingId} data-batch={batch.batch}>
      <header class="batch-head">
        <h3 id={headingId}>{rich('dashboard.batch.heading', { id: <code>{batch.batch}</code> })}</h3>
        <p class="batch-meta">
          {rich('dashboard.batch.meta', {
            units: count(batch.total),
            when: date(batch.createdAt, WHEN),
            kernel: <code title={batch.kernel}>{batch.kernel.slice(0, 12)}</code>,
          })}
          {batch.state === 'cancelled' ? (
            <span class="batch-cancelled">{t('dashboard.batch.cancelled')}</span>
          ) : (
            batch.done && <span class="batch-complete">{t('dashboard.batch.complete')}</span>
          )}
        </p>
      </header>
      <BatchProgress counts={batch.counts} total={batch.total} />
      <div class="batch-body">
        <dl class="stats batch-stats">
          <Stat label="dashboard.batch.volunteers" value={count(stats.activeVolunteers)} testId="active-volunteers" />
          <Stat label="dashboard.batch.leases" value={count(stats.leases)} testId="leases" />
          <Stat label="dashboard.batch.invalid" value={rate(stats.invalidRate)} testId="invalid-rate" />
          <Stat label="dashboard.batch.errors" value={rate(stats.errorRate)} testId="error-rate" />
        </dl>
        <ThroughputChart stats={stats} at={at} />
      </div>
      <Downloads batch={batch.batch} validated={batch.counts.done} token={token} describedBy={headingId} />
    </article>
  );
}

function Stat({ label, value, testId }: { label: AppKey; value: string; testId: string }) {
  const { t } = useI18n();
  return (
    <div class="stat">
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

interface DownloadsProps {
  batch: string;
  validated: number;
  token: string;
  /** The batch heading, so each button's description says which batch it downloads. */
  describedBy: string;
}

function Downloads({ batch, validated, token, describedBy }: DownloadsProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Notice>();
  const { t, number } = useI18n();
  const download = async (format: 'jsonl' | 'csv') => {
    setBusy(true);
    setProblem(undefined);
    try {
      const jsonl = await fetchResults(token, batch);
      if (format === 'jsonl') saveText(jsonl, `${batch}.jsonl`, 'application/x-ndjson');
      else saveText(jsonlToCsv(jsonl), `${batch}.csv`, 'text/csv');
    } catch (err) {
      setProblem(
        err instanceof ServerAnswerError
          ? { key: 'dashboard.batch.resultsStatus', params: { status: String(err.status), batch } }
          : { key: 'dashboard.batch.downloadFailed', params: { message: (err as Error).message } },
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="downloads">
      <p class="downloads-note">
        {validated > 0
          ? t('dashboard.batch.download', { count: number(validated, COUNT) })
          : t('dashboard.batch.nothingYet')}
      </p>
      <div class="downloads-buttons">
        {(['jsonl', 'csv'] as const).map((format) => (
          <button
            key={format}
            type="button"
            class="small-button"
            disabled={busy || validated === 0}
            aria-describedby={describedBy}
            onClick={() => void download(format)}
          >
            {t('dashboard.batch.downloadAs', { format: format.toUpperCase() })}
          </button>
        ))}
      </div>
      {problem && (
        <p class="problem" role="alert">
          {t(problem.key, problem.params)}
        </p>
      )}
    </div>
  );
}
