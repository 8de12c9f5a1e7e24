// The units computing right now, one progress bar each.
import type { RunningUnit } from './volunteer-session.js';

export function RunningUnits({ units, projectNames }: { units: RunningUnit[]; projectNames: Map<string, string> }) {
  return (
    <section class="card" aria-labelledby="running-title">
      <h2 id="running-title">Units in flight</h2>
      {units.length === 0 ? (
        <p class="empty">None right now.</p>
      ) : (
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
      )}
    </section>
  );
}
