// Leases for the SQLite store. One process holds the database (an exclusive lock), so the leases of
// its one delivery engine can live in memory: same contract as PostgreSQL's (a token per claim, a
// result only while the token holds), no write per claim.
export class Leases {
  private readonly held = new Map<string, { token: number; until: number }>();
  private next = 1;

  take(id: string, until: number): number {
    const token = this.next++;
    this.held.set(id, { token, until });
    return token;
  }

  holds(id: string, token: number): boolean {
    return this.held.get(id)?.token === token;
  }

  /** Held by a lease that has not run out. */
  busy(id: string, now: number): boolean {
    const l = this.held.get(id);
    return l !== undefined && l.until > now;
  }

  drop(id: string, token: number): void {
    if (this.holds(id, token)) this.held.delete(id);
  }

  get size(): number {
    return this.held.size;
  }

  /** The earliest end of a lease after `now` (a lapsed lease makes its row claimable again). */
  earliestEndAfter(now: number): number | null {
    let min: number | null = null;
    for (const l of this.held.values()) if (l.until > now && (min === null || l.until < min)) min = l.until;
    return min;
  }
}
