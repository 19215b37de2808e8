// Browser test of the Integrations page (issue 5), in Debian's chromium driven by playwright-core.
//
// Starts a real temu-sandbox and a real `aicos serve` (fresh SQLite database, master key file
// 0600, a seller_admin made with `aicos user add --generate`, the sandbox app's credentials
// stored with `aicos temu credentials set`), then, in the browser: signs in on /login, opens
// /integrations, starts the development authorization, approves it on the sandbox's Seller
// Center page, lands back on the console and checks that the connection is shown and that the
// progress step `seller_authorization` passes; then opens the Users, API tokens, Audit log and
// Secrets pages, creates a token (post/redirect/get: the secret shown once, a reload shows and
// creates nothing) and checks that a mistyped URL is a console page; then walks every page in
// Chinese and, after the layout's language switch, in English at 1366 px: no message key, no
// raw Unix time, no horizontal scroll, and no serious or critical axe-core violation.
// Screenshots go to AICOS_E2E_ARTIFACTS.
//
// Environment: AICOS_BIN and SANDBOX_BIN (set by ctest), AICOS_E2E_ARTIFACTS (screenshots and,
// on failure, the servers' logs), AICOS_E2E_CHROMIUM (default /usr/bin/chromium).
// Everything listens on 127.0.0.1; the browser is refused any other host.
// Prints `1 passed, 0 failed` or `0 passed, 1 failed` last; exits non-zero on failure.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// axe-core (npm, pinned in package.json): the accessibility check of every page.
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's serious and critical violations of the page as "rule: target" lines.
async function axeViolations(page) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`),
    ),
  );
  return res;
}

const STEP_TIMEOUT_MS = 15000; // any one browser action or navigation
const START_TIMEOUT_MS = 20000; // a server becoming ready
const CLI_TIMEOUT_MS = 30000; // one `aicos` command
const TOTAL_TIMEOUT_MS = 120000; // the whole test (ctest's TIMEOUT is above this)

const chromiumPath = process.env.AICOS_E2E_CHROMIUM || '/usr/bin/chromium';
const artifacts = path.resolve(
  process.env.AICOS_E2E_ARTIFACTS || path.join(os.tmpdir(), 'aicos-e2e-artifacts'),
);
const children = new Set();
const logs = []; // the servers' log files
let workDir = null;

function log(msg) {
  process.stdout.write(`e2e: ${msg}\n`);
}

class Failure extends Error {}
function check(cond, msg) {
  if (!cond) throw new Failure(msg);
}

function requireExecutable(name, file, hint) {
  check(file, `${name} is not set: ${hint}`);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Failure(`${name}=${file} is not an executable file: ${hint}`);
  }
}

function killChildren() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
}
process.on('exit', killChildren);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killChildren();
    process.stdout.write(`e2e: interrupted by ${sig}\n0 passed, 1 failed\n`);
    process.exit(1);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// The environment for the servers and the CLI: no AICOS_* setting leaks in from outside.
function baseEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AICOS_')) env[k] = v;
  }
  return { ...env, ...extra };
}

// Runs `aicos ARGS` to completion; returns stdout, fails with stderr on a non-zero exit.
function aicos(bin, args, env) {
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  check(!r.error, `aicos ${args.join(' ')}: ${r.error && r.error.message}`);
  check(r.status === 0, `aicos ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

// Spawns a server with its output in dir/NAME.log; resolves once ready() says so.
async function startServer(name, bin, args, env, ready) {
  const logPath = path.join(workDir, `${name}.log`);
  const out = fs.openSync(logPath, 'a', 0o600);
  const child = spawn(bin, args, { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  children.add(child);
  logs.push(logPath);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Failure(
        `${name} exited early (${child.exitCode ?? child.signalCode}): ` +
          fs.readFileSync(logPath, 'utf8').slice(-2000),
      );
    }
    if (await ready(logPath)) return child;
    await sleep(50);
  }
  throw new Failure(`${name} was not ready within ${START_TIMEOUT_MS} ms (log ${logPath})`);
}

