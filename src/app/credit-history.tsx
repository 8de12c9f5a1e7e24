// Credit over time, from the signed receipts: the running total as a line, and credit per day.
import type { Receipt } from './receipts.js';
import { creditHistory } from './receipts.js';
import { useI18n } from './i18n/app-i18n.js';
import { dayKey } from './work-tally.js';

const WIDTH = 300;
const HEIGHT = 60;
/** Days listed under the line; the export has every receipt. */
const DAYS_SHOWN = 7;
const CREDIT = { maximumFractionDigits: 1 };
const DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };

export function CreditHistory({ entries }: { entries: Receipt[] }) {
  const { t, rich, number, date } = useI18n();
  if (entries.length === 0) {
    return <p class="empty">{t('volunteer.history.empty')}</p>;
  }
  const { total, points, days } = creditHistory(entries, dayKey);
  return (
    <div class="credit-history">
      <p class="credit-total">
        {rich('volunteer.history.total', {
          total: <strong data-testid="receipts-total">{number(total, CREDIT)}</strong>,
          count: <span data-testid="receipts-count">{number(entries.length)}</span>,
          n: entries.length,
        })}
      </p>
      <CreditLine
        points={points}
        label={t('volunteer.history.line', { total: number(points.at(-1)!.total, CREDIT) })}
      />
      <table class="credit-days">
        <caption class="visually-hidden">{t('volunteer.history.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('volunteer.history.day')}</th>
            <th scope="col">{t('volunteer.history.units')}</th>
            <th scope="col">{t('volunteer.history.credit')}</th>
          </tr>
        </thead>
        <tbody>
          {days.slice(0, DAYS_SHOWN).map((day) => (
            <tr key={day.day}>
              <th scope="row">{date(new Date(`${day.day}T12:00`), DAY)}</th>
              <td>{number(day.units)}</td>
              <td>{number(day.credit, CREDIT)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreditLine({ points, label }: { points: { at: number; total: number }[]; label: string }) {
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
      aria-label={label}
    >
      <path d={path} />
    </svg>
  );
}
