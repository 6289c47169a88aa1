// Senders that read the response (a channel with wait_for_response): the request handler waits here
// until a listener acknowledges the request with its local app's answer, or the timeout passes.
export interface LocalAnswer {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  error: string | null;
}

export class AnswerWaiters {
  private readonly waiting = new Map<string, Array<(a: LocalAnswer | null) => void>>();

  /** The local answer to request `id`, or null after `timeoutMs`. Register before the request can be sent. */
  wait(id: string, timeoutMs: number): Promise<LocalAnswer | null> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (a: LocalAnswer | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const list = this.waiting.get(id);
        if (list) {
          list.splice(list.indexOf(finish), 1);
          if (!list.length) this.waiting.delete(id);
        }
        resolve(a);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      const list = this.waiting.get(id);
      if (list) list.push(finish);
      else this.waiting.set(id, [finish]);
    });
  }

  /** The first answer wins; later acks (another listener, a re-send) change nothing. */
  settle(id: string, answer: LocalAnswer): void {
    const list = this.waiting.get(id);
    if (list) for (const f of [...list]) f(answer);
  }

  /** Shutting down: everyone stops waiting (they answer 504; the request stays stored). */
  cancelAll(): void {
    for (const list of [...this.waiting.values()]) for (const f of [...list]) f(null);
  }
}
