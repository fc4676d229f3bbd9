// End-to-end tests of the built page (dist/) in Debian's headless Chromium, as a user would use
// it. Run by `make e2e` after the release build. The page is served from a sub-path
// (/tools/mtls/) to prove dist/ works under any path. Certificates are made here with openssl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync, symlinkSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { inflateRawSync, createDeflateRaw } from 'node:zlib';
import { createPrivateKey, X509Certificate } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const SYSTEM_TRUST = '/etc/ssl/certs/ca-certificates.crt';

let server, browser, base, origin, certs, served;
const P12_PASSWORD = 'correct horse 7';

function openssl(args, cwd) {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A root, an intermediate, clients with clientAuth (alice) and serverAuth only (bob). */
function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-e2e-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/O=E2E/CN=E2E Root',
    '-days', '3650', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=E2E/CN=E2E Issuing CA'], dir);
  writeFileSync(join(dir, 'int.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-out', 'int.pem',
    '-days', '1825', '-extfile', 'int.ext'], dir);
  for (const [name, eku] of [['alice', 'clientAuth'], ['bob', 'serverAuth']]) {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=E2E/CN=${name}`], dir);
    writeFileSync(join(dir, `${name}.ext`),
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${eku}\n`);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'int.pem', '-CAkey', 'int.key',
      '-out', `${name}.pem`, '-days', '365', '-extfile', `${name}.ext`], dir);
  }
  // Alice's chain and key as a PKCS#12 file (OpenSSL 3 defaults: PBES2, AES-256, SHA-256 MAC).
  openssl(['pkcs12', '-export', '-in', 'alice.pem', '-certfile', 'int.pem', '-inkey', 'alice.key',
    '-passout', `pass:${P12_PASSWORD}`, '-out', 'alice.p12'], dir);
  // The root as a Java trust store (JKS), as keytool writes it.
  execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'root', '-file', 'root.pem',
    '-keystore', 'trust.jks', '-storetype', 'JKS', '-storepass', 'changeit'], { cwd: dir, stdio: 'ignore' });
  // The intermediate's OCSP answer for alice: revoked two days ago (keyCompromise), signed by
  // the intermediate itself, as `openssl ocsp` answers from its index.
  const serial = openssl(['x509', '-noout', '-serial', '-in', 'alice.pem'], dir).toString().trim().split('=')[1];
  const asn1Time = (ms) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  writeFileSync(join(dir, 'index.txt'),
    `R\t${asn1Time(Date.now() + 365 * 86400e3)}\t${asn1Time(Date.now() - 2 * 86400e3)},keyCompromise\t${serial}\tunknown\t/O=E2E/CN=alice\n`);
  openssl(['ocsp', '-issuer', 'int.pem', '-cert', 'alice.pem', '-no_nonce', '-reqout', 'alice.req'], dir);
  openssl(['ocsp', '-index', 'index.txt', '-rsigner', 'int.pem', '-rkey', 'int.key', '-CA', 'int.pem',
    '-reqin', 'alice.req', '-respout', 'alice.ocsp', '-ndays', '7'], dir);
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  return {
    aliceOcsp: readFileSync(join(dir, 'alice.ocsp')),
    // What `openssl ocsp -resp_text` shows of it.
    aliceOcspText: openssl(['ocsp', '-respin', 'alice.ocsp', '-resp_text', '-noverify'], dir).toString(),
    root: read('root.pem'), intermediate: read('int.pem'),
    alice: read('alice.pem'), aliceKey: read('alice.key'), bob: read('bob.pem'),
    aliceP12: readFileSync(join(dir, 'alice.p12')),
    trustJks: readFileSync(join(dir, 'trust.jks')),
  };
}

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), 'dist/ is missing: run `make build` first');
  certs = makeCertificates();
  const root = mkdtempSync(join(tmpdir(), 'mtls-serve-'));
  served = root;
  mkdirSync(join(root, 'tools'));
  symlinkSync(dist, join(root, 'tools', 'mtls'));
  const port = 18000 + Math.floor(Math.random() * 1000);
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root],
    { stdio: 'ignore' });
  origin = `http://127.0.0.1:${port}`;
  base = `${origin}/tools/mtls/`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base)).ok) break; } catch { /* not listening yet */ }
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

async function open({ query = '', colorScheme = 'light', width = 1280, requests = null } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 }, colorScheme, acceptDownloads: true,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  if (requests) page.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
  await page.goto(base + query);
  await page.waitForSelector('[data-testid=verdict]');
  return { page, context, errors };
}

async function drop(page, role, files) {
  const transfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const [name, text] of files) dt.items.add(new File([text], name, { type: 'text/plain' }));
    return dt;
  }, files);
  await page.dispatchEvent(`section[data-role=${role}]`, 'drop', { dataTransfer: transfer });
}

// The verdict, then its details: the page draws a new verdict first and its details once it is
// painted, the page's main region `aria-busy` until then.
const verdict = async (page, v) => {
  const shown = await page.waitForSelector(`[data-testid=verdict][data-verdict=${v}]`);
  await page.waitForSelector('main:not([aria-busy=true])');
  return shown;
};

