/**
 * A login is an e-mail address or a phone number, kept normalised so one person has one login:
 * an e-mail trimmed and lower-cased; a phone number with spaces, dashes, dots and brackets taken
 * out (a leading `+` kept). Null for anything that is neither.
 */
export function normaliseLogin(raw: string): string | null {
  const text = raw.trim();
  if (text.includes('@')) {
    const email = text.toLowerCase();
    return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : null;
  }
  const phone = text.replace(/[\s\-.()]/g, '');
  return /^\+?\d{5,20}$/.test(phone) ? phone : null;
}
