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
const TOTAL_TIMEOUT_MS = 270000; // the whole test (ctest's TIMEOUT is above this)

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
        scopes: ['bg.order.list.v2.get', 'bg.order.detail.v2.get', 'bg.local.goods.list.query',
          'temu.order.amount.v2.query'],
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
    // No scheduler: the first sync is the one the test starts from the Sync page (a scheduled
    // run of the same stream would hold its lease at that moment).
    AICOS_SYNC_WORKER: '0',
    AICOS_TEMU_REGION: 'us',
    AICOS_TEMU_GATEWAY_URL: `${sbxOrigin}/openapi/router`,
    AICOS_TEMU_AUTH_URL: authUrl,
  });
  const user = 'e2e-admin';
  const added = aicos(aicosBin, ['user', 'add', user, '--role', 'seller_admin', '--generate'], env);
  const m = /password[^:\n]*:\s*(\S+)\s*$/m.exec(added);
  check(m, `could not read the generated password from \`aicos user add\`: ${added.trim()}`);
  const password = m[1];
  // One account per lesser role: every page is walked as each of them too.
  const roles = {};
  for (const role of ['viewer', 'operator', 'ops']) {
    const out = aicos(aicosBin, ['user', 'add', `e2e-${role}`, '--role', role, '--generate'], env);
    const pm = /password[^:\n]*:\s*(\S+)\s*$/m.exec(out);
    check(pm, `could not read the generated password of e2e-${role}`);
    roles[role] = pm[1];
  }
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

    // 5b. The main flows: the first sync from the Sync page, the orders as words with their
    // values once read from Temu, one order's page, and an action on an item.
    await page.goto(`${origin}/sync`);
    check((await page.locator('#sync-start').count()) === 1, 'no form to start a first sync');
    await page.selectOption('#f-sync-stream', 'orders');
    await Promise.all([
      page.waitForResponse((res) => res.url().endsWith('/sync/retry'), { timeout: 60000 }),
      page.click('#sync-start-run'),
    ]);
    await page.waitForLoadState('load');
    const synced = (await page.locator('#flash').textContent()) || '';
    check(/同步完成/.test(synced), `the first sync says "${synced}"`);
    await page.goto(`${origin}/orders`);
    const rows = page.locator('#orders tbody tr');
    check((await rows.count()) > 0, 'no orders listed after the sync');
    const status = await rows.first().locator('td').nth(2).locator('.pill');
    check(/^parentOrderStatus \d+ · [A-Z_]+$/.test((await status.getAttribute('title')) || ''),
      'the order status has no platform code as its tooltip');
    check(/[\u4e00-\u9fff]/.test((await status.textContent()) || ''), 'the order status is no word');
    check((await rows.first().locator('td').nth(1).textContent()).includes('Temu US'),
      'the order row does not name its shop');
    await Promise.all([
      page.waitForResponse((res) => res.url().endsWith('/orders/amounts'), { timeout: 60000 }),
      page.click('#order-amounts button[type="submit"]'),
    ]);
    await page.waitForLoadState('load');
    check(/保存/.test((await page.locator('#flash').textContent()) || ''), 'no notice after reading values');
    const value = ((await rows.first().locator('td').nth(4).textContent()) || '').trim();
    check(/^-?[\d,]+\.\d{2} USD$/.test(value), `the order value reads "${value}"`);
    await shot(page, '08-orders-after-sync.png');
    await Promise.all([
      page.waitForURL((u) => /^\/orders\/[^/]+$/.test(u.pathname)),
      rows.first().locator('td').first().locator('a').click(),
    ]);
    const orderPath = new URL(page.url()).pathname + new URL(page.url()).search;
    for (const id of ['#order', '#order-money', '#items', '#status-history', '#order-cases']) {
      check((await page.locator(id).count()) === 1, `the order page has no ${id}`);
    }
    check((await page.locator('#money-empty').count()) === 0, 'the order page has no money');
    check((await page.locator('#status-history tr.history-entry').count()) > 0, 'no status history');
    await shot(page, '09-order.png');
    // The action center: an item is acted on (snoozed) with post/redirect/get.
    await page.goto(`${origin}/`);
    const act = page.locator('form[action$="/snooze"] button[type="submit"]').first();
    check((await act.count()) === 1, 'the action center shows no item to act on after the sync');
    await Promise.all([page.waitForLoadState('load'), act.click()]);
    await page.waitForLoadState('load');
    check((await page.locator('#flash').count()) === 1, 'no notice after acting on an item');
    await page.reload();
    check((await page.locator('#flash').count()) === 0, 'the action notice came back on a reload');
    log('synced, read order values, opened an order and acted on an item');

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
    // 1366 px, no serious accessibility violation; then the same pages in English after the
    // layout's language switch; then as each lesser role, whose pages above its role are
    // refused with the console's 403 page.
    const pages = [
      ['/', 'viewer'], ['/dashboard', 'viewer'], ['/integrations', 'viewer'], ['/deploy', 'ops'],
      ['/orders', 'viewer'], [orderPath, 'viewer'], ['/products', 'viewer'], ['/cases', 'viewer'],
      ['/shipments', 'viewer'], ['/settlements', 'viewer'], ['/settlements/lines', 'viewer'],
      ['/sync', 'viewer'], ['/users', 'seller_admin'], ['/tokens', 'seller_admin'],
      ['/audit', 'ops'], ['/secrets', 'ops'], ['/settings', 'viewer'],
    ];
    const rank = { viewer: 1, operator: 2, ops: 3, seller_admin: 4 };
    const readable = async (lang, role = 'seller_admin', p2 = page) => {
      for (const [p, least] of pages) {
        r = await p2.goto(`${origin}${p}`);
        const name = `${role}-${lang}${p.replace(/[/?=&]/g, '-')}`;
        if (rank[role] < rank[least]) {
          check(r && r.status() === 403, `GET ${p} as ${role} answered ${r && r.status()}, want 403`);
          check((await p2.locator('#error').count()) === 1, `${p} as ${role}: 403 is no console page`);
          continue;
        }
        check(r && r.status() === 200, `GET ${p} as ${role} answered ${r && r.status()}`);
        const text = await p2.locator('main').innerText();
        check(!/\bMSG_[A-Z_]+\b/.test(text), `${name}: a message key is shown`);
        check(!/(?<![\d.])1[6-9]\d{8}(?![\d.])/.test(text.replace(/\d{12,}/g, '')),
          `${name}: a raw Unix time is shown`);
        const wide = await p2.evaluate(() => document.documentElement.scrollWidth);
        check(wide <= 1366, `${name}: ${wide} px wide at 1366 px (horizontal scroll)`);
        check((await p2.locator('html').getAttribute('lang')) === lang, `${name}: lang is not ${lang}`);
        if (lang === 'zh-CN') {
          // A status with a word in the vocabulary shows the word (its code is the tooltip).
          const raw = await p2.$$eval('.pill[title], .status[title]', (els) =>
            els.filter((e) => !/[\u4e00-\u9fff]/.test(e.textContent || '')).map((e) => e.title));
          check(raw.length === 0, `${name}: codes shown where a word exists: ${raw.join(', ')}`);
        }
        const bad = await axeViolations(p2);
        check(bad.length === 0, `${name}: accessibility violations: ${bad.join('; ')}`);
        // Screenshots of every page in both languages as seller_admin; the other roles' walks
        // check the same rules without them (a full-page shot costs seconds on tall pages).
        if (role === 'seller_admin') await shot(p2, `10-${name}.png`);
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
    for (const [role, pw] of Object.entries(roles)) {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
      await ctx.route((url) => url.hostname !== '127.0.0.1', (route) => {
        offHost.push(route.request().url());
        return route.abort('blockedbyclient');
      });
      const p2 = await ctx.newPage();
      p2.setDefaultTimeout(STEP_TIMEOUT_MS);
      p2.on('pageerror', (e) => pageErrors.push(e.message));
      await p2.goto(`${origin}/login`);
      await p2.fill('#username', `e2e-${role}`);
      await p2.fill('#password', pw);
      await Promise.all([
        p2.waitForURL((u) => u.pathname !== '/login' || u.search !== ''),
        p2.click('form[action="/login"] button[type="submit"]'),
      ]);
      check(new URL(p2.url()).pathname !== '/login', `sign-in as e2e-${role} failed`);
      await readable('zh-CN', role, p2);
      await ctx.close();
      log(`every page checked as ${role}`);
    }

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
