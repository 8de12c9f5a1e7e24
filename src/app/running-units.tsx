// The units computing right now, one progress bar each.
import { useI18n } from './i18n/app-i18n.js';
import type { RunningUnit } from './session-snapshot.js';

export function RunningUnits({ units, projectNames }: { units: RunningUnit[]; projectNames: Map<string, string> }) {
  const { t, number } = useI18n();
  if (units.length === 0) return <p class="empty">{t('volunteer.running.none')}</p>;
  return (
    <ul class="units">
      {units.map((unit) => {
        const project = projectNames.get(unit.project) ?? unit.project;
        const percent = number(unit.fraction, { style: 'percent' });
        return (
          <li key={unit.lease} class="unit">
            <div class="unit-head">
              <span class="unit-project">{project}</span>
              <span class="unit-percent">{percent}</span>
            </div>
            <progress
              max={1}
              value={unit.fraction}
              aria-label={t('volunteer.running.progress', { project, percent })}
            />
          </li>
        );
      })}
    </ul>
  );
}
