// Mounts the volunteer page. Importing this starts nothing: the runtime waits for a click.
import { render } from 'preact';
import { VolunteerPage } from './volunteer-page.js';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
root.textContent = '';
render(<VolunteerPage origin={location.origin} />, root);
