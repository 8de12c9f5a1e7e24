// The one bar that ties the three faces together: volunteer page, project dashboard, leaderboard.
// Plain links (full page loads): each face is its own small entry, and none needs the others' code.

export type SitePage = 'volunteer' | 'dashboard' | 'leaderboard';

const LINKS: { page: SitePage; href: string; label: string }[] = [
  { page: 'volunteer', href: '/', label: 'Volunteer' },
  { page: 'dashboard', href: '/dashboard', label: 'Dashboard' },
  { page: 'leaderboard', href: '/leaderboard', label: 'Leaderboard' },
];

export function SiteNav({ current }: { current: SitePage }) {
  return (
    <nav class="site-nav" aria-label="Spare Cycles">
      <a class="site-nav-home" href="/">
        Spare Cycles
      </a>
      <ul>
        {LINKS.map((link) => (
          <li key={link.page}>
            <a href={link.href} aria-current={link.page === current ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
