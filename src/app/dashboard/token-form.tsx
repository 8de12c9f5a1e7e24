// Signing in is pasting the publisher token: it is checked against the server before the page
// keeps it, so a typo is told at once rather than as an empty dashboard.
import { useState } from 'preact/hooks';
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n } from '../i18n/app-i18n.js';
import type { Notice } from '../notice.js';
import { fetchFrame, ServerAnswerError, TokenRejectedError, type DashboardFrame } from './dashboard-api.js';

interface Props {
  onSignedIn: (token: string, frame: DashboardFrame) => void;
  /** Why the lead was signed out, if the page did it (e.g. the token stopped working). */
  notice?: AppKey | undefined;
}

export function TokenForm({ onSignedIn, notice }: Props) {
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<Notice | undefined>(notice && { key: notice });
  const { t, rich } = useI18n();

  const submit = async (event: Event) => {
    event.preventDefault();
    const pasted = token.trim();
    if (!pasted) {
      setProblem({ key: 'dashboard.signIn.empty' });
      return;
    }
    setChecking(true);
    setProblem(undefined);
    try {
      onSignedIn(pasted, await fetchFrame(pasted));
    } catch (err) {
      setProblem(
        err instanceof TokenRejectedError
          ? { key: 'dashboard.signIn.rejected' }
          : err instanceof ServerAnswerError
            ? { key: 'dashboard.signIn.status', params: { status: String(err.status) } }
            : { key: 'dashboard.signIn.unreachable', params: { message: (err as Error).message } },
      );
      setChecking(false);
    }
  };

  return (
    <section class="card sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('dashboard.signIn.title')}</h2>
      <p class="note">
        {rich('dashboard.signIn.about', {
          command: <code>npx sparecycles token create</code>,
          prefix: <code>scp_</code>,
          file: <code>data/demo-token.txt</code>,
        })}
      </p>
      <form class="token-form" onSubmit={submit} noValidate>
        <label for="token">{t('dashboard.signIn.label')}</label>
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
            {t(checking ? 'dashboard.signIn.checking' : 'dashboard.signIn.submit')}
          </button>
        </div>
        <p id="token-keep" class="hint">
          {t('dashboard.signIn.kept')}
        </p>
        {problem && (
          <p id="token-problem" class="problem" role="alert">
            {t(problem.key, problem.params)}
          </p>
        )}
      </form>
    </section>
  );
}
