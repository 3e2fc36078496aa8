import { describe, expect, it } from 'vitest';
import { failoverFromEndpointGroups } from '../src/train/failover.js';

/** The shape `aws globalaccelerator describe-endpoint-group` prints. */
const group = (dial: number, ...health: string[]) => ({
  EndpointGroup: {
    EndpointGroupArn:
      'arn:aws:globalaccelerator::111122223333:accelerator/x/listener/y/endpoint-group/z',
    TrafficDialPercentage: dial,
    EndpointDescriptions: health.map((h) => ({ EndpointId: 'arn:nlb', HealthState: h })),
  },
});

describe('failoverFromEndpointGroups', () => {
  it('is normal with dials 100/0 and a healthy primary', () => {
    expect(failoverFromEndpointGroups(group(100, 'HEALTHY'), group(0, 'HEALTHY')).kind).toBe(
      'normal',
    );
  });

  it('is failed over when the controller pinned the dials to the standby', () => {
    const s = failoverFromEndpointGroups(group(0, 'HEALTHY'), group(100, 'HEALTHY'));
    expect(s).toEqual({
      kind: 'failed-over',
      reasons: [
        'primary dial is 0 (100 when not failed over)',
        'standby dial is 100 (0 when not failed over)',
      ],
    });
  });

  it("is failed over when GA's own health failover carries the traffic (dials unchanged)", () => {
    const s = failoverFromEndpointGroups(group(100, 'UNHEALTHY'), group(0, 'HEALTHY'));
    expect(s.kind).toBe('failed-over');
    expect(s.reasons[0]).toMatch(/no primary endpoint is HEALTHY \(UNHEALTHY\)/);
  });

  it('is unknown without readable input or without primary endpoints', () => {
    expect(failoverFromEndpointGroups(undefined, group(0)).kind).toBe('unknown');
    expect(
      failoverFromEndpointGroups({ EndpointGroup: { TrafficDialPercentage: '100' } }, group(0))
        .reasons,
    ).toEqual(['primary endpoint group: EndpointGroup.TrafficDialPercentage is not a number']);
    expect(failoverFromEndpointGroups(group(100), group(0)).kind).toBe('unknown');
  });
});
