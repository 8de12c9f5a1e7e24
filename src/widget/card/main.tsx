// Mounts the framed consent card. Importing this starts nothing: the runtime is loaded only
// after the visitor says yes.
import { render } from 'preact';
import { WidgetI18nProvider } from '../../app/i18n/widget-i18n.js';
import { CardController } from './card-controller.js';
import { CardView } from './card-view.js';
import { readParams } from './embedding.js';
import './card.css';

const root = document.getElementById('card');
const params = readParams(location.search);
if (root && params) {
  const controller = new CardController(location.origin, params);
  root.textContent = '';
  render(
    <WidgetI18nProvider titleKey="widget.title">
      <CardView controller={controller} home={`${location.origin}/`} />
    </WidgetI18nProvider>,
    root,
  );
  // The loader sizes the frame to the card, so no text is clipped at any width.
  new ResizeObserver(() => controller.resized(root.getBoundingClientRect().height)).observe(root);
  void controller.init();
}
