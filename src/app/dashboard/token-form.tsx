// Signing in is pasting the publisher token: it is checked against the server before the page
// keeps it, so a typo is told at once rather than as an empty dashboard.
import { useState } from 'preact/hooks';
import { fetchFrame, TokenRejectedError, type DashboardFrame } from './dashboard-api.js';

interface Props {
  onSignedIn: (token: string, frame: DashboardFrame) => void;
  /** Why the lead was signed out, if the page did it (e.g. the token stopped working). */
  notice?: string | undefined;
}

export function TokenForm({ onSignedIn, notice }: Props) {
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(notice);

  const submit = async (event: Event) => {
    event.preventDefault();
    const pasted = token.trim();
    if (!pasted) {
      setProblem('Paste your publisher token first.');
      return;
    }
    setChecking(true);
    setProblem(undefined);
    try {
      onSignedIn(pasted, await fetchFrame(pasted));
    } catch (err) {
      setProblem(
        err instanceof TokenRejectedError ? err.message : `Could not reach the server: ${(err as Error).message}`,
      );
      setChecking(false);
    }
  };

  return (
    <section class="card sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in with your publisher token</h2>
      <p class="note">
        The token that <code>npx sparecycles token create</code> printed (it starts with <code>scp_</code>). A demo
        server keeps its token in <code>data/demo-token.txt</code>.
      </p>
      <form class="token-form" onSubmit={submit} noValidate>
        <label for="token">Publisher token</label>
        <div class="token-row">
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            spellcheck={false}
            placeholder="scp_…"
            value={token}
            onInput={(event) => setToken((event.target as HTMLInputElement).value)}
            aria-describedby={problem ? 'token-problem token-keep' : 'token-keep'}
            aria-invalid={problem ? true : undefined}
          />
          <button type="submit" class="button primary" disabled={checking}>
            {checking ? 'Checking…' : 'Sign in'}
          </button>
        </div>
        <p id="token-keep" class="hint">
          Kept only in this browser tab, and forgotten when you close it or sign out.
        </p>
        {problem && (
          <p id="token-problem" class="problem" role="alert">
            {problem}
          </p>
        )}
      </form>
    </section>
  );
}
