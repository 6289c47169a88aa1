// Coalesce the websocket frames written in one tick into one syscall: ws writes each frame on its own,
// which at thousands of small messages a second costs more than the messages. Uses ws's underlying
// socket (a documented-in-practice private field); without it nothing changes.
import type WebSocket from 'ws';

export function corkForTick(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void; writableCorked: number; destroyed: boolean } })._socket;
  if (!socket || socket.writableCorked || socket.destroyed) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}
