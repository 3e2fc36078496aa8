import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEntryName, extractZip } from '../src/github/zip.js';

describe('checkEntryName', () => {
  it.each([
    ['manifest.json', 'manifest.json', false],
    ['units/a.tfplan', 'units/a.tfplan', false],
    ['./units//a.tfplan', 'units/a.tfplan', false],
    ['units/', 'units', true],
  ])('accepts %s as %s', (name, rel, dir) => {
    expect(checkEntryName(name)).toEqual({ ok: true, rel, dir });
  });

  it.each([
    ['../x', "'..' segment"],
    ['units/../../x', "'..' segment"],
    ['a/..', "'..' segment"],
    ['/etc/passwd', 'absolute path'],
    ['C:/x', 'absolute path'],
    ['units\\..\\x', 'backslash'],
    ['', 'empty'],
    ['./', 'names no file'],
  ])('refuses %j (%s)', (name, reason) => {
    const r = checkEntryName(name);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });
});

describe('extractZip', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes nested entries and returns them sorted', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'infra-ci-zip-'));
    dir = root;
    const zip = zipSync({ 'units/b.tfplan': strToU8('b'), 'manifest.json': strToU8('{}') });
    expect(extractZip(zip, path.join(root, 'out'))).toEqual(['manifest.json', 'units/b.tfplan']);
    expect(readFileSync(path.join(root, 'out', 'units/b.tfplan'), 'utf8')).toBe('b');
  });

  it('refuses bytes that are not a zip', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'infra-ci-zip-'));
    dir = root;
    expect(() => extractZip(strToU8('not a zip'), path.join(root, 'out'))).toThrow(
      /not a readable zip archive/,
    );
  });
});
