import { type AppProcess, startAppProcess } from '@demo-app/app/testing';
import { afterAll, beforeAll } from 'vitest';

/**
 * The app as eu-central-1 (primary) and eu-west-2 (standby) for the enclosing suite: started in
 * its `beforeAll`, stopped in its `afterAll`. The returned object is filled in by `beforeAll`.
 */
export function twoRegionsForSuite(): { primary: AppProcess; standby: AppProcess } {
  const apps = {} as { primary: AppProcess; standby: AppProcess }; // tests read it after beforeAll
  beforeAll(async () => {
    [apps.primary, apps.standby] = await Promise.all([
      startAppProcess({ env: { AWS_REGION: 'eu-central-1' } }),
      startAppProcess({ env: { AWS_REGION: 'eu-west-2' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([apps.primary?.stop(), apps.standby?.stop()]);
  });
  return apps;
}
