/** 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms: a peer on this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined || address === '') return false;
  const a = address.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  const parts = v4.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
