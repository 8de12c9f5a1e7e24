// How much CPU: the number of kernel threads, from one to every core the browser reports.
export function ThreadPicker(props: { threads: number; cores: number; onChange(threads: number): void }) {
  const { threads, cores, onChange } = props;
  return (
    <div class="thread-picker">
      <label for="threads">Threads</label>
      <select
        id="threads"
        value={String(threads)}
        onChange={(event) => onChange(Number((event.currentTarget as HTMLSelectElement).value))}
      >
        {Array.from({ length: cores }, (_, i) => i + 1).map((n) => (
          <option key={n} value={String(n)}>
            {n} of {cores}
          </option>
        ))}
      </select>
      <span class="hint">Each thread keeps one core busy while there is work.</span>
    </div>
  );
}
