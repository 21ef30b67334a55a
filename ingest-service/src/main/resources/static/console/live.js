// The live list: flagged segments and escalated calls from the verdict feed, newest first.

import { follow } from './feed.js';
import { actionBadge, callLink, categoryNames, el, instant, markedText } from './dom.js';

export const MAX_ROWS = 500;
const FEED = '/v1/verdicts/stream?action=FLAG,ESCALATE';
const STATES = {
  connecting: 'Connecting to the live feed…',
  open: 'Live: new flags appear at the top.',
  closed: 'The feed closed; reconnecting…',
  error: 'The live feed is unreachable; retrying…',
  unavailable: 'This server has no live feed (GET /v1/verdicts/stream); retrying…',
};

export class LiveList {
  constructor({ rows, empty, status, clear, alert }) {
    this.rows = rows;
    this.empty = empty;
    this.status = status;
    this.alert = alert;
    this.byKey = new Map(); // "segment:<id>" or "call:<id>" -> row, so a repeated verdict updates its row
    this.pending = [];
    this.timer = 0;
    clear.addEventListener('click', () => {
      this.rows.replaceChildren();
      this.byKey.clear();
      this.empty.hidden = false;
    });
  }

  start() {
    this.stop();
    this.stopFeed = follow(FEED, {
      onEvent: event => this.receive(event),
      onState: (state, detail) => {
        this.status.textContent = STATES[state] + (detail && state !== 'open' ? ` (${detail})` : '');
        this.status.dataset.state = state;
      },
    });
  }

  stop() {
    if (this.stopFeed) this.stopFeed();
    this.stopFeed = null;
    this.status.textContent = 'Not connected';
    this.status.dataset.state = 'stopped';
  }

  receive(event) {
    let verdict;
    try {
      verdict = JSON.parse(event.data);
    } catch {
      return; // not ours to show
    }
    if (event.type === 'segment') this.queue(`segment:${verdict.segmentId}`, segmentRow(verdict));
    else if (event.type === 'call') this.queue(`call:${verdict.callId}`, callRow(verdict));
    else return;
    if (verdict.action === 'ESCALATE') this.alert.escalated(verdict, event.type);
  }

  // rows arriving in a burst go into the table together (a timer, not a frame: it also runs in a background tab)
  queue(key, row) {
    this.pending.push([key, row]);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 50);
  }

  flush() {
    this.timer = 0;
    const latest = new Map(); // a verdict repeated in the burst counts once, at its latest place
    for (const [key, row] of this.pending) {
      latest.delete(key);
      latest.set(key, row);
    }
    this.pending = [];
    const fragment = document.createDocumentFragment();
    for (const [key, row] of [...latest].reverse()) {
      this.byKey.get(key)?.remove();
      this.byKey.set(key, row);
      row.dataset.key = key;
      fragment.append(row);
    }
    this.rows.prepend(fragment);
    while (this.rows.rows.length > MAX_ROWS) {
      const last = this.rows.lastElementChild;
      this.byKey.delete(last.dataset.key);
      last.remove();
    }
    this.empty.hidden = this.rows.rows.length > 0;
  }
}

function segmentRow(s) {
  return el('tr', { class: `live-segment action-row-${s.action.toLowerCase()}`, dataset: { callId: s.callId } },
    el('td', {}, instant(s.decidedAt)),
    el('td', {}, actionBadge(s.action)),
    el('td', {}, callLink(s.callId)),
    el('td', {}, s.channelRole || `channel ${s.channel}`),
    el('td', {}, categoryNames(s.categories)),
    el('td', {}, markedText(s.text || '', s.categories, s.language)));
}

function callRow(c) {
  const done = c.action === 'ESCALATE' ? 'escalated' : 'flagged';
  const why = c.escalation
    ? `Call ${done} by the rule “${c.escalation.rule}”: ${c.escalation.detail}`
    : `Call ${done}, risk ${Number(c.riskScore).toFixed(2)}`;
  return el('tr', { class: `live-call action-row-${c.action.toLowerCase()}`, dataset: { callId: c.callId } },
    el('td', {}, instant(c.updatedAt)),
    el('td', {}, actionBadge(c.action)),
    el('td', {}, callLink(c.callId)),
    el('td', {}, 'whole call'),
    el('td', {}, Object.keys(c.countsByCategory || {}).join(', ') || '—'),
    el('td', {}, el('strong', {}, why)));
}

/** The escalation notice: a banner (role="alert") and, unless muted, a short beep; once per call. */
export class EscalationAlert {
  constructor({ banner, text, dismiss, mute }) {
    this.banner = banner;
    this.text = text;
    this.mute = mute;
    this.seen = new Set();
    mute.checked = sessionStorage.getItem('guardian.mute') === 'true';
    mute.addEventListener('change', () => sessionStorage.setItem('guardian.mute', String(mute.checked)));
    dismiss.addEventListener('click', () => { this.banner.hidden = true; });
  }

  escalated(verdict, kind) {
    if (this.seen.has(verdict.callId)) return;
    this.seen.add(verdict.callId);
    const why = kind === 'call' && verdict.escalation ? ` (${verdict.escalation.detail})` : '';
    this.text.replaceChildren('Escalated: call ',
      el('a', { href: `#/calls/${encodeURIComponent(verdict.callId)}` }, verdict.callId), why);
    this.banner.hidden = false;
    if (!this.mute.checked) this.beep();
  }

  beep() {
    try {
      this.audio = this.audio || new AudioContext();
      const tone = this.audio.createOscillator();
      const gain = this.audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, this.audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, this.audio.currentTime + 0.25);
      tone.connect(gain).connect(this.audio.destination);
      tone.start();
      tone.stop(this.audio.currentTime + 0.25);
    } catch {
      // no audio device: the banner is the notice
    }
  }
}
