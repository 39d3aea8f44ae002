// The invite token. An invite link carries it in the fragment (#token=...),
// which never reaches a server log; we move it to sessionStorage at once and
// take it out of the address bar so it is not bookmarked, shared by accident
// or left in the history.

const KEY = 'plenary.token';
// An application link's token (apply.html) is kept apart: opening one must not
// sign a participant out of this tab, nor sign an applicant in as one.
const APPLICANT_KEY = 'plenary.applicant';

export function takeToken(key = KEY) {
  const frag = new URLSearchParams(location.hash.slice(1));
  const fromHash = frag.get('token');
  if (fromHash) {
    sessionStorage.setItem(key, fromHash);
    frag.delete('token');
    const rest = frag.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  }
  return sessionStorage.getItem(key);
}

export const takeApplicantToken = () => takeToken(APPLICANT_KEY);

export function forgetToken(key = KEY) {
  sessionStorage.removeItem(key);
}

export const forgetApplicantToken = () => forgetToken(APPLICANT_KEY);

/** The invite link for this participant (for the QR code). */
export function inviteLink(token) {
  return `${location.origin}/#token=${encodeURIComponent(token)}`;
}
