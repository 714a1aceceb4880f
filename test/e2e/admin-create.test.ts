/**
 * `gonogo admin create` through the built CLI: the first administrator of the team server, with
 * the password on stdin (never on the command line), stored as a scrypt hash, the password
 * itself nowhere in the database file.
 */
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from './cli-helper.ts';

afterAll(removeRepos);

const password = 'Tr0ub4dor & 3 horses, stapled';

describe('gonogo admin create', () => {
  it('creates the first administrator from a password on stdin, stored as scrypt and nowhere in clear', async () => {
    const repo = await makeRepo();
    const r = await repo.ok(['admin', 'create', '--email', ' Ana@Example.com', '--name', 'Ana'], {
      input: `${password}\nignored second line\n`,
    });
    expect(r.stdout).toMatch(/created the first administrator ana@example\.com \(Ana\)/);
    expect(r.stdout + r.stderr).not.toContain(password);

    const db = new DatabaseSync(repo.db, { readOnly: true });
    try {
      const rows = db.prepare('select email, name, admin, password_hash from users').all();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ email: 'ana@example.com', name: 'Ana', admin: 1 });
      expect(String(rows[0]!.password_hash)).toMatch(/^scrypt\$32768\$8\$1\$[^$]+\$[^$]+$/);
    } finally {
      db.close();
    }
    // The raw bytes of the database and its journal: the password in no encoding we write.
    for (const file of [repo.db, `${repo.db}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(password))).toBe(false);
      expect(bytes.includes(Buffer.from(password).toString('base64'))).toBe(false);
    }
  });

  it('refuses a second first administrator, a password on the command line, and a weak or missing password', async () => {
    const repo = await makeRepo();
    await repo.ok(['admin', 'create', '--email', 'ana@example.com'], { input: `${password}\n` });

    const second = await repo.run(['admin', 'create', '--email', 'bob@example.com'], {
      input: `${password}\n`,
    });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/has an administrator already/);

    const other = await makeRepo();
    const argv = await other.run([
      'admin',
      'create',
      '--email',
      'a@example.com',
      '--password',
      password,
    ]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toMatch(/never taken from the command line/);
    expect(argv.stderr).not.toContain(password);
    const weak = await other.run(['admin', 'create', '--email', 'a@example.com'], {
      input: 'short\n',
    });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    const none = await other.run(['admin', 'create', '--email', 'a@example.com'], { input: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no password on stdin/);
    const email = await other.run(['admin', 'create', '--email', 'not-an-address'], {
      input: `${password}\n`,
    });
    expect(email.code).toBe(2);
    expect(email.stderr).toMatch(/not an e-mail address/);
    // Nothing half-written: the refused attempts left no user, so the next one is the first.
    await other.ok(['admin', 'create', '--email', 'a@example.com'], { input: `${password}\n` });
  });
});
