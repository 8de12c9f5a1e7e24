// The one script a site owner pastes:
//   <script src="https://<server>/widget.js" data-site="SITE_KEY" async></script>
// It frames the consent card from our own origin, so the host page can neither script it nor
// read its storage, and relays a few messages between the two with exact origin checks both
// ways. The build wraps it in an IIFE: it adds no globals, and any failure stays inside the
// try blocks so the host page keeps working whatever happens here.

/** Messages the card sends that the host hears about; anything else is not relayed. */
const HOST_EVENTS = ['started', 'paused', 'unit-done', 'credit'];

try {
  const script = (document.currentScript ||
    document.querySelector('script[data-site][src$="widget.js"]')) as HTMLScriptElement | null;
  const site = script && script.dataset.site;
  if (script && site) {
    const origin = new URL(script.src).origin;
    const frame = document.createElement('iframe');
    const query = new URLSearchParams({ site, host: location.origin, theme: script.dataset.theme || 'light' });
    frame.src = `${origin}/widget/card.html?${query}`;
    frame.title = 'Spare Cycles: lend idle computer time to science';
    // Scripts and our own storage, and a Details link that opens as a normal tab.
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox');
    // The card checks who embeds it; this keeps the host's origin in the referrer even under a
    // strict page-wide referrer policy (browsers without location.ancestorOrigins rely on it).
    frame.referrerPolicy = 'origin';
    frame.style.cssText = 'border:0;display:block;width:340px;max-width:100%;height:200px;background:transparent';

    addEventListener('message', (event) => {
      // Only our card, in this frame: other frames of our origin (a second widget) are not it.
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      const data = event.data;
      if (!data || typeof data.type !== 'string') return;
      // The card reports its height so the frame never clips its text nor leaves a gap.
      if (data.type === 'size' && data.height > 0) frame.style.height = Math.min(data.height, 600) + 'px';
      // The card's language is the visitor's: the frame's name for screen readers follows it.
      else if (data.type === 'title' && typeof data.title === 'string') frame.title = data.title.slice(0, 200);
      else if (HOST_EVENTS.indexOf(data.type) >= 0)
        script.dispatchEvent(new CustomEvent('sparecycles', { detail: data, bubbles: true }));
    });

    script.addEventListener('sparecycles:command', (event) => {
      const command = (event as CustomEvent).detail;
      const win = frame.contentWindow;
      if (win && command && (command.type === 'pause' || command.type === 'theme'))
        win.postMessage({ type: command.type, theme: command.theme }, origin);
    });

    const place = () => {
      try {
        const target = script.dataset.target && document.querySelector(script.dataset.target);
        if (target) target.appendChild(frame);
        else if (document.body.contains(script)) script.after(frame);
        else document.body.appendChild(frame);
      } catch {
        // a bad data-target selector: no widget, host page unharmed
      }
    };
    // A tag in <head>, or a target further down the page, needs the document parsed first.
    if (document.readyState === 'loading' && (script.dataset.target || !document.body?.contains(script)))
      document.addEventListener('DOMContentLoaded', place);
    else place();
  }
} catch {
  // never break the host page
}
