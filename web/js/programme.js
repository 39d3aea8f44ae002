// The decisions by non-objection, kept live from the programme stream: a
// procedure.list for the first picture, then procedure.* events applied in seq
// order, and after every reconnection programme.sync {since: the last seq
// seen} (paged while `more`). Seqs skip events not meant for this reader (an
// accreditation's objections for an observer), so a gap is not a loss: only a
// reconnection is. Listeners get (store, cause, ev).

const idOf = (x) => (x && typeof x === 'object' ? x.id : x);

export class ProgrammeStore {
  constructor(client) {
    this.client = client;
    this.procedures = new Map();
    this.seq = null;
    this.loading = false;
    this.buffer = [];
    this.listeners = new Set();
    this.error = null;
    client.onEvent((ev) => this.onEvent(ev));
    client.onReady(() => this.catchUp());
  }

  subscribe(fn) { this.listeners.add(fn); }
  emit(cause, ev) { for (const fn of this.listeners) fn(this, cause, ev); }

  /** Open first (soonest deadline first), then closed (latest first). */
  list(filter = () => true) {
    const all = [...this.procedures.values()].filter(filter);
    const open = all.filter((p) => p.status === 'open').sort((a, b) => a.deadline - b.deadline);
    const closed = all.filter((p) => p.status !== 'open').sort((a, b) => (b.closed_at || 0) - (a.closed_at || 0));
    return { open, closed };
  }

  async catchUp() {
    this.loading = true;
    try {
      if (this.seq === null) {
        const reply = await this.client.request('procedure.list', {});
        this.procedures = new Map((reply.procedures || []).map((p) => [p.id, p]));
        this.seq = reply.seq;
      } else {
        for (let more = true; more;) {
          const reply = await this.client.request('programme.sync', { since: this.seq });
          for (const ev of reply.events || []) this.apply(ev, false);
          this.seq = Math.max(this.seq, reply.seq);
          more = reply.more;
        }
      }
      this.error = null;
    } catch (err) {
      if (err.code === 'bad_request') this.seq = null; // a position this server never had: start afresh
      this.error = err;
    }
    this.loading = false;
    const pending = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const ev of pending) this.apply(ev, false);
    this.emit('state');
  }

  onEvent(ev) {
    if (ev.stream !== 'programme') return;
    if (this.loading || this.seq === null) { this.buffer.push(ev); return; }
    this.apply(ev, true);
  }

  /** A procedure as a reply gave it (procedure.object and the like). */
  put(p) {
    if (p?.id) this.procedures.set(p.id, p);
    this.emit('put', p);
  }

  apply(ev, live) {
    if (typeof ev.seq === 'number') {
      if (this.seq !== null && ev.seq <= this.seq) return; // seen already
      this.seq = ev.seq;
    }
    const p = this.procedures.get(idOf(ev.procedure));
    if (!p && ev.ev !== 'procedure.started' && ev.procedure) {
      // One we never had (started before a list this reader may not see whole): ask.
      this.client.request('procedure.get', { procedure: idOf(ev.procedure) }).then((r) => this.put(r.procedure), () => {});
    }
    switch (ev.ev) {
      case 'procedure.started':
        this.procedures.set(ev.procedure.id, ev.procedure);
        break;
      case 'procedure.objected':
        if (p) {
          const rest = (p.objections || []).filter((o) => o.delegation?.id !== ev.objection.delegation?.id);
          p.objections = [...rest, ev.objection];
        }
        break;
      case 'procedure.withdrawn':
        if (p) p.objections = (p.objections || []).filter((o) => o.delegation?.id !== idOf(ev.delegation));
        break;
      case 'procedure.extended':
        if (p) { p.deadline = ev.deadline; p.extensions = (p.extensions || 0) + 1; }
        break;
      case 'procedure.statement':
        if (p) p.statements = [...(p.statements || []), ev.statement];
        break;
      case 'procedure.closed':
        if (p) {
          p.status = ev.result;
          p.closed_at = ev.closed_at;
          if (Array.isArray(ev.objections)) p.objections = ev.objections;
          if (ev.election) p.election = { ...p.election, ...ev.election };
          if (ev.delegations && Array.isArray(p.applications)) {
            for (const a of p.applications) if (ev.delegations[a.id]) a.delegation = ev.delegations[a.id];
          }
        }
        break;
      default: break;
    }
    if (live) this.emit(ev.ev, ev);
  }
}
