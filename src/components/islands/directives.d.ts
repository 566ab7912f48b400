// The project's own client directive (astro.config.mjs, on-interaction.ts): its value is a CSS selector.
import 'astro';

declare module 'astro' {
  interface AstroClientDirectives {
    'client:interaction'?: string;
  }
}
