// Credit over time, from the signed receipts: the running total as a line, and credit per day.
import type { Receipt } from './receipts.js';
import { creditHistory } from './receipts.js';
import { dayKey } from './work-tally.js';

const WIDTH = 300;
const HEIGHT = 60;
/** Days listed under the line; the export has every receipt. */
const DAYS_SHOWN = 7;
const credit = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const dayName = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export function CreditHistory({ entries }: { entries: Receipt[] }) {
  if (entries.length === 0) {
    return <p class="empty">No credit yet: it comes once another volunteer's result agrees with yours.</p>;
  }
  const { total, points, days } = creditHistory(entries, dayKey);
  return (
    <div class="credit-history">
      <p class="credit-total">
        <strong data-testid="receipts-total">{credit.format(total)}</strong> credit in{' '}
        <span data-testid="receipts-count">{entries.length}</span> signed{' '}
        {entries.length === 1 ? 'receipt' : 'receipts'}
      </p>
      <CreditLine points={points} />
      <table class="credit-days">
        <caption class="visually-hidden">Credit per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Units</th>
            <th scope="col">Credit</th>
          </tr>
        </thead>
        <tbody>
          {days.slice(0, DAYS_SHOWN).map((day) => (
            <tr key={day.day}>
              <th scope="row">{dayName.format(new Date(`${day.day}T12:00`))}</th>
              <td>{day.units}</td>
              <td>{credit.format(day.credit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreditLine({ points }: { points: { at: number; total: number }[] }) {
  const first = points[0]!.at;
  const span = Math.max(1, points.at(-1)!.at - first);
  const top = Math.max(1, ...points.map((p) => p.total));
  const x = (at: number) => ((at - first) / span) * WIDTH;
  const y = (total: number) => HEIGHT - 2 - (Math.max(0, total) / top) * (HEIGHT - 4);
  // A step line: credit arrives in grants, it does not flow.
  let path = `M0 ${HEIGHT - 2}`;
  for (const p of points) path += ` H${x(p.at).toFixed(1)} V${y(p.total).toFixed(1)}`;
  path += ` H${WIDTH}`;
  return (
    <svg
      class="credit-line"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Total credit over time, rising to ${credit.format(points.at(-1)!.total)}`}
    >
      <path d={path} />
    </svg>
  );
}
