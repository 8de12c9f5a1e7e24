// When to run: the run policies, each a plain control with a sensible default. The page pauses
// and resumes by itself as they apply, and the state line says which one did it.
import { MAX_BATTERY_FLOOR, MIN_BATTERY_FLOOR, type BatteryRule, type RunPolicies } from '../runtime/policies.js';
import type { AppKey } from './i18n/app-catalogues.js';
import { useI18n } from './i18n/app-i18n.js';

interface PolicySettingsProps {
  policies: RunPolicies;
  onChange(policies: RunPolicies): void;
}

const BATTERY_CHOICES: { value: BatteryRule; label: AppKey }[] = [
  { value: 'below-floor', label: 'volunteer.policies.batteryLow' },
  { value: 'always', label: 'volunteer.policies.batteryAlways' },
  { value: 'ignore', label: 'volunteer.policies.batteryIgnore' },
];

export function PolicySettings({ policies, onChange }: PolicySettingsProps) {
  const set = (change: Partial<RunPolicies>) => onChange({ ...policies, ...change });
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="policies-title">
      <h2 id="policies-title">{t('volunteer.policies.title')}</h2>
      <div class="policies">
        <Toggle
          id="policy-idle"
          checked={policies.onlyWhenIdle}
          label={t('volunteer.policies.idle')}
          hint={t('volunteer.policies.idleHint')}
          onChange={(onlyWhenIdle) => set({ onlyWhenIdle })}
        />
        <div class="policy">
          <label for="policy-battery" class="policy-label">
            {t('volunteer.policies.battery')}
          </label>
          <div class="policy-inputs">
            <select
              id="policy-battery"
              value={policies.battery}
              onChange={(event) => set({ battery: (event.currentTarget as HTMLSelectElement).value as BatteryRule })}
            >
              {BATTERY_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {t(choice.label)}
                </option>
              ))}
            </select>
            {policies.battery === 'below-floor' && (
              <span class="floor">
                <label for="policy-floor">{t('volunteer.policies.floor')}</label>
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
          <p class="hint">{t('volunteer.policies.batteryHint')}</p>
        </div>
        <Toggle
          id="policy-pressure"
          checked={policies.backOffUnderPressure}
          label={t('volunteer.policies.pressure')}
          hint={t('volunteer.policies.pressureHint')}
          onChange={(backOffUnderPressure) => set({ backOffUnderPressure })}
        />
        <Toggle
          id="policy-save-data"
          checked={policies.allowSaveData}
          label={t('volunteer.policies.saveData')}
          hint={t('volunteer.policies.saveDataHint')}
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
