// Read a server-sent event stream (GET /v1/stream) into a growing string, until close().
export interface OpenStream {
  text(): string;
  close(): Promise<void>;
}

export async function openStream(url: string, key: string): Promise<OpenStream> {
  const ctl = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: ctl.signal });
  let text = '';
  const reader = res.body!.getReader();
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += Buffer.from(value).toString();
    }
  })().catch(() => undefined);
  return {
    text: () => text,
    close: async () => {
      ctl.abort();
      await reading;
    },
  };
}
