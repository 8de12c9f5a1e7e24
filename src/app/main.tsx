// Mounts the volunteer page. Importing this starts nothing: the runtime waits for a click.
import { render } from 'preact';
import './styles.css';
import './shared/pages.css';
import './volunteer.css';
import { I18nProvider } from './i18n/app-i18n.js';
import { VolunteerPage } from './volunteer-page.js';

// After "forget me" the page loads afresh rather than re-rendering: the just-unregistered service
// worker keeps controlling this document (and would cache again) until it is navigated.
const forgotten = () => location.reload();

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
root.textContent = '';
render(
  <I18nProvider titleKey="volunteer.title">
    <VolunteerPage origin={location.origin} onForgotten={forgotten} />
  </I18nProvider>,
  root,
);
