// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';
import react from '@astrojs/react';
import node from '@astrojs/node';
import { fileURLToPath } from 'node:url';

// client:interaction (src/components/islands/on-interaction.ts): an island that
// loads only when someone reaches for the controls it serves.
/** @type {import('astro').AstroIntegration} */
const interactionDirective = {
  name: 'opspath:client-interaction',
  hooks: {
    'astro:config:setup': ({ addClientDirective }) =>
      addClientDirective({
        name: 'interaction',
        entrypoint: fileURLToPath(new URL('./src/components/islands/on-interaction.ts', import.meta.url)),
      }),
  },
};

// Static by default: public guides are prerendered and ship no JavaScript.
// Pages that need a session opt into on-demand rendering with `prerender = false`.
// The node adapter runs in middleware mode under our own server (src/http/server.mjs),
// which adds compression, security headers, caching and graceful shutdown.
export default defineConfig({
  site: 'http://localhost:4321',
  trailingSlash: 'ignore',
  integrations: [react(), interactionDirective],
  adapter: node({ mode: 'middleware' }),
  security: {
    // Off only because src/middleware.ts runs the same check with the one-click
    // unsubscribe exception RFC 8058 needs (src/lib/server/request/origin.ts).
    checkOrigin: false,
    csp: {
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ],
    },
  },
  // No image processing anywhere: without this the server bundle loads sharp for Astro's /_image endpoint.
  image: { service: passthroughImageService() },
  build: { inlineStylesheets: 'auto' },
  markdown: { syntaxHighlight: false },
  devToolbar: { enabled: false },
  // Bundled, not loaded from node_modules: there Node 24 re-reads drizzle-orm's 179 KB package.json
  // for each of its modules and keeps the heap that grew, about 160 MB per web process.
  vite: { ssr: { noExternal: ['drizzle-orm'] } },
  server: { port: 4321, host: true },
});
