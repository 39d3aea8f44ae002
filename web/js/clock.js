// Server-relative time. The server sends no ticks: a FLOOR carries elapsed_ms,
// running_since and allotted_ms, and each reply/state/floor event carries
// server_time. We keep offset = server_time - Date.now() from the last one and
// draw the countdown locally.

let offset = 0;

export function noteServerTime(serverTime) {
  if (typeof serverTime === 'number' && serverTime > 0) offset = serverTime - Date.now();
}

export function serverNow() {
  return Date.now() + offset;
}

/** Is the floor's clock running now? */
export function isRunning(floor) {
  if (!floor || floor.phase !== 'speaking' || floor.paused) return false;
  return Boolean(floor.running_since);
}

/** Milliseconds spoken so far. */
export function spokenMs(floor, now = serverNow()) {
  if (!floor) return 0;
  const base = floor.elapsed_ms || 0;
  return isRunning(floor) ? base + Math.max(0, now - floor.running_since) : base;
}

/** Milliseconds left (negative when overrun). */
export function remainingMs(floor, now = serverNow()) {
  return (floor?.allotted_ms || 0) - spokenMs(floor, now);
}

/** 'm:ss', with a leading minus sign when negative. */
export function formatMs(ms) {
  const neg = ms < 0;
  const total = Math.floor(Math.abs(ms) / 1000);
  const m = Math.floor(total / 60);
  const sec = String(total % 60).padStart(2, '0');
  return `${neg ? '−' : ''}${m}:${sec}`;
}

/** 'ok' | 'warn' (last 30 s) | 'over' */
export function clockLevel(floor, now = serverNow()) {
  const left = remainingMs(floor, now);
  if (floor?.overrun || left < 0) return 'over';
  if (left <= 30000) return 'warn';
  return 'ok';
}