// Stops a server with SIGTERM (SIGKILL after 10 s); returns how it ended.
async function stopServer(child) {
  if (child && child.exitCode === null && child.signalCode === null) {
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    await done;
    clearTimeout(t);
  }
  children.delete(child);
  return child ? child.exitCode ?? child.signalCode : null;
}

async function httpOk(url) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.status === 200;
  } catch {
    return false;
  }
}

async function shot(page, name) {
  const file = path.join(artifacts, name);
  await page.screenshot({ path: file, fullPage: true, timeout: STEP_TIMEOUT_MS });
  log(`screenshot ${file}`);
}

async function stepStatus(page, key) {
  const li = page.locator(`#progress-steps li[data-step="${key}"]`);
  check((await li.count()) === 1, `progress step ${key} is not on the page`);
  return li.getAttribute('data-status');
}

async function run() {
  const aicosBin = process.env.AICOS_BIN;
  const sandboxBin = process.env.SANDBOX_BIN;
  requireExecutable('AICOS_BIN', aicosBin, 'the aicos binary; ctest sets it');
  requireExecutable('SANDBOX_BIN', sandboxBin, 'the temu-sandbox binary; ctest sets it');
  requireExecutable(
    'chromium',
    chromiumPath,
    "install Debian's chromium with scripts/install-deps, or set AICOS_E2E_CHROMIUM",
  );
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Failure(`playwright-core is not installed (run npm ci in tests/e2e): ${e.message}`);
  }

  fs.mkdirSync(artifacts, { recursive: true });
  for (const f of fs.readdirSync(artifacts)) {
    if (f.endsWith('.png') || f.endsWith('.log')) fs.rmSync(path.join(artifacts, f));
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicos-e2e-'));
  fs.chmodSync(workDir, 0o700);

  // The sandbox, with one app whose key and secret are fresh for this run.
  const appKey = randomBytes(16).toString('hex');
  const appSecret = randomBytes(20).toString('hex');
  const appsFile = path.join(workDir, 'apps.json');
  fs.writeFileSync(
    appsFile,
    JSON.stringify([
      {
        app_key: appKey,
        app_secret: appSecret,
        name: 'AICOS e2e app',
        scopes: ['bg.order.list.v2.get', 'bg.order.detail.v2.get', 'bg.local.goods.list.query'],
      },
    ]),
    { mode: 0o600 },
  );
  const sbxPort = await freePort();
  const sbxOrigin = `http://127.0.0.1:${sbxPort}`;
  const authUrl = `${sbxOrigin}/open-platform/client-manage/authorization`;
  const sandbox = await startServer(
    'temu-sandbox',
    sandboxBin,
    ['--listen', `127.0.0.1:${sbxPort}`, '--seed', '1', '--apps', appsFile, '--rate-limit', '0'],
    baseEnv({}),
    async (p) => fs.readFileSync(p, 'utf8').includes('listening on http://'),
  );
  log(`temu-sandbox on ${sbxOrigin}`);

  // aicos: a fresh database, a master key file (0600), a seller_admin, the app credentials.
  const keyFile = path.join(workDir, 'master.key');
  fs.writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const secretFile = path.join(workDir, 'app-secret');
  fs.writeFileSync(secretFile, appSecret + '\n', { mode: 0o600 });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = baseEnv({
    AICOS_ENV: 'development',
    AICOS_DATABASE_URL: `sqlite:${path.join(workDir, 'aicos.db')}`,
    AICOS_MASTER_KEY_FILE: keyFile,
    AICOS_LISTEN: `127.0.0.1:${port}`,
    AICOS_API_ORIGIN: origin,
    AICOS_WEB_ORIGIN: origin,
    AICOS_HTTP_THREADS: '2',
    AICOS_TEMU_REGION: 'us',
    AICOS_TEMU_GATEWAY_URL: `${sbxOrigin}/openapi/router`,
    AICOS_TEMU_AUTH_URL: authUrl,
  });
  const user = 'e2e-admin';
  const added = aicos(aicosBin, ['user', 'add', user, '--role', 'seller_admin', '--generate'], env);
  const m = /password[^:\n]*:\s*(\S+)\s*$/m.exec(added);
  check(m, `could not read the generated password from \`aicos user add\`: ${added.trim()}`);
  const password = m[1];
  aicos(
    aicosBin,
    ['temu', 'credentials', 'set', '--region', 'us', '--app-key', appKey, '--app-secret-file',
      secretFile],
    env,
  );
  const server = await startServer('aicos', aicosBin, ['serve'], env, () =>
    httpOk(`${origin}/healthz`),
  );
  log(`aicos serve on ${origin}`);

  const stopped = {};
  let browser = null;
  let page = null;
  try {
    // launch() gives chromium a fresh temporary profile of its own, removed on close.
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: START_TIMEOUT_MS,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'zh-CN',
    });
    // Loopback only: any request for another host is refused (and reported).
    const offHost = [];
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        offHost.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // 1. Sign in.
    let r = await page.goto(`${origin}/login`);
    check(r && r.status() === 200, `GET /login answered ${r && r.status()}`);
    await shot(page, '01-login.png');
    await page.fill('#username', user);
    await page.fill('#password', password);
    await Promise.all([
      page.waitForURL((u) => u.pathname !== '/login' || u.search !== ''),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    check(
      new URL(page.url()).pathname !== '/login',
      `sign-in failed: ${await page.locator('.error').allTextContents()}`,
    );
    log(`signed in as ${user}`);

    // 2. The Integrations page before authorization.
    r = await page.goto(`${origin}/integrations`);
    check(r && r.status() === 200, `GET /integrations answered ${r && r.status()}`);
    await page.locator('#progress-steps').waitFor();
    check(
      (await page.locator('#connections-empty').count()) === 1,
      'before authorization the page should say that no shop is connected',
    );
    const before = await stepStatus(page, 'seller_authorization');
    check(before !== 'pass', `seller_authorization already "${before}" before authorization`);
    check(
      (await stepStatus(page, 'app_credentials')) === 'pass',
      'app_credentials should pass once the credentials are stored',
    );
    check(
      (await page.locator('#workbench code').first().textContent()) === authUrl,
      'the workbench should show the sandbox Seller Center URL (AICOS_TEMU_AUTH_URL)',
    );
    await shot(page, '02-integrations-before.png');

    // 3. Start the development authorization (the dev entry, not the production path).
    const devEntry = page.locator('#dev-entry');
    check(
      /NOT the production path/.test(await devEntry.textContent()),
      'the dev entry must be labelled as not the production path',
    );
    await Promise.all([page.waitForLoadState('load'), devEntry.locator('#start-dev').click()]);
    const result = page.locator('#authorization-result');
    await result.waitFor();
    check(/not the production path/.test(await result.textContent()), 'dev result not labelled');
    const href = await page.locator('#authorization-url').getAttribute('href');
    check(href && href.startsWith(`${authUrl}?`), `authorization URL ${href} is not the sandbox's`);
    const q = new URL(href).searchParams;
    check(q.get('appKey') === appKey, `authorization URL has appKey ${q.get('appKey')}`);
    check(q.get('state'), 'authorization URL has no state');
    check(
      q.get('redirect_uri') === `${origin}/api/v1/integrations/temu/authorization/callback`,
      `authorization URL has redirect_uri ${q.get('redirect_uri')}`,
    );
    log('dev authorization session created');

    // 4. The sandbox's Seller Center consent page: approve.
    await Promise.all([
      page.waitForURL((u) => u.origin === sbxOrigin),
      page.click('#authorization-url'),
    ]);
    await page.locator('#app-key').waitFor();
    check((await page.locator('#app-key').textContent()) === appKey, 'consent page: wrong app');
    const mall = await page.locator('input[name="mallId"]:checked').getAttribute('value');
    check(/^\d+$/.test(mall || ''), 'consent page: no shop chosen');
    await shot(page, '03-consent.png');
    await Promise.all([
      page.waitForURL((u) => u.origin === origin && u.pathname === '/integrations'),
      page.click('button[name="action"][value="approve"]'),
    ]);
    log(`approved shop ${mall} on the sandbox; back on ${page.url()}`);

    // 5. Back on the console: the connection is shown and seller_authorization passes.
    check(
      new URL(page.url()).searchParams.get('notice') === 'connected',
      `landed on ${page.url()}, want /integrations?notice=connected`,
    );
    await page.locator('#progress-steps').waitFor();
    const notice = (await page.locator('#notice').textContent()) || '';
    check(/店铺已连接/.test(notice), `notice says "${notice}"`); // zh-CN: the Chinese text only
    const row = page.locator(`#connections tr[data-mall="${mall}"]`);
    check((await row.count()) === 1, `no row for shop ${mall} in the connections table`);
    const rowText = (await row.textContent()) || '';
    // A healthy connection's status is `active` (正常); the registry says `connected`.
    const connStatus = await row.locator('td').nth(2).locator('.pill').first().getAttribute('class');
    check(/\bactive\b/.test(connStatus || ''), `connection status is "${connStatus}": ${rowText}`);
    const region = ((await row.locator('td').nth(1).textContent()) || '').trim();
    check(region === 'us', `connection region is "${region}", want us`);
    const after = await stepStatus(page, 'seller_authorization');
    check(after === 'pass', `progress step seller_authorization is "${after}", want pass`);
    const pill = await page
      .locator('#progress-steps li[data-step="seller_authorization"] .pill')
      .textContent();
    check(/通过/.test(pill || ''), `seller_authorization pill says "${pill}"`);
    const temuRow = page.locator('#registry tr[data-key]').first();
    check(
      /^(connected|authorized)$/.test((await temuRow.locator('.pill').first().getAttribute('title')) || ''),
      'the registry row of Temu Open Platform should say connected',
    );
    await shot(page, '04-integrations-after.png');
    // The two cards the flow changed, at full size (the whole page is tall).
    for (const [id, name] of [['#progress', '05-progress-after.png'], ['#workbench', '06-workbench-after.png']]) {
      await page.locator(id).screenshot({ path: path.join(artifacts, name), timeout: STEP_TIMEOUT_MS });
      log(`screenshot ${path.join(artifacts, name)}`);
    }

    // The JSON API agrees with the page (the same session cookie).
    const api = await page.request.get(`${origin}/api/v1/integrations/temu/connections`, {
      timeout: STEP_TIMEOUT_MS,
    });
    check(api.status() === 200, `GET connections answered ${api.status()}`);
    const conns = (await api.json()).connections || [];
    check(
      conns.length === 1 && String(conns[0].mall_id) === mall,
      `API lists ${JSON.stringify(conns.map((c) => c.mall_id))}, want [${mall}]`,
    );

    // 6. The team pages (issue 16) as seller_admin, and one post/redirect/get flow.
    for (const [p, heading] of [
      ['/users', '用户 / Users'],
      ['/tokens', 'API 令牌 / API tokens'],
      ['/audit', '审计日志 / Audit log'],
      ['/secrets', '机密 / Secrets'],
    ]) {
      r = await page.goto(`${origin}${p}`);
      check(r && r.status() === 200, `GET ${p} answered ${r && r.status()}`);
      const h1 = ((await page.locator('h1').first().textContent()) || '').trim();
      check(h1 === heading, `${p} heading is "${h1}", want "${heading}"`);
      check((await page.locator(`nav a[href="${p}"]`).count()) === 1, `${p} is not in the nav`);
    }
    await page.goto(`${origin}/tokens`);
    await page.fill('#f-token-name', 'e2e-ci');
    await page.selectOption('#f-token-role', 'viewer');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/tokens'),
      page.click('form[action="/tokens"] button[type="submit"]'),
    ]);
    const flash = (await page.locator('#flash').textContent()) || '';
    check(/shown only this once: aicos_\S+/.test(flash), `the token notice says "${flash}"`);
    check((await page.locator('#tokens tbody tr').count()) === 1, 'one token after the post');
    await shot(page, '07-tokens-after-create.png');
    await page.reload();
    check((await page.locator('#flash').count()) === 0, 'the notice came back on a reload');
    check((await page.locator('#tokens tbody tr').count()) === 1, 'a reload created a token');
    r = await page.goto(`${origin}/no-such-page`);
    check(r && r.status() === 404, `GET /no-such-page answered ${r && r.status()}`);
    check((await page.locator('#error').count()) === 1, 'a mistyped URL is not a console page');
    log('team pages and the token post/redirect/get checked');

    // 7. Every page reads as words: no catalog key, no raw epoch, no horizontal scroll at
    // 1366 px; then the same pages in English after the layout's language switch.
    const pages = ['/dashboard', '/integrations', '/deploy', '/orders', '/products', '/cases', '/sync', '/users',
      '/tokens', '/audit', '/secrets', '/settings'];
    const readable = async (lang) => {
      for (const p of pages) {
        r = await page.goto(`${origin}${p}`);
        check(r && r.status() === 200, `GET ${p} answered ${r && r.status()}`);
        const text = await page.locator('main').innerText();
        check(!/\bMSG_[A-Z_]+\b/.test(text), `${p}: a message key is shown`);
        check(!/(?<![\d.])1[6-9]\d{8}(?![\d.])/.test(text.replace(/\d{12,}/g, '')),
          `${p}: a raw Unix time is shown`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        check(wide <= 1366, `${p}: ${wide} px wide at 1366 px (horizontal scroll)`);
        check((await page.locator('html').getAttribute('lang')) === lang, `${p}: lang is not ${lang}`);
        if (lang === 'zh-CN') {
          // A status with a word in the vocabulary shows the word (its code is the tooltip).
          const raw = await page.$$eval('.pill[title], .status[title]', (els) =>
            els.filter((e) => !/[\u4e00-\u9fff]/.test(e.textContent || '')).map((e) => e.title));
          check(raw.length === 0, `${p}: codes shown where a word exists: ${raw.join(', ')}`);
        }
        const bad = await axeViolations(page);
        check(bad.length === 0, `${p} (${lang}): accessibility violations: ${bad.join('; ')}`);
        await shot(page, `10-${lang}${p.replace(/\//g, '-')}.png`);
      }
    };
    await readable('zh-CN');
    await page.goto(`${origin}/settings`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/settings'),
      page.click('.lang-switch button[value="en"]'),
    ]);
    check(/language and time zone were saved/.test((await page.locator('#flash').textContent()) || ''),
      'the language switch has no English notice');
    await page.reload();
    check((await page.locator('#flash').count()) === 0, 'the switch notice came back on a reload');
    await readable('en');
    log('every page checked in both languages at 1366 px');

    check(offHost.length === 0, `the pages asked for other hosts: ${offHost.join(', ')}`);
    check(pageErrors.length === 0, `script errors on the pages: ${pageErrors.join('; ')}`);
  } catch (e) {
    // What the browser showed when it went wrong, and where it was.
    if (page) {
      const at = page.url();
      await shot(page, '99-failure.png').catch(() => {});
      if (e instanceof Error) e.message += ` (page: ${at})`;
    }
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
    stopped.aicos = await stopServer(server);
    stopped.sandbox = await stopServer(sandbox);
  }
  // A clean stop is part of passing (a sanitizer report makes the exit status non-zero).
  for (const [name, how] of Object.entries(stopped)) {
    check(how === 0, `${name} did not stop cleanly on SIGTERM (exit ${how}); see its log`);
  }
}

async function main() {
  const started = Date.now();
  const timer = setTimeout(() => {
    killChildren();
    process.stdout.write(
      `e2e: FAILED: the test did not finish within ${TOTAL_TIMEOUT_MS} ms\n0 passed, 1 failed\n`,
    );
    process.exit(1);
  }, TOTAL_TIMEOUT_MS);
  let ok = false;
  try {
    await run();
    ok = true;
  } catch (e) {
    process.stdout.write(`e2e: FAILED: ${e instanceof Failure ? e.message : e.stack || e}\n`);
    // Keep the servers' logs beside the screenshots for a look at what went wrong.
    for (const l of logs) {
      if (fs.existsSync(l) && fs.existsSync(artifacts)) {
        fs.copyFileSync(l, path.join(artifacts, path.basename(l)));
      }
    }
  } finally {
    killChildren();
    clearTimeout(timer);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }
  log(`integrations flow ${ok ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(ok ? '1 passed, 0 failed\n' : '0 passed, 1 failed\n');
  process.exitCode = ok ? 0 : 1;
}

await main();
