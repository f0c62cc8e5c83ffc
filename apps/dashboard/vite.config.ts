import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// SvelteKit 3 takes its configuration here; a svelte.config.js file is rejected at build time.
export default defineConfig({
  plugins: [sveltekit({ adapter: adapter({ out: 'build' }) })],
});
