// End-to-end tests of the built page (dist/) in Debian's headless Chromium.
// Run by `make e2e` after `trunk build --release`; certificates are made here with openssl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

let server, browser, base, certs;

function openssl(args, cwd) {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A root CA, a client certificate with clientAuth, and one with serverAuth only. */
function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-e2e-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=E2E Root', '-days', '3650',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  for (const [name, eku] of [['alice', 'clientAuth'], ['bob', 'serverAuth']]) {
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    writeFileSync(join(dir, `${name}.ext`),
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${eku}\n`);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'root.pem', '-CAkey', 'root.key',
      '-out', `${name}.pem`, '-days', '365', '-extfile', `${name}.ext`], dir);
  }
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  return { root: read('root.pem'), alice: read('alice.pem'), aliceKey: read('alice.key'), bob: read('bob.pem') };
}

before(async () => {
  certs = makeCertificates();
  const port = 18000 + Math.floor(Math.random() * 1000);
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist],
    { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try { if ((await fetch(base)).ok) break; } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function open(query = '') {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + query);
  await page.waitForSelector('[data-testid=verdict]');
  return { page, errors };
}

test('the page loads with no verdict until a client certificate is given', async () => {
  const { page, errors } = await open();
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), '');
  assert.equal(await page.locator('input[type=file][data-role=client]').count(), 1);
  assert.equal(await page.locator('input[type=file][data-role=trust]').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pasting a good chain is accepted by every profile', async () => {
  const { page, errors } = await open();
  await page.fill('textarea[data-role=client]', certs.alice + certs.aliceKey);
  await page.fill('textarea[data-role=trust]', certs.root);
  await page.waitForSelector('[data-testid=verdict][data-verdict=accepted]');
  for (const profile of ['webpki', 'openssl', 'nginx']) {
    assert.equal(await page.getAttribute(`[data-profile=${profile}]`, 'data-verdict'), 'accepted');
  }
  assert.equal(await page.locator('[data-code=private_key_matches]').count(), 1);
  // The key itself must never be shown.
  const body = await page.locator('main').innerText();
  assert.ok(!body.includes('PRIVATE KEY-----\n') || (await page.inputValue('textarea[data-role=client]')).includes('PRIVATE KEY'));
  await page.screenshot({ path: join(artifacts, 'accepted.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the validation time from the URL makes an expired chain rejected', async () => {
  const { page } = await open('?at=2099-01-01T00:00:00Z');
  await page.fill('textarea[data-role=client]', certs.alice);
  await page.fill('textarea[data-role=trust]', certs.root);
  await page.waitForSelector('[data-testid=verdict][data-verdict=rejected]');
  assert.ok(await page.locator('[data-code=expired]').count() >= 1);
  await page.close();
});

test('dropping a serverAuth-only certificate shows the EKU finding', async () => {
  const { page } = await open();
  await page.fill('textarea[data-role=trust]', certs.root);
  const transfer = await page.evaluateHandle((pem) => {
    const dt = new DataTransfer();
    dt.items.add(new File([pem], 'bob.pem', { type: 'application/x-pem-file' }));
    return dt;
  }, certs.bob);
  await page.dispatchEvent('section[data-role=client]', 'drop', { dataTransfer: transfer });
  await page.waitForSelector('[data-testid=verdict][data-verdict=rejected]');
  assert.equal(await page.locator('[data-code=client_auth_eku_missing]').count(), 1);
  assert.match(await page.locator('[data-code=client_auth_eku_missing]').innerText(), /serverAuth/);
  await page.screenshot({ path: join(artifacts, 'rejected-eku.png'), fullPage: true });
  await page.close();
});

test('a garbage file among good ones is reported and the rest still inspected', async () => {
  const { page } = await open();
  await page.fill('textarea[data-role=trust]', certs.root);
  await page.setInputFiles('input[type=file][data-role=client]', [
    { name: 'alice.pem', mimeType: 'text/plain', buffer: Buffer.from(certs.alice) },
    { name: 'junk.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2]) },
  ]);
  await page.waitForSelector('[data-testid=verdict][data-verdict=accepted]');
  assert.equal(await page.locator('[data-code=unreadable_input]').count(), 1);
  await page.close();
});
