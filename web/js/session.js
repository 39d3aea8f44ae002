// The invite token. An invite link carries it in the fragment (#token=...),
// which never reaches a server log; we move it to storage at once and take it
// out of the address bar so it is not bookmarked, shared by accident or left
// in the history.
//
// "The invitation signs you in on this device": the participant's token is
// kept in localStorage, which every tab and window of this browser profile
// shares and which outlives the tab, so the schedule or the projector opened
// in a new tab is signed in too. It is never written back into a URL or the
// page. Signing out removes it, and every other open tab of this browser
// hears of it (the `storage` event) and signs out as well. A private window
// has storage of its own that goes when it closes.

const KEY = 'plenary.token';
// An application link's token (apply.html) is kept apart, and in this tab
// only: opening one must not sign a participant out, nor sign an applicant
// in as one, and a link that may be used once has no use in another tab.
const APPLICANT_KEY = 'plenary.applicant';

/** Takes `#name=` out of the address bar; returns its value or null. */
function takeFromHash(name) {
  const frag = new URLSearchParams(location.hash.slice(1));
  const value = frag.get(name);
  if (!value) return null;
  frag.delete(name);
  const rest = frag.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  return value;
}

export function takeToken() {
  const fromHash = takeFromHash('token');
  if (fromHash) localStorage.setItem(KEY, fromHash);
  // A tab signed in by an earlier version kept it in this tab alone.
  const older = sessionStorage.getItem(KEY);
  if (older) {
    if (!localStorage.getItem(KEY)) localStorage.setItem(KEY, older);
    sessionStorage.removeItem(KEY);
  }
  return localStorage.getItem(KEY);
}

export function takeApplicantToken() {
  const fromHash = takeFromHash('token');
  if (fromHash) sessionStorage.setItem(APPLICANT_KEY, fromHash);
  return sessionStorage.getItem(APPLICANT_KEY);
}

/** Signs this browser out: every tab of it (see onSessionChange). */
export function forgetToken() {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
}

export function forgetApplicantToken() {
  sessionStorage.removeItem(APPLICANT_KEY);
}

/**
 * Calls fn('signed-out') when another tab of this browser signs out, and
 * fn('changed') when another tab opens someone else's invitation.
 */
export function onSessionChange(fn) {
  addEventListener('storage', (e) => {
    if (e.storageArea !== localStorage || (e.key !== KEY && e.key !== null)) return;
    fn(localStorage.getItem(KEY) ? 'changed' : 'signed-out');
  });
}

/**
 * A meeting's screen link (#screen=..., projector.html): kept in this
 * browser for that meeting alone, so the room's computer reopens the
 * projector after a restart; it is no participant's and signs nobody in.
 */
export function takeScreenToken(meetingId) {
  const key = `plenary.screen.${meetingId}`;
  const fromHash = takeFromHash('screen');
  if (fromHash) localStorage.setItem(key, fromHash);
  return localStorage.getItem(key);
}

export function forgetScreenToken(meetingId) {
  localStorage.removeItem(`plenary.screen.${meetingId}`);
}

/** The invite link for this participant (for the QR code). */
export function inviteLink(token) {
  return `${location.origin}/#token=${encodeURIComponent(token)}`;
}
