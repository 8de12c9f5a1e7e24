// A ranked table (volunteers or sites): rank, name, then numbers aligned for comparison.
import { useI18n } from '../i18n/app-i18n.js';

interface Row {
  key: string;
  /** Name first, then numbers. */
  cells: string[];
}

interface Props {
  title: string;
  columns: string[];
  rows: Row[] | undefined;
  empty: string;
  testId: string;
}

export function RankingTable({ title, columns, rows, empty, testId }: Props) {
  const headingId = `${testId}-title`;
  const { t, number } = useI18n();
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {rows === undefined ? (
        <p class="empty">{t('leaderboard.loading')}</p>
      ) : rows.length === 0 ? (
        <p class="empty">{empty}</p>
      ) : (
        <table class="ranking" data-testid={testId} aria-labelledby={headingId}>
          <thead>
            <tr>
              <th scope="col" class="rank">
                {t('leaderboard.rank')}
              </th>
              {columns.map((column, i) => (
                <th scope="col" key={column} class={i === 0 ? 'name' : 'number'}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={row.key}>
                <td class="rank">{number(index + 1)}</td>
                {row.cells.map((cell, i) =>
                  i === 0 ? (
                    <th scope="row" key={i} class="name">
                      {cell}
                    </th>
                  ) : (
                    <td key={i} class="number">
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
