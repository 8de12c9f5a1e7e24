// The units computing right now, one progress bar each.
import type { RunningUnit } from './session-snapshot.js';

export function RunningUnits({ units, projectNames }: { units: RunningUnit[]; projectNames: Map<string, string> }) {
  if (units.length === 0) return <p class="empty">No unit is running right now.</p>;
  return (
    <ul class="units">
      {units.map((unit) => {
        const project = projectNames.get(unit.project) ?? unit.project;
        const percent = Math.round(unit.fraction * 100);
        return (
          <li key={unit.lease} class="unit">
            <div class="unit-head">
              <span class="unit-project">{project}</span>
              <span class="unit-percent">{percent}%</span>
            </div>
            <progress max={1} value={unit.fraction} aria-label={`${project} unit, ${percent}% done`} />
          </li>
        );
      })}
    </ul>
  );
}
