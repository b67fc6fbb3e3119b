import { describe, expect, it } from 'vitest';
import { createCircuit, createCircuits } from '../../../src/pipeline/circuit.js';

function setup(failures = 3, openMs = 30_000) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  return { c: createCircuit({ failures, openMs }, clock.now), clock, t0: t };
}

describe('circuit', () => {
  it('stays closed below N consecutive failures; a success resets the count', () => {
    const { c } = setup(3);
    c.failure();
    c.failure();
    c.success();
    c.failure();
    c.failure();
    expect(c.state()).toBe('closed');
    expect(c.admit()).toEqual({ ok: true, probe: false });
  });

  it('opens after N consecutive failures and refuses until it half-opens, saying when', () => {
    const { c, clock, t0 } = setup(3, 30_000);
    for (let i = 0; i < 3; i++) c.failure();
    expect(c.state()).toBe('open');
    expect(c.admit()).toEqual({ ok: false, retryAt: t0 + 30_000 });
    clock.advance(29_999);
    expect(c.admit()).toEqual({ ok: false, retryAt: t0 + 30_000 });
  });

  it('half-opens with exactly one probe; others wait for its answer', () => {
    const { c, clock } = setup(1, 30_000);
    c.failure();
    clock.advance(30_000);
    expect(c.admit()).toEqual({ ok: true, probe: true });
    expect(c.state()).toBe('half_open');
    const second = c.admit();
    const third = c.admit();
    expect(second.ok || third.ok).toBe(false);
    expect(second).toEqual({ ok: false, retryAt: 1_000_000 + 30_000 + 1000 });
  });

  it("the probe's success closes it", () => {
    const { c, clock } = setup(1, 500);
    c.failure();
    clock.advance(500);
    expect(c.admit().ok).toBe(true);
    c.success();
    expect(c.state()).toBe('closed');
    expect(c.admit()).toEqual({ ok: true, probe: false });
  });

  it("the probe's failure opens it for another full period", () => {
    const { c, clock, t0 } = setup(2, 500);
    c.failure();
    c.failure();
    clock.advance(600);
    expect(c.admit()).toEqual({ ok: true, probe: true });
    c.failure();
    expect(c.state()).toBe('open');
    expect(c.admit()).toEqual({ ok: false, retryAt: t0 + 600 + 500 });
  });

  it('a failure of a call sent before it opened does not extend the open period', () => {
    const { c, clock, t0 } = setup(1, 500);
    c.failure();
    clock.advance(100);
    c.failure();
    expect(c.admit()).toEqual({ ok: false, retryAt: t0 + 500 });
  });

  it('a probe that never answers is replaced after the open period', () => {
    const { c, clock } = setup(1, 500);
    c.failure();
    clock.advance(500);
    expect(c.admit()).toEqual({ ok: true, probe: true });
    clock.advance(499);
    expect(c.admit().ok).toBe(false);
    clock.advance(1);
    expect(c.admit()).toEqual({ ok: true, probe: true });
  });

  it('one circuit per CRM, reported by state', () => {
    const t = 0;
    const all = createCircuits({ failures: 1, openMs: 1000 }, () => t);
    all.get('hubspot').failure();
    all.get('salesforce').success();
    expect(all.states()).toEqual({ hubspot: 'open', salesforce: 'closed' });
    expect(all.get('hubspot')).toBe(all.get('hubspot'));
  });
});
