// Mounts the project dashboard (dashboard.html).
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import '../styles.css';
import '../shared/pages.css';
import './dashboard.css';
import { I18nProvider } from '../i18n/app-i18n.js';
import { DashboardPage } from './dashboard-page.js';

const root = document.getElementById('app');
if (!root) throw new Error('dashboard.html has no #app element');
root.textContent = '';
render(
  <I18nProvider titleKey="dashboard.title">
    <DashboardPage />
  </I18nProvider>,
  root,
);