test('the page loads with no verdict until a client certificate is given', async () => {
  const { page, context, errors } = await open();
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), '');
  for (const role of ['client', 'trust']) {
    assert.equal(await page.locator(`input[type=file][data-role=${role}]`).count(), 1);
    assert.equal(await page.locator(`textarea[data-role=${role}]`).count(), 1);
    assert.equal(await page.locator(`section[data-role=${role}]`).count(), 1);
  }
  await page.screenshot({ path: join(artifacts, 'empty.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('pasting a good chain is accepted by every profile, the key shown only as its type', async () => {
  const { page, context, errors } = await open();
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate + certs.aliceKey);
  await page.fill('textarea[data-role=trust]', certs.root);
  await verdict(page, 'accepted');
  for (const profile of ['webpki', 'openssl', 'nginx']) {
    assert.equal(await page.getAttribute(`[data-profile=${profile}]`, 'data-verdict'), 'accepted');
  }
  assert.equal(await page.locator('[data-code=private_key_matches]').count(), 1);
  assert.match(await page.locator('[data-testid=private-key]').innerText(), /Private key \(EC P-256\) — matches the client certificate/);
  const keyBody = certs.aliceKey.split('\n')[1];
  const shown = await page.locator('[data-testid=verdict], .findings, .details, .diagram').allInnerTexts();
  assert.ok(!shown.join('\n').includes(keyBody), 'key material shown outside the paste area');
  assert.match(await page.locator('section[data-role=client] .files').innerText(), /2 certificates, 1 private key/);
  await page.screenshot({ path: join(artifacts, 'accepted.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('dropping files on each zone shows the EKU finding and its handshake step', async () => {
  const { page, context } = await open();
  await drop(page, 'trust', [['ca.pem', certs.root]]);
  await drop(page, 'client', [['bob.pem', certs.bob + certs.intermediate]]);
  await verdict(page, 'rejected');
  assert.equal(await page.locator('[data-code=client_auth_eku_missing]').count(), 1);
  assert.match(await page.locator('[data-code=client_auth_eku_missing]').innerText(), /serverAuth/);
  assert.equal(await page.getAttribute('[data-step="Certificate (client)"]', 'data-state'), 'fails');
  assert.match(await page.locator('section[data-role=trust] .files').innerText(), /ca\.pem — 1 certificate/);
  await page.screenshot({ path: join(artifacts, 'rejected-eku.png'), fullPage: true });
  await context.close();
});

test('the file pickers take several files, and each is opened by a visible button', async () => {
  const { page, context } = await open();
  await page.setInputFiles('input[type=file][data-role=trust]', [
    { name: 'root.pem', mimeType: 'text/plain', buffer: Buffer.from(certs.root) },
  ]);
  await page.setInputFiles('input[type=file][data-role=client]', [
    { name: 'alice.pem', mimeType: 'text/plain', buffer: Buffer.from(certs.alice) },
    { name: 'intermediate.pem', mimeType: 'text/plain', buffer: Buffer.from(certs.intermediate) },
  ]);
  await verdict(page, 'accepted');
  // The file input itself is hidden (no invisible Tab stop); its button is real and visible.
  assert.equal(await page.locator('input[type=file][data-role=client]').isVisible(), false);
  const button = page.locator('button.choose[data-role=client]');
  assert.ok(await button.isVisible());
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button.press('Enter')]);
  assert.ok(chooser.isMultiple());
  await context.close();
});

test('every example loads with its verdict', async () => {
  const { page, context } = await open();
  const expected = {
    'good-chain': ['accepted', null],
    'missing-intermediate': ['rejected', 'issuer_not_found'],
    'server-auth-eku': ['rejected', 'client_auth_eku_missing'],
    'expired-intermediate': ['rejected', 'expired'],
    'reissued-root': ['rejected', 'issuer_key_mismatch'],
  };
  for (const [id, [v, code]] of Object.entries(expected)) {
    await page.selectOption('[data-testid=examples]', id);
    await verdict(page, v);
    if (code) assert.ok(await page.locator(`[data-code=${code}]`).count() >= 1, id);
    await page.screenshot({ path: join(artifacts, `example-${id}.png`), fullPage: true });
  }
  await context.close();
});

test('the time control and ?at= re-validate at once', async () => {
  const { page, context } = await open({ query: '?at=2099-01-01T00:00:00Z' });
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate);
  await page.fill('textarea[data-role=trust]', certs.root);
  await verdict(page, 'rejected');
  assert.ok(await page.locator('[data-code=expired]').count() >= 1);
  assert.match(await page.inputValue('[data-role=validation-time]'), /^2099-01-01T00:00/);
  const now = new Date();
  const local = now.toISOString().slice(0, 19);
  await page.fill('[data-role=validation-time]', local);
  await page.locator('[data-role=validation-time]').dispatchEvent('change');
  await verdict(page, 'accepted');
  await context.close();
});

test('exports hold the report and never key material; Markdown goes to the clipboard', async () => {
  const { page, context } = await open();
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate + certs.aliceKey);
  await page.fill('textarea[data-role=trust]', certs.root);
  await verdict(page, 'accepted');
  const keyLines = certs.aliceKey.split('\n').filter((l) => l && !l.startsWith('-----'));
  for (const [button, check] of [['export-json', (t) => JSON.parse(t).verdict === 'accepted'],
    ['export-markdown', (t) => t.startsWith('# mtls-inspector report')]]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${button}]`)]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.ok(check(text), button);
    for (const line of keyLines) assert.ok(!text.includes(line), `${button} holds key material`);
    assert.ok(!text.includes('PRIVATE KEY'), button);
  }
  await page.click('[data-testid=copy-markdown]');
  // The worker writes the Markdown; the page copies it when it arrives.
  await page.waitForFunction(async () =>
    (await navigator.clipboard.readText()).startsWith('# mtls-inspector report'));
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  for (const line of keyLines) assert.ok(!clip.includes(line), 'clipboard holds key material');
  await context.close();
});

test('a whole session fetches only the page\'s own files, none after load, and stores nothing', async () => {
  const requests = [];
  const { page, context } = await open({ requests });
  await page.waitForLoadState('networkidle');
  const loaded = Date.now();
  const own = new Set(readdirSync(dist));
  await drop(page, 'client', [['alice-bundle.pem', certs.alice + certs.intermediate + certs.aliceKey]]);
  await drop(page, 'trust', [['trust.pem', certs.root]]);
  await verdict(page, 'accepted');
  await page.fill('[data-role=validation-time]', '2099-01-01T00:00:00');
  await page.locator('[data-role=validation-time]').dispatchEvent('change');
  await verdict(page, 'rejected');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  await download.path();
  await page.click('button:has-text("Now")');
  await page.selectOption('[data-testid=examples]', 'good-chain');
  await verdict(page, 'accepted');
  const network = requests.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  for (const r of network) {
    assert.ok(r.url.startsWith(base), `request outside the page: ${r.url}`);
    const file = r.url.slice(base.length).split('?')[0];
    assert.ok(file === '' || own.has(file), `not one of the page's files: ${r.url}`);
  }
  // After load, only the export module (started by the first export).
  const late = network.filter((r) => r.at > loaded);
  assert.deepEqual(late.map((r) => r.url).sort(), ['mtls-inspector-export.js', 'mtls-inspector-export_bg.wasm',
    'mtls-inspector-export_loader.js'].map((file) => base + file), 'requests after load');
  const storage = await page.evaluate(async () => ({
    local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
    idb: (await indexedDB.databases()).length,
  }));
  assert.deepEqual(storage, { local: 0, session: 0, cookie: '', idb: 0 });
  const csp = await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content');
  assert.match(csp, /connect-src 'self'/);
  assert.ok(!csp.includes('unsafe-inline'));
  await context.close();
});

