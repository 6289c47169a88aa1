// Leases for the SQLite store. One process holds the database (an exclusive lock), so the leases of
// its one delivery engine live in memory and never lapse: there is no other node to take work over
// (the engine gives back what it will not attempt; a restart starts with none). Same contract as
// PostgreSQL's otherwise: a token per claim, a result only while its token holds, no write per claim.
export class Leases {
  private readonly held = new Map<string, number>();
  private next = 1;

  take(id: string): number {
    const token = this.next++;
    this.held.set(id, token);
    return token;
  }

  holds(id: string, token: number): boolean {
    return this.held.get(id) === token;
  }

  busy(id: string): boolean {
    return this.held.has(id);
  }

  drop(id: string, token: number): void {
    if (this.holds(id, token)) this.held.delete(id);
  }

  get size(): number {
    return this.held.size;
  }
}
