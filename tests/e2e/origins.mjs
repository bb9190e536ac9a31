// Two origins on 127.0.0.1, as a blog and the host it embeds the playground from: dist/
// served under a sub-path (what a GitHub Pages project site or a blog's /play/ folder is),
// and a page server for generated blog posts. Each on its own port: two origins.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { sendFile } from '../../scripts/browser.mjs';

async function listen(handler) {
  const server = createServer(handler);
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** `dir` served at `prefix` (e.g. `/a/sub/path/`) and nowhere else: any request outside
 *  it is a 404 and is listed in `strays`, so a test sees an absolute URL the build kept. */
export async function serveUnder(dir, prefix) {
  const strays = [];
  const served = [];
  const { server, origin } = await listen(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    try {
      if (!path.startsWith(prefix)) throw new Error('outside the prefix');
      let file = normalize(join(dir, path.slice(prefix.length)));
      if (file !== dir && !file.startsWith(dir + sep)) throw new Error('outside the directory');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      served.push(path);
      await sendFile(req, res, file, body);
    } catch {
      strays.push(path);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return { server, origin, base: origin + prefix, strays, served };
}

/** A blog: `page(url)` returns the HTML for a request's URL. */
export function serveBlog(page) {
  return listen((req, res) => {
    const url = new URL(req.url, 'http://x');
    const html = page(url);
    res.writeHead(html === null ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
}

/** A blog post with one playground embedded by `<script src=…/embed.js>` with `attrs`. */
export function blogPost(embedJs, attrs, { intro = 'An article about Kubernetes.' } = {}) {
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>A blog post</title>
<style>body { max-width: 52rem; margin: 1rem auto; padding: 0 1rem; font: 17px/1.6 system-ui, sans-serif; }</style>
</head><body><article><h1>A blog post</h1><p>${intro}</p>
<script src="${esc(embedJs)}"${data}></script>
<p>The text after the playground.</p></article></body></html>`;
}