test('a bad file among good ones is reported where it is, and the rest still inspected', async () => {
  const { page, context, errors } = await open();
  await page.fill('textarea[data-role=trust]', certs.root);
  await page.setInputFiles('input[type=file][data-role=client]', [
    { name: 'alice.pem', mimeType: 'text/plain', buffer: Buffer.from(certs.alice + certs.intermediate) },
    { name: 'junk.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2]) },
    { name: 'truncated.pem', mimeType: 'text/plain', buffer: Buffer.from(certs.bob.slice(0, 300)) },
  ]);
  await verdict(page, 'accepted');
  assert.equal(await page.locator('[data-code=unreadable_input]').count(), 2);
  assert.match(await page.locator('li[data-file="junk.bin"] .problems').innerText(), /junk\.bin/);
  // The page keeps working afterwards.
  await page.click('li[data-file="junk.bin"] .remove');
  await page.waitForFunction(() => document.querySelectorAll('[data-code=unreadable_input]').length === 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the system trust store plus a client chain gives the verdict without a stall', async (t) => {
  if (!existsSync(SYSTEM_TRUST)) { t.skip(`${SYSTEM_TRUST} is missing`); return; }
  const { page, context } = await open();
  const store = readFileSync(SYSTEM_TRUST, 'utf8') + certs.root;
  await drop(page, 'client', [['alice.pem', certs.alice + certs.intermediate]]);
  await verdict(page, 'incomplete');
  const started = Date.now();
  await drop(page, 'trust', [['ca-certificates.crt', store]]);
  await verdict(page, 'accepted');
  const ms = Date.now() - started;
  const count = (store.match(/BEGIN CERTIFICATE/g) || []).length;
  console.log(`drop to verdict with the system trust store (${count} certificates): ${ms} ms`);
  // The report arrives with the unused trusted CAs counted, not described; "show" has the
  // engine list them after the others, and what is open stays open.
  const others = Number((await page.locator('.collapsed button').innerText()).match(/^(\d+) other trusted CAs/)[1]);
  const distinct = new Set(store.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)).size;
  assert.equal(others, distinct - 1, 'every trusted CA but the chain\'s root is counted');
  assert.equal(await page.locator('.trusted-list li').count(), 0);
  await page.locator('[data-testid=chain-diagram] g.node', { hasText: 'E2E Issuing CA' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=details] h2').textContent.includes('E2E Issuing CA'));
  const details = await page.locator('[data-testid=details] h2').innerText();
  await page.click('.collapsed button');
  await page.waitForFunction((n) => document.querySelectorAll('.trusted-list li button').length === n, others);
  assert.equal(await page.locator('.trusted-list[aria-busy=true]').count(), 0);
  assert.equal(await page.locator('[data-testid=details] h2').innerText(), details);
  await verdict(page, 'accepted');
  // A listed CA opens its details like any other certificate.
  const listed = page.locator('.trusted-list li button').nth(5);
  const name = await listed.innerText();
  await listed.click();
  await page.waitForFunction((n) => document.querySelector('[data-testid=details]').textContent.includes(n), name);
  await page.screenshot({ path: join(artifacts, 'system-trust-store.png'), fullPage: true });
  await context.close();
});

test('a chain pasted while a dropped trust store is inspected is kept with it', async (t) => {
  if (!existsSync(SYSTEM_TRUST)) { t.skip(`${SYSTEM_TRUST} is missing`); return; }
  const { page, context, errors } = await open();
  await page.fill('textarea[data-role=client]', certs.bob);
  await verdict(page, 'incomplete');
  // The page asks for the dropped file's inspection before drawing it, and holds the file back
  // from drawing until the report comes (or 100 ms pass); the paste 20 ms after the drop comes
  // while it is held: both must be kept, the file first.
  const store = readFileSync(SYSTEM_TRUST, 'utf8') + certs.root;
  const chain = certs.alice + certs.intermediate;
  await page.evaluate(([text, chain]) => new Promise((done) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'ca-certificates.crt'));
    document.querySelector('section[data-role=trust]')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    setTimeout(() => {
      const area = document.querySelector('textarea[data-role=client]');
      area.value = chain;
      area.dispatchEvent(new Event('input', { bubbles: true }));
      done();
    }, 20);
  }), [store, chain]);
  await verdict(page, 'accepted');
  assert.match(await page.locator('section[data-role=trust] .files').innerText(), /ca-certificates\.crt/);
  assert.equal(await page.inputValue('textarea[data-role=client]'), chain);
  assert.deepEqual(errors, []);
  await context.close();
});

test('narrow screens and dark mode stay usable', async () => {
  for (const [name, options] of [['narrow-380', { width: 380 }], ['dark', { colorScheme: 'dark' }]]) {
    const { page, context } = await open(options);
    await page.selectOption('[data-testid=examples]', 'missing-intermediate');
    await verdict(page, 'rejected');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    await context.close();
  }
});

test('clicking a certificate in the diagram opens its details', async () => {
  const { page, context } = await open();
  await page.selectOption('[data-testid=examples]', 'good-chain');
  await verdict(page, 'accepted');
  await page.click('[data-testid=chain-diagram] g.node.trusted');
  await page.waitForFunction(() => document.querySelector('[data-testid=details] h2').textContent.includes('Example Root CA'));
  await context.close();
});

