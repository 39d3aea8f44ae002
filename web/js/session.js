// The invite token. An invite link carries it in the fragment (#token=...),
// which never reaches a server log; we move it to sessionStorage at once and
// take it out of the address bar so it is not bookmarked, shared by accident
// or left in the history.

const KEY = 'plenary.token';

export function takeToken() {
  const frag = new URLSearchParams(location.hash.slice(1));
  const fromHash = frag.get('token');
  if (fromHash) {
    sessionStorage.setItem(KEY, fromHash);
    frag.delete('token');
    const rest = frag.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  }
  return sessionStorage.getItem(KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

/** The invite link for this participant (for the QR code). */
export function inviteLink(token) {
  return `${location.origin}/#token=${encodeURIComponent(token)}`;
}
