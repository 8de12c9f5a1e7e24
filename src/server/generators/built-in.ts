// The work generators every server process registers (a project's generator row names one).
// A project lead's own generator is a module like mandelbrot-zoom.ts, added to this list.
import type { WorkGenerator } from '../store/generator.js';
import { mandelbrotZoom } from './mandelbrot-zoom.js';

export const BUILT_IN_GENERATORS: readonly WorkGenerator[] = [mandelbrotZoom as WorkGenerator];
