import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, MAIN_JS, startAppProcess } from './support/app-process.js';

function runWithEnv(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN_JS], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('bad configuration', () => {
  it('exits 1 naming PORT and what was expected', async () => {
    const { code, stderr } = await runWithEnv({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('expected an integer port');
  });

  it('exits 1 naming FAULT_ERROR_RATE', async () => {
    const { code, stderr } = await runWithEnv({ PORT: '0', FAULT_ERROR_RATE: '2' });
    expect(code).toBe(1);
    expect(stderr).toContain('FAULT_ERROR_RATE');
    expect(stderr).toContain('between 0 and 1');
  });
});

describe('spawned service', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startAppProcess({ env: { AWS_REGION: 'eu-west-2', IMAGE_NAME: 'demo:1' } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers GET / with region and image as JSON and logs an access line', async () => {
    const response = await fetch(`${app.url}/`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(await response.json()).toMatchObject({ aws_region: 'eu-west-2', image: 'demo:1' });
    // Log lines arrive through a pipe: wait (bounded) for the access line.
    const accessLines = () =>
      app
        .logs()
        .filter((line) => line.includes('"request_id":"req-123"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (let i = 0; i < 100 && accessLines().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const access = accessLines();
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: 'GET', route: '/', path: '/', status: 200 });
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});
