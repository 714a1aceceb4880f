import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../core/errors.ts';
import { isPostgresUrl, openStore } from './open-store.ts';
import { maskPassword } from './postgres-store.ts';
import { storeMigrations } from './store-migrations.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gonogo-open-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The EnvironmentError `open` rejects with (fails the test if it resolves or throws another). */
async function environmentError(open: Promise<unknown>): Promise<EnvironmentError> {
  const error = await open.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EnvironmentError);
  expect((error as EnvironmentError).code).toBe('environment');
  expect((error as EnvironmentError).exitCode).toBe(2);
  return error as EnvironmentError;
}

describe('openStore on SQLite files it must not use', () => {
  it('a file that is not a database: named, left as it was', async () => {
    const file = path.join(dir, 'random.db');
    const bytes = randomBytes(8192);
    writeFileSync(file, bytes);
    const e = await environmentError(openStore(file));
    expect(e.place).toBe(file);
    expect(e.message).toMatch(/random\.db is not an SQLite database/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("another program's database: named with its tables, byte for byte as it was", async () => {
    const file = path.join(dir, 'other.db');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE invoices (id INTEGER)');
    db.close();
    const before = readFileSync(file);
    const e = await environmentError(openStore(file));
    expect(e.message).toMatch(/another program \(tables: invoices\)/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a 0-byte file is a new database', async () => {
    const file = path.join(dir, 'empty.db');
    writeFileSync(file, '');
    const store = await openStore(file);
    await store.close();
    const db = new DatabaseSync(file, { readOnly: true });
    const names = db.prepare('SELECT name FROM gonogo_migration').all() as { name: string }[];
    db.close();
    expect(names.map((n) => n.name)).toEqual(Object.keys(storeMigrations));
  });

  it('a database with a migration this build does not know is refused', async () => {
    const file = path.join(dir, 'newer.db');
    await (await openStore(file)).close();
    const db = new DatabaseSync(file);
    db.prepare('INSERT INTO gonogo_migration (name, timestamp) VALUES (?, ?)').run(
      '9999-later',
      '2030-01-01T00:00:00.000Z',
    );
    db.close();
    for (const readOnly of [false, true]) {
      const e = await environmentError(openStore(file, { readOnly }));
      expect(e.message).toMatch(/made by a newer gonogo \(with migration 9999-later/);
      expect(e.fix).toMatch(/upgrade gonogo/);
    }
  });

  it('read-only: reads an up-to-date database, refuses one that needs a migration', async () => {
    const file = path.join(dir, 'reader.db');
    await (await openStore(file)).close();
    const before = readFileSync(file);
    await (await openStore(file, { readOnly: true })).close();
    expect(readFileSync(file).equals(before)).toBe(true);

    const db = new DatabaseSync(file);
    db.exec('DELETE FROM gonogo_migration');
    db.close();
    const e = await environmentError(openStore(file, { readOnly: true }));
    expect(e.message).toMatch(/needs migration .* and it is read-only/);
  });
});

describe('maskPassword', () => {
  it('masks the password in the user part and in a password parameter', () => {
    expect(maskPassword('postgres://ana:s3cret@db:5432/gonogo')).toBe(
      'postgres://ana:***@db:5432/gonogo',
    );
    expect(maskPassword('postgresql://ana:p%40ss@db/gonogo?sslmode=require')).toBe(
      'postgresql://ana:***@db/gonogo?sslmode=require',
    );
    expect(maskPassword('postgres://db/gonogo?user=ana&password=s3cret&x=1')).toBe(
      'postgres://db/gonogo?user=ana&password=***&x=1',
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(maskPassword('postgres://ana@db/gonogo')).toBe('postgres://ana@db/gonogo');
    expect(maskPassword('postgres://db/gonogo')).toBe('postgres://db/gonogo');
  });
});

describe('isPostgresUrl', () => {
  it('tells a PostgreSQL URL from a file path', () => {
    expect(isPostgresUrl('postgres://db/gonogo')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://db/gonogo')).toBe(true);
    expect(isPostgresUrl('.gonogo/gonogo.db')).toBe(false);
    expect(isPostgresUrl('postgres.db')).toBe(false);
  });
});
