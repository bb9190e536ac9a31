// What the e2e tests and the scripts that drive the built page share: a directory served
// on 127.0.0.1 (port 0: the machine is shared) and Debian's headless Chromium.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { chromium } from 'playwright-core';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', // instantiateStreaming needs it
  '.json': 'application/json',
  '.yaml': 'text/yaml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// What a static host compresses: text and wasm, not images that are compressed already.
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.wasm', '.json', '.yaml', '.txt', '.svg']);
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
/** Compressed bodies by encoding and content: a file is compressed once per process, as
 *  a host's cache (or its build-time precompression) does. */
const compressedCache = new Map();

/** The encoding a static host picks for a request's Accept-Encoding: brotli when the
 *  browser takes it (Chromium offers `br` on HTTPS and on 127.0.0.1, a secure context),
 *  else gzip, else none. `q=0` refuses an encoding. */
export function pickEncoding(acceptEncoding = '') {
  const accepted = new Set(acceptEncoding.split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, ...params]) => !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)))
    .map(([name]) => name.trim().toLowerCase()));
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

async function compress(encoding, body) {
  const key = `${encoding}:${createHash('sha256').update(body).digest('hex')}`;
  let done = compressedCache.get(key);
  if (!done) {
    // Brotli at quality 9 and gzip at level 6 (bundle-size.sh's): levels hosts use when
    // they compress on the fly; one that precompresses at brotli 11 sends a little less.
    done = encoding === 'br'
      ? brotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : gzipped(body, { level: 6 });
    compressedCache.set(key, done);
  }
  return done;
}

/** Sends `body` (the bytes of `file`) with a 200 as a static host would: its type,
 *  no caching (tests load fresh builds), and compressed by the request's Accept-Encoding
 *  when its type is worth compressing. */
export async function sendFile(req, res, file, body, { compress: compressing = true } = {}) {
  const headers = {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  };
  const encoding = compressing && COMPRESSIBLE.has(extname(file)) ? pickEncoding(req.headers['accept-encoding']) : null;
  if (encoding) {
    body = await compress(encoding, Buffer.from(body));
    headers['content-encoding'] = encoding;
    headers.vary = 'Accept-Encoding';
  }
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(body);
}

/** Serves `dir` (an absolute path) and nothing outside it; `replaced` maps a file's name
 *  in `dir` to the bytes served instead; `compress: false` sends every file as it is (how
 *  the tests served before, to compare). Resolves to { server, origin }. */
export async function serveDir(dir, replaced = {}, options = {}) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(dir, path));
      if (file !== dir && !file.startsWith(dir + sep)) throw new Error('outside the directory');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = replaced[file.slice(dir.length + 1)] ?? await readFile(file);
      await sendFile(req, res, file, body, options);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** Debian's Chromium (or $CHROMIUM), headless, kept off the network it cannot reach. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Types one line into the terminal and presses Enter. */
export async function runLine(page, line) {
  const input = page.getByTestId('terminal-input');
  await input.fill(line);
  await input.press('Enter');
}