test('a 10,000-certificate bundle is inspected in the worker while the page stays usable', async () => {
  // Made by `cargo run --release --example bench_inputs` (the Makefile's e2e-inputs target).
  const bulk = resolve(here, '..', '..', 'target', 'bench-inputs', 'bundle-10000.pem');
  assert.ok(existsSync(bulk), `${bulk} is missing: run make e2e-inputs`);
  const { page, context, errors } = await open({ query: '?at=2026-06-01T12:00:00Z' });
  const inputs = dirname(bulk);
  await page.fill('textarea[data-role=client]', readFileSync(join(inputs, 'chain.pem'), 'utf8'));
  await verdict(page, 'incomplete');
  const started = Date.now();
  await drop(page, 'trust', [['bundle-10000.pem', readFileSync(bulk, 'utf8') + readFileSync(join(inputs, 'root.pem'), 'utf8')]]);
  // While the worker inspects, the page says so and still answers the user.
  await page.waitForSelector('[data-testid=verdict][data-pending=true]');
  await page.click('button:has-text("Now")', { trial: true });
  const typed = await page.evaluate(() => {
    const area = document.querySelector('textarea[data-role=trust]');
    area.focus();
    return document.activeElement === area;
  });
  assert.ok(typed);
  // The page answered while the inspection was still running.
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-pending'), 'true');
  await verdict(page, 'accepted');
  console.log(`drop to verdict with a 10,003-certificate trust bundle: ${Date.now() - started} ms`);
  assert.match(await page.locator('li[data-file="bundle-10000.pem"]').innerText(), /10003 certificates/);
  await page.screenshot({ path: join(artifacts, 'bundle-10000.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a pasted log line is explained with its diagnoses', async () => {
  const { page, context } = await open();
  await page.fill('textarea[data-role=log-line]', '2026/11/27 10:00:00 [info] 12#12: *3 client SSL certificate verify error: (20:unable to get local issuer certificate) while reading client request headers');
  await page.waitForSelector('[data-testid=explain] .known');
  const codes = await page.getAttribute('[data-testid=explain] .known', 'data-codes');
  assert.match(codes, /issuer_not_found/);
  await page.fill('textarea[data-role=log-line]', 'nothing to see');
  await page.waitForSelector('[data-testid=explain-none]');
  await context.close();
});

test('a PKCS#12 file asks for its password, says when it is wrong, and opens with the right one', async () => {
  const requests = [];
  const { page, context, errors } = await open({ requests });
  await page.waitForLoadState('networkidle');
  const loaded = Date.now();
  await page.fill('textarea[data-role=trust]', certs.root);
  await page.setInputFiles('input[type=file][data-role=client]', [
    { name: 'alice.p12', mimeType: 'application/x-pkcs12', buffer: certs.aliceP12 },
  ]);
  // Nothing readable without the password: asked for, by file name.
  await page.waitForSelector('[data-code=pkcs12_needs_password]');
  await page.waitForSelector('[data-testid=password-prompt] [data-file="alice.p12"]');
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'incomplete');
  // A wrong password says so, and the trust input is still there.
  await page.fill('input[data-role=password]', 'wrong horse');
  await page.click('[data-testid=unlock]');
  await page.waitForSelector('[data-code=wrong_password]');
  assert.match(await page.locator('[data-testid=password-prompt] [data-file="alice.p12"]').innerText(),
    /do not open it/);
  assert.equal(await page.inputValue('input[data-role=password]'), '', 'the field empties after a try');
  assert.equal(await page.inputValue('textarea[data-role=trust]'), certs.root);
  await page.screenshot({ path: join(artifacts, 'p12-wrong-password.png'), fullPage: true });
  // The right one opens it: the chain and key come out of the file.
  await page.fill('input[data-role=password]', P12_PASSWORD);
  await page.press('input[data-role=password]', 'Enter');
  await verdict(page, 'accepted');
  assert.equal(await page.locator('[data-code=private_key_matches]').count(), 1);
  assert.equal(await page.locator('[data-code=wrong_password]').count(), 0);
  assert.match(await page.locator('li[data-file="alice.p12"] .found').innerText(), /2 certificates, 1 private key/);
  await page.screenshot({ path: join(artifacts, 'p12-opened.png'), fullPage: true });
  // The password is nowhere: not in the page's text, the export, the URL, storage or the network.
  const text = await page.evaluate(() => document.body.innerText + document.body.innerHTML);
  assert.ok(!text.includes(P12_PASSWORD), 'the password is shown in the page');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  assert.ok(!readFileSync(await download.path(), 'utf8').includes(P12_PASSWORD), 'the password is in the export');
  assert.ok(!page.url().includes('horse'));
  const storage = await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
  assert.equal(storage, 0);
  // After load, only the unlock module is fetched (once: the engine's worker starts it for the
  // first protected part), and the export module for the export, from the page's own files.
  const late = requests.filter((r) => r.at > loaded && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  assert.deepEqual(late.map((r) => r.url).sort(), ['mtls-inspector-export.js', 'mtls-inspector-export_bg.wasm',
    'mtls-inspector-export_loader.js', 'mtls-inspector-unlock.js', 'mtls-inspector-unlock_bg.wasm',
    'mtls-inspector-unlock_loader.js'].map((file) => base + file));
  // Forgetting the passwords closes the file again.
  await page.click('[data-testid=forget-passwords]');
  await page.waitForSelector('[data-code=pkcs12_needs_password]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an OCSP response is read by a module of its own and shown with what each server makes of it', async () => {
  const requests = [];
  const { page, context, errors } = await open({ requests });
  await page.waitForLoadState('networkidle');
  const loaded = Date.now();
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate);
  await page.setInputFiles('input[type=file][data-role=trust]', [
    { name: 'root.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(certs.root) },
    { name: 'alice.ocsp', mimeType: 'application/ocsp-response', buffer: certs.aliceOcsp },
  ]);
  await verdict(page, 'rejected');
  assert.match(await page.locator('li[data-file="alice.ocsp"] .found').innerText(), /1 OCSP response/);
  // nginx (ssl_ocsp), OpenSSL and Java refuse a revoked client; rustls and Go check no OCSP.
  for (const [profile, v] of [['nginx', 'rejected'], ['openssl', 'rejected'], ['java', 'rejected'],
    ['webpki', 'accepted'], ['go', 'accepted']]) {
    assert.equal(await page.getAttribute(`[data-profile=${profile}]`, 'data-verdict'), v, profile);
  }
  const revoked = page.locator('[data-testid=ocsp] tr[data-ocsp-status=revoked]');
  await revoked.waitFor();
  assert.match(await revoked.innerText(), /CN=alice: revoked since .*keyCompromise \(SHA-1 CertID\)/);
  assert.match(await page.locator('.revocation li[data-profile=nginx]').innerText(),
    /ssl_ocsp[\s\S]*client SSL certificate verify error: certificate revoked/);
  // Where each server took the client's status from.
  assert.match(await page.locator('.revocation li[data-profile=java] li[data-source]').innerText(),
    /Status of CN=alice: the OCSP response of CN=E2E Issuing CA \(alice\.ocsp\)/);
  assert.equal(await page.locator('.revocation li[data-profile=go] li[data-source]').count(), 0);
  await page.screenshot({ path: join(artifacts, 'ocsp-revoked.png'), fullPage: true });
  // The same response pasted as `openssl ocsp -resp_text` shows: the same verdicts, and a
  // warning that its signature is not checked.
  await page.setInputFiles('input[type=file][data-role=trust]', [
    { name: 'root.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(certs.root) },
    { name: 'alice-ocsp.txt', mimeType: 'text/plain', buffer: Buffer.from(certs.aliceOcspText) },
  ]);
  await page.waitForSelector('[data-code=ocsp_response_unverifiable]');
  await verdict(page, 'rejected');
  // (The files add to those given: the DER response first, the text second.)
  assert.match(await page.locator('[data-testid=ocsp] tr[data-ocsp-status=revoked]').last().innerText(),
    /^CN=E2E Issuing CA \(given as text: signature not checked\)\s+CN=alice: revoked since/);
  await page.locator('.revocation').screenshot({ path: join(artifacts, 'ocsp-revocation.png') });
  // After load only the OCSP module is fetched, from the page's own files.
  const late = requests.filter((r) => r.at > loaded && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  assert.deepEqual(late.map((r) => r.url).sort(), ['mtls-inspector-ocsp.js', 'mtls-inspector-ocsp_bg.wasm',
    'mtls-inspector-ocsp_loader.js'].map((file) => base + file));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a share link restores the inspection elsewhere and never carries the key', async () => {
  // A validation time of its own, an hour after the certificates were made (a fixed date
  // would fall before them on every later day).
  const at = new Date(Date.now() + 3600e3);
  at.setUTCSeconds(0, 0);
  const atText = at.toISOString().replace('.000Z', 'Z');
  const { page, context, errors } = await open({ query: `?at=${atText}` });
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate + certs.aliceKey);
  await page.fill('textarea[data-role=trust]', certs.root);
  await verdict(page, 'accepted');
  await page.click('[data-testid=share]');
  await page.waitForSelector('[data-testid=share-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/tools\/mtls\/\?at=[^#]*#share=[A-Za-z0-9_-]+$/);
  // What the fragment carries, decoded here independently of the page: no key material.
  const payload = inflateRawSync(Buffer.from(link.split('#share=')[1], 'base64url'));
  const scalar = Buffer.from(createPrivateKey(certs.aliceKey).export({ format: 'jwk' }).d, 'base64url');
  assert.equal(scalar.length, 32);
  assert.ok(!payload.includes(scalar), 'the private key is in the link');
  assert.ok(!payload.includes(Buffer.from('PRIVATE KEY')));
  const aliceDer = new X509Certificate(certs.alice).raw;
  assert.ok(payload.includes(aliceDer), 'the client certificate is in the link');
  // Opened elsewhere (a fresh browser context), the inspection comes back at the same time.
  const other = await browser.newContext();
  const restored = await other.newPage();
  await restored.goto(link);
  await verdict(restored, 'accepted');
  assert.match(await restored.locator('section[data-role=client] .files').innerText(), /2 certificates/);
  assert.match(await restored.locator('section[data-role=trust] .files').innerText(), /1 certificate/);
  const shown = await restored.inputValue('[data-role=validation-time]');
  assert.ok(shown === atText.slice(0, 16) || shown === atText.slice(0, 19), shown);
  assert.equal(await restored.locator('[data-code=private_key_matches]').count(), 0);
  await restored.screenshot({ path: join(artifacts, 'shared.png'), fullPage: true });
  // A link cut short says so instead of restoring half an inspection.
  const broken = await other.newPage();
  await broken.goto(link.slice(0, link.length - 40));
  await broken.waitForSelector('[data-testid=notice]');
  assert.match(await broken.locator('[data-testid=notice]').innerText(), /damaged or incomplete/);
  await other.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('pasted s_client output says which clients would not even send the certificate', async () => {
  // A real s_server asking for a client certificate from another CA only, and a real s_client.
  const dir = mkdtempSync(join(tmpdir(), 'mtls-sclient-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'srv.key', '-out', 'srv.pem', '-subj', '/CN=server', '-days', '2'], dir);
  openssl(['req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-subj', '/O=Elsewhere/CN=Other CA', '-days', '2'], dir);
  const port = String(19000 + Math.floor(Math.random() * 1000));
  const server = spawn('openssl', ['s_server', '-accept', port, '-cert', 'srv.pem', '-key', 'srv.key', '-Verify', '1',
    '-CAfile', 'other.pem', '-naccept', '2', '-quiet'], { cwd: dir, stdio: 'ignore' });
  let output = '';
  for (let i = 0; i < 50 && !output.includes('Acceptable client certificate CA names'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      output = execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`],
        { cwd: dir, input: '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
    } catch (e) { output = String(e.stdout ?? ''); }
  }
  // The same server asked by `mtls-inspector probe`: its JSON is read as s_client's text is.
  const cli = resolve(here, '..', '..', 'target', 'debug', 'mtls-inspector');
  assert.ok(existsSync(cli), `${cli}: build the CLI first (make test does)`);
  let probed = '';
  try {
    probed = execFileSync(cli, ['probe', `127.0.0.1:${port}`, '--format', 'json', '--no-http', '--timeout', '5'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) { probed = String(e.stdout ?? ''); }
  server.kill();
  assert.deepEqual(JSON.parse(probed).probe.certificate_request.ca_names, ['O = Elsewhere, CN = Other CA']);
  assert.match(output, /O = Elsewhere, CN = Other CA/);
  const { page, context, errors } = await open();
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate);
  await page.fill('textarea[data-role=trust]', certs.root + readFileSync(join(dir, 'other.pem'), 'utf8'));
  await verdict(page, 'accepted');
  await page.fill('textarea[data-role=certificate-request]', output);
  await page.waitForSelector('[data-stack=go][data-sends=false]');
  assert.equal(await page.getAttribute('[data-stack=java]', 'data-sends'), 'false');
  assert.equal(await page.getAttribute('[data-stack=browsers]', 'data-sends'), 'false');
  assert.equal(await page.getAttribute('[data-stack=rustls]', 'data-sends'), 'true');
  assert.equal(await page.locator('[data-code=issuer_not_in_acceptable_ca_names]').count(), 1);
  await page.locator('[data-testid=certificate-request]').screenshot({ path: join(artifacts, 's-client.png') });
  // probe's JSON gives the same answers.
  await page.fill('textarea[data-role=certificate-request]', '');
  await page.waitForSelector('[data-stack=go]', { state: 'detached' });
  await page.fill('textarea[data-role=certificate-request]', probed);
  await page.waitForSelector('[data-stack=go][data-sends=false]');
  assert.equal(await page.getAttribute('[data-stack=java]', 'data-sends'), 'false');
  assert.equal(await page.getAttribute('[data-stack=rustls]', 'data-sends'), 'true');
  // Text that is not s_client output says so.
  await page.fill('textarea[data-role=certificate-request]', 'hello');
  await page.waitForSelector('[data-testid=request-unread]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a Java trust store (JKS) is read without its password', async () => {
  const { page, context, errors } = await open();
  await page.setInputFiles('input[type=file][data-role=trust]', [
    { name: 'truststore.jks', mimeType: 'application/octet-stream', buffer: certs.trustJks },
  ]);
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate);
  await verdict(page, 'accepted');
  assert.match(await page.locator('li[data-file="truststore.jks"] .found').innerText(), /1 certificate/);
  assert.equal(await page.locator('[data-testid=password-prompt]').count(), 0, 'no password asked');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the server\'s configuration decides: nginx\'s depth, PostgreSQL\'s user map, what each logs', async () => {
  const { page, context, errors } = await open();
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate + certs.aliceKey);
  await page.fill('textarea[data-role=trust]', certs.root);
  await verdict(page, 'accepted');
  assert.equal(await page.getAttribute('[data-profile=nginx]', 'data-verdict'), 'accepted');
  // nginx asking for certificates with a depth that leaves no room for the intermediate.
  await page.fill('textarea[data-role=server]',
    'http {\n  server {\n    listen 443 ssl;\n    ssl_verify_client on;\n    ssl_verify_depth 0;\n' +
    '    ssl_client_certificate /etc/nginx/client-ca.pem;\n  }\n}\n');
  await page.waitForSelector('[data-profile=nginx][data-verdict=rejected]');
  // The new verdict is drawn first, the server's panel with the details after it.
  await page.waitForSelector('main:not([aria-busy=true])');
  assert.match(await page.locator('[data-profile=nginx] th').innerText(), /your nginx, as configured \(accepted at its defaults\)/);
  const nginx = await page.locator('[data-testid=server]').innerText();
  assert.match(nginx, /nginx as configured/);
  assert.match(nginx, /ssl_verify_depth\s+0\s+server paste:5/);
  assert.match(nginx, /\/etc\/nginx\/client-ca\.pem: .* not given here/);
  assert.match(nginx, /The server logs: client SSL certificate verify error: \(\d+:[^)]+\)/);
  assert.match(await page.locator('section[data-role=server] .files').innerText(), /read as nginx's configuration/);
  // PostgreSQL: cert authentication through a pg_ident.conf regular expression, for a user.
  await page.fill('textarea[data-role=server]', '');
  await drop(page, 'server', [['pg_hba.conf', 'hostssl all all 0.0.0.0/0 cert map=m\n'],
    ['pg_ident.conf', 'm /^(.*)$ \\1\n']]);
  await page.fill('input[data-role=user]', 'alice');
  await page.waitForSelector('[data-testid=server] >> text=PostgreSQL as configured');
  await page.waitForFunction(() => !document.querySelector('[data-code=client_name_mismatch]'));
  await page.waitForSelector('main:not([aria-busy=true])');
  assert.match(await page.locator('[data-testid=server]').innerText(), /pg_stat_ssl\.client_dn\s+\/O=E2E\/CN=alice/);
  await page.fill('input[data-role=user]', 'bob');
  await page.waitForSelector('[data-code=client_name_mismatch]');
  await page.waitForSelector('main:not([aria-busy=true])');
  assert.match(await page.locator('[data-testid=server]').innerText(),
    /The server logs: .*no match in usermap "m" for user "bob" authenticated as "alice"/s);
  await page.locator('[data-testid=server]').screenshot({ path: join(artifacts, 'server.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an Envoy configuration is read by the YAML module, and its SAN matcher refuses the client', async () => {
  const requests = [];
  const { page, context, errors } = await open({ requests });
  await page.waitForLoadState('networkidle');
  const loaded = Date.now();
  await page.fill('textarea[data-role=client]', certs.alice + certs.intermediate);
  await page.fill('textarea[data-role=trust]', certs.root);
  await verdict(page, 'accepted');
  await page.fill('textarea[data-role=server]', [
    'static_resources:',
    '  listeners:',
    '  - filter_chains:',
    '    - transport_socket:',
    '        typed_config:',
    '          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
    '          require_client_certificate: true',
    '          common_tls_context:',
    '            validation_context:',
    '              trusted_ca: {filename: /etc/envoy/client-ca.pem}',
    '              match_typed_subject_alt_names:',
    '              - san_type: DNS',
    '                matcher: {exact: "api.internal"}',
    ''].join('\n'));
  await page.waitForSelector('[data-testid=server] >> text=Envoy as configured');
  await page.waitForSelector('main:not([aria-busy=true])');
  const envoy = await page.locator('[data-testid=server]').innerText();
  assert.match(envoy, /match_typed_subject_alt_names\s+DNS: exact: api\.internal\s+server paste:12/);
  assert.match(envoy, /The server logs: verify cert failed: SAN matcher/);
  assert.match(await page.locator('section[data-role=server] .files').innerText(), /read as Envoy's configuration/);
  // YAML that does not parse is said where it breaks.
  await page.fill('textarea[data-role=server]', 'DownstreamTlsContext: [unclosed\n');
  await page.waitForSelector('[data-code=server_config_problem] >> text=not readable YAML');
  // After load only the YAML module is fetched, from the page's own files.
  const late = requests.filter((r) => r.at > loaded && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  assert.deepEqual(late.map((r) => r.url).sort(), ['mtls-inspector-yaml.js', 'mtls-inspector-yaml_bg.wasm',
    'mtls-inspector-yaml_loader.js'].map((file) => base + file));
  assert.deepEqual(errors, []);
  await context.close();
});

// ---- Issue 14: accessibility, narrow screens, large and hostile inputs ----

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Certificates with long, wide names (the worst case for the diagram's boxes), made here. */
function wideNames() {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-wide-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const rootName = `/O=WWW/CN=${'W'.repeat(48)} Root CA`;
  openssl(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', rootName, '-days', '3650',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${'M'.repeat(40)} client`], dir);
  writeFileSync(join(dir, 'leaf.ext'), 'extendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-out', 'leaf.pem',
    '-days', '30', '-extfile', 'leaf.ext'], dir);
  return { root: readFileSync(join(dir, 'root.pem'), 'utf8'), leaf: readFileSync(join(dir, 'leaf.pem'), 'utf8') };
}

test('axe-core finds no serious or critical violation, empty and rejected with details open, light and dark', async () => {
  for (const [width, colorScheme] of [[1280, 'light'], [1280, 'dark'], [380, 'light'], [380, 'dark']]) {
    const { page, context, errors } = await open({ width, colorScheme });
    assert.deepEqual(await axeViolations(page), [], `${width} ${colorScheme}, empty page`);
    await page.selectOption('[data-testid=examples]', 'server-auth-eku');
    await verdict(page, 'rejected');
    await page.click('[data-testid=chain-diagram] g.node.failing');
    await page.waitForSelector('[data-testid=details]');
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    assert.deepEqual(await axeViolations(page), [], `${width} ${colorScheme}, rejected with details open`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('at 320 and 380 px the verdict is on the first screen, nothing scrolls sideways, no text under 12 px', async () => {
  for (const width of [320, 380]) {
    const { page, context } = await open({ width });
    await drop(page, 'client', [['alice.pem', certs.alice + certs.intermediate]]);
    await drop(page, 'trust', [['root.pem', certs.root]]);
    await verdict(page, 'accepted');
    const screen = await page.evaluate(() => ({
      sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      verdictBottom: document.querySelector('[data-testid=verdict] h2').getBoundingClientRect().bottom,
      height: innerHeight,
    }));
    console.log(`${width} px: the verdict's headline ends at y = ${Math.round(screen.verdictBottom)} of ${screen.height}`);
    assert.ok(screen.sideways <= 0, `${width} px: the page scrolls sideways by ${screen.sideways} px`);
    assert.ok(screen.verdictBottom <= screen.height, `${width} px: the verdict is below the first screen`);
    await page.selectOption('[data-testid=examples]', 'expired-intermediate');
    await verdict(page, 'rejected');
    // Every text shown, at its drawn size (an SVG's text scales with the drawing).
    const smallest = await page.evaluate(() => {
      let min = { size: Infinity, text: '' };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.trim() || !element || element.closest('option, noscript')) continue;
        if (element.getClientRects().length === 0) continue;
        let size = parseFloat(getComputedStyle(element).fontSize);
        const svg = element.closest('svg');
        if (svg) size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        if (size < min.size) min = { size, text: node.textContent.trim().slice(0, 40) };
      }
      return min;
    });
    assert.ok(smallest.size >= 12, `${width} px: "${smallest.text}" is drawn at ${smallest.size.toFixed(1)} px`);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(sideways <= 0, `${width} px, rejected: the page scrolls sideways by ${sideways} px`);
    // The inputs shrank to their files; one button shows them in full again.
    assert.equal(await page.locator('textarea[data-role=client]').isVisible(), false);
    await page.screenshot({ path: join(artifacts, `verdict-first-${width}.png`) });
    await page.click('button.show-inputs');
    assert.ok(await page.locator('textarea[data-role=client]').isVisible());
    await context.close();
  }
});

test('the diagram keeps long names inside their boxes and says them in full', async () => {
  const wide = wideNames();
  const { page, context } = await open();
  await drop(page, 'client', [['wide.pem', wide.leaf]]);
  await drop(page, 'trust', [['wide-root.pem', wide.root]]);
  await verdict(page, 'rejected');
  const boxes = await page.$$eval('[data-testid=chain-diagram] g.node', (nodes) => nodes.map((node) => {
    const box = node.querySelector('rect').getBBox();
    return {
      label: node.getAttribute('aria-label'),
      hover: node.querySelector('title').textContent,
      overflow: Math.max(...[...node.querySelectorAll('text')].map((t) => {
        const b = t.getBBox();
        return Math.max(b.x + b.width - (box.x + box.width), box.x - b.x);
      })),
    };
  }));
  assert.equal(boxes.length, 2);
  for (const box of boxes) assert.ok(box.overflow <= 0, `text runs ${box.overflow.toFixed(1)} px past its box: ${box.label}`);
  const labels = boxes.map((b) => b.label).join('\n');
  assert.ok(labels.includes(`CN=${'W'.repeat(48)} Root CA`), labels);
  assert.ok(boxes.some((b) => b.hover === `CN=${'W'.repeat(48)} Root CA`), 'the full name on hover');
  assert.match(labels, /fails, The client certificate is not allowed for client authentication/);
  // Focus and selection are drawn differently.
  const node = page.locator('[data-testid=chain-diagram] g.node.failing');
  await node.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=chain-diagram] g.node.failing.selected');
  await page.locator('[data-testid=chain-diagram] g.node.trusted').focus();
  const look = (selector) => page.locator(selector).evaluate((n) => {
    const style = getComputedStyle(n.querySelector('rect'));
    return `${style.stroke} ${style.strokeDasharray} ${style.fill}`;
  });
  const focused = await look('[data-testid=chain-diagram] g.node.trusted:focus');
  const selected = await look('[data-testid=chain-diagram] g.node.failing.selected');
  assert.notEqual(focused, selected);
  await page.locator('.diagram').screenshot({ path: join(artifacts, 'diagram-wide-names.png') });
  await context.close();
});

test('Tab reaches every finding, and links move the focus to what they point at', async () => {
  const { page, context } = await open();
  await page.selectOption('[data-testid=examples]', 'expired-intermediate');
  await verdict(page, 'rejected');
  const findings = await page.$$eval('.finding', (all) => all.map((f) => f.id));
  assert.ok(findings.length >= 1);
  const reached = new Set();
  for (let i = 0; i < 200 && reached.size < findings.length; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.id ?? '');
    if (id.startsWith('finding-')) reached.add(id);
  }
  assert.deepEqual([...reached].sort(), [...findings].sort());
  await page.click('[data-profile=openssl] a.why');
  assert.match(await page.evaluate(() => document.activeElement.id), /^finding-\d+$/);
  await page.click('a.to-explain');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'log-line');
  // A pasted line's diagnoses link to the findings on the page.
  await page.fill('[data-role=log-line]', 'client SSL certificate verify error: (10:certificate has expired)');
  await page.waitForSelector('[data-testid=explain] a.found-here');
  await page.click('[data-testid=explain] a.found-here');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.code), 'expired');
  // Code spans are code, not backticks.
  assert.ok(!(await page.locator('.findings').innerText()).includes('`'));
  await context.close();
});

test('a 20,000-certificate trust file repeating the system store stays a few screens long', async (t) => {
  if (!existsSync(SYSTEM_TRUST)) { t.skip(`${SYSTEM_TRUST} is missing`); return; }
  const store = readFileSync(SYSTEM_TRUST, 'utf8');
  const distinct = (store.match(/BEGIN CERTIFICATE/g) || []).length;
  const copies = Math.ceil(20000 / distinct);
  writeFileSync(join(served, 'repeated-store.pem'), store.repeat(copies) + certs.root);
  const { page, context, errors } = await open();
  await drop(page, 'client', [['alice.pem', certs.alice + certs.intermediate]]);
  await verdict(page, 'incomplete');
  // The file is fetched into the page first, so that only the page's own work is measured.
  const transfer = await page.evaluateHandle(async () => {
    const blob = await (await fetch('/repeated-store.pem')).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'repeated-store.pem'));
    window.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); })
      .observe({ type: 'longtask' });
    return dt;
  });
  const started = Date.now();
  await page.dispatchEvent('section[data-role=trust]', 'drop', { dataTransfer: transfer });
  await verdict(page, 'accepted');
  const ms = Date.now() - started;
  // The findings rendered, and two frames later every long task of that rendering reported.
  await page.waitForSelector('.findings button.more');
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const seen = await page.evaluate(() => ({
    longest: Math.max(0, ...window.longTasks),
    height: document.documentElement.scrollHeight,
    findings: document.querySelectorAll('.finding').length,
    problems: document.querySelectorAll('li[data-file="repeated-store.pem"] .problems li').length,
    more: document.querySelector('.findings button.more')?.textContent ?? '',
    found: document.querySelector('li[data-file="repeated-store.pem"] .found').textContent,
  }));
  console.log(`${distinct * copies + 1} certificates (${distinct} distinct): drop to verdict ${ms} ms, ` +
    `longest main-thread task ${Math.round(seen.longest)} ms, page ${seen.height} px tall, ${seen.findings} findings shown`);
  assert.ok(seen.height < 8 * 900, `the page is ${seen.height} px tall`);
  assert.ok(seen.findings <= 12, `${seen.findings} findings shown before expanding`);
  assert.ok(seen.problems <= 6, `${seen.problems} problem lines under the file`);
  assert.match(seen.more, /^Show \d+ more like this$/);
  assert.match(seen.found, /MiB\)/);
  assert.match(await page.locator('.finding[data-code=duplicate_certificate]').first().innerText(), new RegExp(`given ${copies} times`));
  await page.click('.findings button.more');
  assert.ok(await page.locator('.finding[data-code=duplicate_certificate]').count() >= distinct - 5);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The resident memory of Chromium's renderer processes now, in bytes: the largest one. */
function rendererMemory() {
  let largest = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) largest = Math.max(largest, Number(rss[1]) * 1024);
    } catch { /* the process ended */ }
  }
  return largest;
}

test('a share link that inflates to 1.2 GiB is refused with the renderer\'s memory bounded', async () => {
  // 1.2 GiB of zeros, deflated as a stream here (1.25 MB; its base64 fits Chromium's 2 MiB URLs).
  const deflate = createDeflateRaw({ level: 9 });
  const chunks = [];
  deflate.on('data', (c) => chunks.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < 1229; i++) if (!deflate.write(zeros)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await done;
  const fragment = Buffer.concat(chunks).toString('base64url');
  assert.ok(fragment.length < 2 * 1048576 - 1000, `a ${fragment.length}-character fragment is too long for a URL`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForSelector('[data-testid=verdict]');
  const before = rendererMemory();
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, rendererMemory()); }, 50);
  await page.goto(`${base}#share=${fragment}`);
  await page.reload();
  await page.waitForSelector('[data-testid=notice]', { timeout: 120000 });
  clearInterval(sampler);
  peak = Math.max(peak, rendererMemory());
  const mib = (n) => Math.round(n / 1048576);
  console.log(`share-link bomb: ${mib(fragment.length)} MiB fragment; renderer ${mib(before)} MiB before, ` +
    `peak ${mib(peak)} MiB while refusing it`);
  assert.match(await page.locator('[data-testid=notice]').innerText(), /damaged or incomplete/);
  assert.ok(peak - before < 256 * 1048576, `the renderer grew by ${mib(peak - before)} MiB`);
  await context.close();
});
