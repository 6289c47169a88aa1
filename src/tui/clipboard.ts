// Copy through the terminal (OSC 52): works over SSH and inside tmux without a clipboard daemon.
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export function copyToClipboard(out: NodeJS.WritableStream, text: string): void {
  out.write(osc52(text));
}
