// Issue 18: the OpenAPI document that `aicos serve` serves is a valid OpenAPI 3.1 document
// (checked by @seriousme/openapi-schema-validator against the official 3.1 schema), every
// operation declares its security, and the protected ones really refuse anonymous callers.
// Starts $AICOS_BIN serve on a free loopback port with a throwaway SQLite database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';

const bin = process.env.AICOS_BIN;
if (!bin) {
  console.error('AICOS_BIN is not set');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(process.env.AICOS_TEST_TMP || tmpdir(), 'openapi-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve'], {
  env: {
    ...process.env,
    AICOS_LISTEN: `127.0.0.1:${port}`,
    AICOS_DATABASE_URL: `sqlite:${join(dir, 'aicos.db')}`,
    AICOS_SYNC_WORKER: '0',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
server.stderr.on('data', (d) => (stderr += d));

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error(`FAIL ${what}`);
  }
}

try {
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    try {
      up = (await fetch(`${base}/healthz`)).ok;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (!up) throw new Error(`aicos serve did not start: ${stderr}`);

  const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
  const validator = new Validator();
  const res = await validator.validate(doc);
  check(res.valid, `the document validates: ${JSON.stringify(res.errors, null, 1)}`);
  check(validator.version === '3.1', `OpenAPI version ${validator.version}`);

  const schemes = doc.components?.securitySchemes ?? {};
  check(schemes.bearer?.type === 'http' && schemes.bearer?.scheme === 'bearer', 'bearer scheme');
  check(schemes.session?.type === 'apiKey' && schemes.session?.in === 'cookie', 'cookie scheme');
  const roles = new Set(['viewer', 'operator', 'ops', 'seller_admin']);
  let ops = 0, protectedOps = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      ops++;
      check(Array.isArray(op.security), `${method} ${path} declares its security`);
      if (!Array.isArray(op.security) || op.security.length === 0) continue;
      protectedOps++;
      const role = op['x-aicos-min-role'];
      check(roles.has(role), `${method} ${path} names its least role`);
      for (const req of op.security) {
        for (const [name, scopes] of Object.entries(req)) {
          check(name in schemes, `${method} ${path} uses a declared scheme (${name})`);
          check(scopes.length === 1 && scopes[0] === role, `${method} ${path} ${name} role`);
        }
      }
      // What the document promises, the server does: no credentials, no answer.
      if (!path.includes('{') || method === 'get') {
        const url = base + path.replace(/\{[^}]+\}/g, 'x');
        const r = await fetch(url, { method: method.toUpperCase(), redirect: 'manual' });
        check(r.status === 401, `${method} ${path} anonymous: ${r.status}, want 401`);
      }
    }
  }
  check(ops > 30 && protectedOps > 20, `operations ${ops}, protected ${protectedOps}`);
  console.log(`openapi: ${ops} operations (${protectedOps} protected), valid=${res.valid}`);
} catch (e) {
  failures++;
  console.error(e);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
