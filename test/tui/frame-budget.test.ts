import { describe, expect, it } from 'vitest';
import { FrameBudget, FRAMES_PER_SECOND } from '../../src/tui/frame-budget.js';

describe('FrameBudget', () => {
  it('draws at once while under 20 frames in the last second', () => {
    const b = new FrameBudget();
    expect(FRAMES_PER_SECOND).toBe(20);
    for (let i = 0; i < 20; i++) expect(b.take(1000 + i * 10)).toBe(0);
  });

  it('holds the 21st frame until the oldest is a second old, then draws again', () => {
    const b = new FrameBudget();
    for (let i = 0; i < 20; i++) b.take(1000 + i);
    expect(b.take(1100)).toBe(900);
    expect(b.take(1999)).toBe(1);
    expect(b.take(2000)).toBe(0);
  });

  it('never allows more than 20 frames in any rolling second', () => {
    const b = new FrameBudget();
    const drawn: number[] = [];
    for (let t = 0; t < 5000; t += 7) if (b.take(t) === 0) drawn.push(t);
    for (let i = 20; i < drawn.length; i++) expect(drawn[i] - drawn[i - 20]).toBeGreaterThanOrEqual(1000);
    expect(drawn.length).toBeGreaterThanOrEqual(100);
  });
});
