// Lets TypeScript see what Vite provides to the page: CSS imports, import.meta.env, ?url assets.
/// <reference types="vite/client" />
