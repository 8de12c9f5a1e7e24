// How much CPU: how many threads, and what share of each thread's time. Threads set how many
// cores can be busy at once; the share spaces units out so each busy core also gets rests.
import { MAX_CPU_PERCENT } from '../runtime/throttle.js';
import { useI18n } from './i18n/app-i18n.js';

/** The slider's floor: below this a unit would be followed by rests long enough to look stuck. */
const MIN_SLIDER_PERCENT = 10;
const STEP = 5;

interface CpuControlsProps {
  threads: number;
  cores: number;
  cpuPercent: number;
  /** The share in use right now, when a run policy lowered it (CPU pressure). */
  effectivePercent: number | undefined;
  onThreads(threads: number): void;
  onCpuPercent(percent: number): void;
}

export function CpuControls(props: CpuControlsProps) {
  const { threads, cores, cpuPercent, effectivePercent, onThreads, onCpuPercent } = props;
  const lowered = effectivePercent !== undefined && effectivePercent < cpuPercent;
  const { t, number } = useI18n();
  const percent = (value: number) => number(value / 100, { style: 'percent' });
  return (
    <div class="cpu-controls">
      <div class="control-row">
        <label for="threads">{t('volunteer.cpu.threads')}</label>
        <select
          id="threads"
          value={String(threads)}
          onChange={(event) => onThreads(Number((event.currentTarget as HTMLSelectElement).value))}
        >
          {Array.from({ length: cores }, (_, i) => i + 1).map((n) => (
            <option key={n} value={String(n)}>
              {t('volunteer.cpu.threadsOption', { n, cores })}
            </option>
          ))}
        </select>
      </div>
      <div class="control-row">
        <label for="cpu-percent">{t('volunteer.cpu.share')}</label>
        <input
          id="cpu-percent"
          type="range"
          min={Math.min(MIN_SLIDER_PERCENT, cpuPercent)}
          max={MAX_CPU_PERCENT}
          step={STEP}
          value={cpuPercent}
          aria-valuetext={t('volunteer.cpu.shareValue', { percent: percent(cpuPercent) })}
          onInput={(event) => onCpuPercent(Number((event.currentTarget as HTMLInputElement).value))}
        />
        <output for="cpu-percent" class="cpu-value" data-testid="cpu-percent">
          {percent(cpuPercent)}
        </output>
      </div>
      <p class="hint">
        {lowered
          ? t('volunteer.cpu.hintLowered', { percent: percent(cpuPercent), effective: percent(effectivePercent) })
          : t('volunteer.cpu.hint', { percent: percent(cpuPercent) })}
      </p>
    </div>
  );
}
