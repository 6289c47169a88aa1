import { describe, expect, it } from 'vitest';
import { isValidPattern, matchesPattern, suggest, unknownTypeMessage, WILDCARDS } from '../../src/domain/event-types.js';

describe('event types', () => {
  it('matches exact types, category wildcards and *', () => {
    expect(matchesPattern('vehicle.*', 'vehicle.created')).toBe(true);
    expect(matchesPattern('vehicle.*', 'maintenance.task.created')).toBe(false);
    expect(matchesPattern('maintenance.task.*', 'maintenance.task.completed')).toBe(true);
    expect(matchesPattern('maintenance.*', 'maintenance.task.completed')).toBe(true);
    expect(matchesPattern('*', 'session.ended')).toBe(true);
    expect(matchesPattern('parts.inventory.low', 'parts.order.created')).toBe(false);
  });

  it('accepts the seed example patterns and rejects unknown ones', () => {
    for (const p of ['vehicle.*', 'maintenance.task.*', 'parts.inventory.low', '*']) expect(isValidPattern(p)).toBe(true);
    for (const p of ['vehicle.exploded', 'vehicles.*', 'foo', '', 'vehicle.created.*']) expect(isValidPattern(p)).toBe(false);
    expect(WILDCARDS).toContain('parts.*');
  });

  it('suggests the closest type for a typo', () => {
    expect(suggest('maintenance.task.craeted')[0]).toBe('maintenance.task.created');
    expect(unknownTypeMessage('vehicle.creatd')).toMatch(/Did you mean 'vehicle.created'/);
  });
});
