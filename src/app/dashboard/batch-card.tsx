// One batch as a lead wants to see it: how far it is, how fast it goes, whether results are
// trustworthy (invalid and error rates), and its validated results to take home.
import { useState } from 'preact/hooks';
import { BatchProgress } from './batch-progress.js';
import { fetchResults, type DashboardBatch } from './dashboard-api.js';
import { jsonlToCsv, saveText } from './results-download.js';
import { ThroughputChart } from './throughput-chart.js';

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const rate = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Props {
  batch: DashboardBatch;
  at: number;
  token: string;
}

export function BatchCard({ batch, at, token }: Props) {
  const { stats } = batch;
  const headingId = `batch-${batch.batch}`;
  return (
    <article class="batch" aria-labelledby={headingId} data-batch={batch.batch}>
      <header class="batch-head">
        <h3 id={headingId}>
          Batch <code>{batch.batch}</code>
        </h3>
        <p class="batch-meta">
          {count.format(batch.total)} units · published {when.format(batch.createdAt)} · kernel{' '}
          <code title={batch.kernel}>{batch.kernel.slice(0, 12)}</code>
          {batch.state === 'cancelled' ? (
            <span class="batch-cancelled"> · cancelled</span>
          ) : (
            batch.done && <span class="batch-complete"> · complete</span>
          )}
        </p>
      </header>
      <BatchProgress counts={batch.counts} total={batch.total} />
      <div class="batch-body">
        <dl class="stats batch-stats">
          <Stat label="Active volunteers" value={count.format(stats.activeVolunteers)} testId="active-volunteers" />
          <Stat label="Leases issued" value={count.format(stats.leases)} testId="leases" />
          <Stat label="Invalid results" value={rate.format(stats.invalidRate)} testId="invalid-rate" />
          <Stat label="Kernel errors" value={rate.format(stats.errorRate)} testId="error-rate" />
        </dl>
        <ThroughputChart stats={stats} at={at} />
      </div>
      <Downloads batch={batch.batch} validated={batch.counts.done} token={token} describedBy={headingId} />
    </article>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
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
  const [problem, setProblem] = useState<string>();
  const download = async (format: 'jsonl' | 'csv') => {
    setBusy(true);
    setProblem(undefined);
    try {
      const jsonl = await fetchResults(token, batch);
      if (format === 'jsonl') saveText(jsonl, `${batch}.jsonl`, 'application/x-ndjson');
      else saveText(jsonlToCsv(jsonl), `${batch}.csv`, 'text/csv');
    } catch (err) {
      setProblem(`Could not download the results: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="downloads">
      <p class="downloads-note">
        {validated > 0
          ? `Download the ${count.format(validated)} validated results so far, in input order:`
          : 'Results can be downloaded once units are validated.'}
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
            Download {format.toUpperCase()}
          </button>
        ))}
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
