// When to run: the run policies, each a plain control with a sensible default. The page pauses
// and resumes by itself as they apply, and the state line says which one did it.
import { MAX_BATTERY_FLOOR, MIN_BATTERY_FLOOR, type BatteryRule, type RunPolicies } from '../runtime/policies.js';

interface PolicySettingsProps {
  policies: RunPolicies;
  onChange(policies: RunPolicies): void;
}

const BATTERY_CHOICES: { value: BatteryRule; label: string }[] = [
  { value: 'below-floor', label: 'Pause when the battery is low' },
  { value: 'always', label: 'Pause whenever it is not charging' },
  { value: 'ignore', label: 'Keep running' },
];

export function PolicySettings({ policies, onChange }: PolicySettingsProps) {
  const set = (change: Partial<RunPolicies>) => onChange({ ...policies, ...change });
  return (
    <section class="card" aria-labelledby="policies-title">
      <h2 id="policies-title">When to run</h2>
      <div class="policies">
        <Toggle
          id="policy-idle"
          checked={policies.onlyWhenIdle}
          label="Only while I'm away"
          hint="Runs while this tab is hidden or you have not touched it for a minute."
          onChange={(onlyWhenIdle) => set({ onlyWhenIdle })}
        />
        <div class="policy">
          <label for="policy-battery" class="policy-label">
            On battery
          </label>
          <div class="policy-inputs">
            <select
              id="policy-battery"
              value={policies.battery}
              onChange={(event) => set({ battery: (event.currentTarget as HTMLSelectElement).value as BatteryRule })}
            >
              {BATTERY_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
            {policies.battery === 'below-floor' && (
              <span class="floor">
                <label for="policy-floor">below</label>
                <input
                  id="policy-floor"
                  type="number"
                  inputMode="numeric"
                  min={MIN_BATTERY_FLOOR}
                  max={MAX_BATTERY_FLOOR}
                  step={5}
                  value={policies.batteryFloor}
                  onChange={(event) => {
                    const floor = Math.round(Number((event.currentTarget as HTMLInputElement).value));
                    if (floor >= MIN_BATTERY_FLOOR && floor <= MAX_BATTERY_FLOOR) set({ batteryFloor: floor });
                  }}
                />
                %
              </span>
            )}
          </div>
          <p class="hint">Charging always counts as plugged in. Browsers without battery information keep running.</p>
        </div>
        <Toggle
          id="policy-pressure"
          checked={policies.backOffUnderPressure}
          label="Slow down when my computer is busy"
          hint="Uses the browser's CPU pressure reading, where it has one, to halve the share or less."
          onChange={(backOffUnderPressure) => set({ backOffUnderPressure })}
        />
        <Toggle
          id="policy-save-data"
          checked={policies.allowSaveData}
          label="Run on a data-saving connection"
          hint="Off by default: a connection set to save data usually costs money per megabyte."
          onChange={(allowSaveData) => set({ allowSaveData })}
        />
      </div>
    </section>
  );
}

function Toggle(props: { id: string; checked: boolean; label: string; hint: string; onChange(on: boolean): void }) {
  const { id, checked, label, hint, onChange } = props;
  return (
    <div class="policy policy-toggle">
      <input
        type="checkbox"
        id={id}
        checked={checked}
        aria-describedby={`${id}-hint`}
        onChange={(event) => onChange((event.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id} class="policy-label">
        {label}
      </label>
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  );
}
