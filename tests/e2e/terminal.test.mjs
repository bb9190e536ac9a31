// End-to-end: the terminal never wraps a table. At 1400×900 the four panes leave the
// terminal about 50 columns; kubectl's tables keep their columns and scroll sideways
// inside the terminal, as in a real one too narrow for them, while prose may wrap.
// Against the release build in dist/ (run `trunk build --release` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, openPage, runLine, useDistAndChromium } from './harness.mjs';

const env = useDistAndChromium();

/** The terminal's width in columns of its font, and per output line its text and how
 *  many rows it takes on screen. */
const measure = (page) => page.evaluate(() => {
  const out = document.querySelector('[data-testid="terminal-output"]');
  const probe = document.createElement('span');
  probe.textContent = '0'.repeat(100);
  probe.style.whiteSpace = 'pre';
  out.appendChild(probe);
  const charWidth = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const style = getComputedStyle(out);
  const inner = out.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const lines = [...out.children].map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rows = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    return { text: el.textContent, rows };
  });
  return {
    columns: Math.floor(inner / charWidth),
    scrollable: out.scrollWidth > out.clientWidth,
    lines,
  };
});

test('at 1400×900 `kubectl get po -o wide` with 5 pods keeps one row per pod', async () => {
  const { page, context, problems } = await openPage(env, '/index.html?lang=en', { width: 1400, height: 900 });
  await page.getByTestId('time-speed').selectOption('30');
  await runLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=5');
  await page.locator('[data-pod][data-phase="Running"]').nth(4).waitFor({ state: 'attached', timeout: 30000 });
  await runLine(page, 'kubectl get po -o wide');
  const output = page.getByTestId('terminal-output');
  await output.getByText(/^NAME\s+READY\s+STATUS/).waitFor();
  await page.getByTestId('time-toggle').click();
  await runLine(page, 'echo "a sentence of prose longer than the terminal is wide wraps onto a second row like any paragraph would"');
  await output.getByText(/^a sentence of prose/).waitFor();
  const { columns, scrollable, lines } = await measure(page);
  console.log(`terminal: ${columns} columns at 1400 px`);
  // Taken before the checks, so that a failure leaves its picture.
  await page.screenshot({ path: join(SHOTS, 'screenshot-1400-get-po-wide.png') });
  const table = lines.slice(lines.findIndex((l) => /^NAME\s+READY/.test(l.text)));
  const rows = table.filter((l) => /^(NAME|web-)/.test(l.text));
  assert.equal(rows.length, 6, JSON.stringify(table));
  assert.ok(rows[0].text.length > columns, `the table (${rows[0].text.length} wide) is wider than the terminal (${columns})`);
  assert.deepEqual(rows.filter((l) => l.rows !== 1), [], 'a table line wrapped');
  assert.ok(scrollable, 'the terminal scrolls sideways to the end of the table');
  const prose = lines.find((l) => l.text.startsWith('a sentence of prose'));
  assert.ok(prose.rows > 1, 'prose wraps');
  assert.deepEqual(problems, []);
  await context.close();
});
