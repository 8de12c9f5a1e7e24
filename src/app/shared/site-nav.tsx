// The one bar that ties the three faces together: volunteer page, project dashboard, leaderboard,
// and the language they speak. Plain links (full page loads): each face is its own small entry,
// and none needs the others' code.
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n } from '../i18n/app-i18n.js';
import { LanguageSwitch } from './language-switch.js';

export type SitePage = 'volunteer' | 'dashboard' | 'leaderboard';

const LINKS: { page: SitePage; href: string; label: AppKey }[] = [
  { page: 'volunteer', href: '/', label: 'nav.volunteer' },
  { page: 'dashboard', href: '/dashboard', label: 'nav.dashboard' },
  { page: 'leaderboard', href: '/leaderboard', label: 'nav.leaderboard' },
];

export function SiteNav({ current }: { current: SitePage }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <nav class="site-nav" aria-label={t('nav.label')}>
      <a class="site-nav-home" href="/">
        {t('nav.home')}
      </a>
      <ul>
        {LINKS.map((link) => (
          <li key={link.page}>
            <a href={link.href} aria-current={link.page === current ? 'page' : undefined}>
              {t(link.label)}
            </a>
          </li>
        ))}
      </ul>
      <LanguageSwitch locale={locale} label={t('language.label')} onChange={setLocale} />
    </nav>
  );
}
