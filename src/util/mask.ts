/** Keys and secrets are shown masked unless asked for: first 8 + … + last 4. */
export function mask(secret: string | undefined | null): string {
  if (!secret) return '(none)';
  if (secret.length <= 14) return secret.slice(0, 3) + '…';
  return `${secret.slice(0, 8)}…${secret.slice(-4)}`;
}
