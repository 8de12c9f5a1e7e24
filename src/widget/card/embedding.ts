// Decides whether this card may run where it is framed. The `host` in our URL is only a claim
// (anyone can write it); the browser's own account of the parent's origin is what counts, and
// it must be one of the origins the site key was created for.
import type { WidgetKey } from '../../app/i18n/widget-catalogues.js';
import { API_PREFIX } from '../../protocol/api.js';
import { parseTheme, type Theme } from './host-channel.js';

export interface CardParams {
  site: string;
  host: string;
  theme: Theme;
}

export type Embedding = { allowed: true; projects: string[] } | { allowed: false; reason: WidgetKey };

export function readParams(search: string): CardParams | undefined {
  const query = new URLSearchParams(search);
  const site = query.get('site');
  const host = query.get('host');
  if (!site || !host) return undefined;
  return { site, host, theme: parseTheme(query.get('theme')) ?? 'light' };
}

/** The framing page's origin as the browser reports it, not as our URL claims it. */
export function parentOrigin(): string | undefined {
  if (window.parent === window) return undefined;
  // Chromium and Safari say exactly who frames us; elsewhere the referrer's origin (the loader
  // asks for it with referrerpolicy="origin").
  const ancestors = location.ancestorOrigins as DOMStringList | undefined;
  if (ancestors) return ancestors.length > 0 ? (ancestors[0] ?? undefined) : undefined;
  try {
    return document.referrer ? new URL(document.referrer).origin : undefined;
  } catch {
    return undefined;
  }
}

export async function checkEmbedding(server: string, params: CardParams): Promise<Embedding> {
  const framedBy = parentOrigin();
  if (framedBy !== params.host) return { allowed: false, reason: 'widget.refused.page' };
  const [site, projects] = await Promise.all([
    getJson<{ origins: string[] }>(`${server}${API_PREFIX}/sites/${encodeURIComponent(params.site)}`),
    getJson<{ projects: { name: string }[] }>(`${server}${API_PREFIX}/projects`),
  ]);
  if (site === 'unreachable') return { allowed: false, reason: 'widget.refused.unreachable' };
  if (!site || !site.origins.includes(params.host)) {
    return { allowed: false, reason: 'widget.refused.site' };
  }
  const names = projects && projects !== 'unreachable' ? projects.projects.map((project) => project.name) : [];
  return { allowed: true, projects: names };
}

/** The body, undefined for a refusal (unknown key), 'unreachable' when there is no answer. */
async function getJson<T>(url: string): Promise<T | undefined | 'unreachable'> {
  try {
    const response = await fetch(url);
    if (response.status >= 500) return 'unreachable';
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return 'unreachable';
  }
}
