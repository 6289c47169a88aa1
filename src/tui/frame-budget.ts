// At most `perSecond` frames in any rolling second, but a frame as soon as the budget allows (a key
// press right after an event-driven frame is not held back by a fixed throttle window). Pure: the
// caller passes the clock, so it tests without timers.
export const FRAMES_PER_SECOND = 20;

export class FrameBudget {
  private stamps: number[] = [];

  constructor(private readonly perSecond = FRAMES_PER_SECOND) {}

  /** 0 = draw now (and count it); otherwise how many ms until a frame is allowed. */
  take(now: number): number {
    while (this.stamps.length && now - this.stamps[0] >= 1000) this.stamps.shift();
    if (this.stamps.length < this.perSecond) {
      this.stamps.push(now);
      return 0;
    }
    return Math.max(1, 1000 - (now - this.stamps[0]));
  }
}
