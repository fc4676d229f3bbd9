// Browser measurement for `make bench`: time from dropping a trust file to the verdict on screen,
// for the system trust store (~150 certificates) and a 10,000-certificate bundle. Prints JSON.
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const inputs = join(root, 'target', 'bench-inputs');
const port = 19500 + Math.floor(Math.random() * 400);
const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', join(root, 'dist')], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}/`;
for (let i = 0; i < 100; i++) {
  try { if ((await fetch(base)).ok) break; } catch { /* not yet */ }
  await new Promise((r) => setTimeout(r, 100));
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const results = {};
try {
  const chain = readFileSync(join(inputs, 'chain.pem'), 'utf8');
  for (const [label, file, client] of [
    ['system trust store (drop to verdict)', 'system-trust.pem', chain],
    ['10,000-certificate bundle as trust (drop to verdict)', 'bundle-10000.pem', chain],
  ]) {
    if (!existsSync(join(inputs, file))) continue;
    const page = await browser.newPage();
    await page.goto(`${base}?at=2026-06-01T12:00:00Z`);
    await page.fill('textarea[data-role=client]', client);
    await page.waitForSelector('[data-testid=verdict][data-verdict=incomplete]');
    const text = readFileSync(join(inputs, file), 'utf8') + readFileSync(join(inputs, 'root.pem'), 'utf8');
    const transfer = await page.evaluateHandle((text) => { const dt = new DataTransfer(); dt.items.add(new File([text], 'trust.pem')); return dt; }, text);
    const start = Date.now();
    await page.dispatchEvent('section[data-role=trust]', 'drop', { dataTransfer: transfer });
    await page.waitForSelector('[data-testid=verdict][data-verdict=accepted]', { timeout: 120000 });
    results[label] = Date.now() - start;
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(JSON.stringify(results));
