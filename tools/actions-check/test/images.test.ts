import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imagePinProblems } from '../src/images.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('imagePinProblems', () => {
  it('accepts FROM by digest (directly or through a pinned *_IMAGE default) and earlier stages', () => {
    const df = [
      `ARG NODE_IMAGE=node:24.11.1-trixie-slim@${DIGEST}`,
      'FROM $NODE_IMAGE AS build',
      `FROM --platform=linux/amd64 gcr.io/distroless/nodejs24-debian13:nonroot@${DIGEST} AS run`,
      'FROM build AS test',
    ].join('\n');
    expect(imagePinProblems('Dockerfile', df)).toEqual([]);
  });

  it.each([
    ['ARG NODE_IMAGE=node:24.11.1-trixie-slim\nFROM $NODE_IMAGE', 1, 'ARG NODE_IMAGE default'],
    [`ARG NODE_IMAGE=node@${DIGEST}\nFROM \${NODE_IMAGE}`, 1, 'ARG NODE_IMAGE default'],
    ['FROM node:24', 1, 'FROM node:24: pin it'],
    ['ARG BASE=node:24\nFROM $BASE', 2, 'BASE has no digest-pinned default'],
    [`FROM node:24@sha256:${'ab'.repeat(31)}`, 1, 'pin it'],
  ])('flags %j', (df, line, message) => {
    const problems = imagePinProblems('Dockerfile', df);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(line);
    expect(problems[0]?.message).toContain(message);
  });
});

describe("the repository's Dockerfiles", () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const files = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*Dockerfile', '*.dockerfile'],
    { cwd: root, encoding: 'utf8' },
  )
    .split('\n')
    .filter((f) => f !== '' && !f.includes('node_modules/'));

  it('exist (app and failover)', () => {
    expect(files).toEqual(expect.arrayContaining(['app/Dockerfile', 'failover/Dockerfile']));
  });

  // The digest itself was taken from public Dockerfiles pinning the same tag, not read from Docker
  // Hub here (no network): a wrong digest makes `docker build` fail on pull (app-pr builds both
  // images), it can never pull another image. Refresh it with the README's "Base images" command.
  it.each(files)('%s pins every base image by digest', (f) => {
    expect(imagePinProblems(f, readFileSync(join(root, f), 'utf8'))).toEqual([]);
  });

  it('app and failover use the same base image', () => {
    const base = (f: string) =>
      /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync(join(root, f), 'utf8'))?.[1];
    expect(base('failover/Dockerfile')).toBe(base('app/Dockerfile'));
  });
});
