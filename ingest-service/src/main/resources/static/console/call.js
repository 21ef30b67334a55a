// One call: its facts, the call verdict, and the transcript as a timeline with one lane per channel, reviewable.

import { api, LABELS, Unauthorized } from './api.js';
import { actionBadge, audioTime, el, instant, markedText, proposedLabel } from './dom.js';

// HTTP header values are Latin-1: a reviewer name beyond it cannot travel in X-Reviewer
const HEADER_SAFE = /^[\x20-\x7e\xa0-\xff]{1,128}$/;

export class CallView {
  constructor({ title, body, reviewer }) {
    this.title = title;
    this.body = body;
    this.reviewer = reviewer;
    // one listener for every review button, however many segments there are
    body.addEventListener('click', event => {
      const button = event.target.closest('button[data-review]');
      if (button) this.review(button);
      const jump = event.target.closest('button[data-segment]');
      if (jump) this.focusSegment(jump.dataset.segment);
      if (event.target.closest('button[data-reload]')) this.show(this.callId);
    });
  }

  async show(callId) {
    this.callId = callId;
    this.title.textContent = `Call ${callId}`;
    this.body.setAttribute('aria-busy', 'true');
    this.body.replaceChildren(el('p', { role: 'status' }, 'Loading…'));
    try {
      const call = await api.call(callId);
      if (callId !== this.callId) return; // another call was opened meanwhile
      this.body.replaceChildren(render(call));
    } catch (e) {
      if (e instanceof Unauthorized) return;
      const message = e.status === 404
        ? `No call ${callId} for your tenant. ${e.problem?.detail || ''}`
        : e.message;
      this.body.replaceChildren(el('p', { class: 'problem', role: 'alert' }, message));
    } finally {
      this.body.setAttribute('aria-busy', 'false');
    }
  }

  focusSegment(segmentId) {
    const segment = document.getElementById(`segment-${segmentId}`);
    if (segment) {
      segment.scrollIntoView({ block: 'center' });
      segment.focus({ preventScroll: true });
    }
  }

  async review(button) {
    const segment = button.closest('.segment');
    const saved = segment.querySelector('.saved');
    const problem = segment.querySelector('.review-problem');
    const label = button.dataset.review === 'correct' ? button.dataset.label
      : segment.querySelector('select').value;
    const reviewer = this.reviewer.value.trim();
    problem.hidden = true;
    if (!HEADER_SAFE.test(reviewer)) {
      problem.textContent = reviewer
        ? 'The reviewer name can use Latin letters, digits and punctuation only (e.g. lan.nguyen), at most 128.'
        : 'Enter your name in the Reviewer field at the top first.';
      problem.hidden = false;
      this.reviewer.focus();
      return;
    }
    button.disabled = true;
    try {
      const review = await api.review(this.callId, segment.dataset.segmentId, label, reviewer);
      saved.replaceChildren(...reviewText(review));
      segment.dataset.reviewed = review.label;
    } catch (e) {
      if (e instanceof Unauthorized) return;
      problem.textContent = `Not saved: ${e.message}`;
      problem.hidden = false;
    } finally {
      button.disabled = false;
    }
  }
}

function render(call) {
  const fragment = document.createDocumentFragment();
  fragment.append(facts(call), verdict(call), transcript(call));
  return fragment;
}

function facts(call) {
  const rows = [
    ['Status', el('span', { class: `status status-${call.status}` }, call.status)],
    call.failure && ['Why it failed', el('span', { class: 'problem-text' }, call.failure)],
    ['Language', call.language || '—'],
    ['Channels', (call.channelRoles || []).join(', ') || '—'],
    ['Started', instant(call.startedAt)],
    ['Audio ended', instant(call.endedAt)],
    ['Closed', instant(call.closedAt)],
    ['End reason', call.endReason || '—'],
    ['Audio', audioTime(call.audioMs || 0)],
    ['Chunks received', call.chunks],
    call.deadLetters?.total && ['Dead letters', `${call.deadLetters.total} (${Object.entries(call.deadLetters.byReason)
      .map(([reason, count]) => `${reason}: ${count}`).join(', ')})`],
    ...Object.entries(call.metadata || {}).map(([key, value]) => [key, value]),
  ].filter(Boolean);
  return el('section', { class: 'facts', 'aria-labelledby': 'facts-title' },
    el('h3', { id: 'facts-title' }, 'The call'),
    el('button', { type: 'button', 'data-reload': true, class: 'reload' }, 'Reload'),
    el('dl', {}, rows.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])));
}

function verdict(call) {
  const section = el('section', { class: 'verdict', 'aria-labelledby': 'verdict-title' },
    el('h3', { id: 'verdict-title' }, 'Call verdict'));
  const s = call.summary;
  if (!s) {
    section.append(el('p', {}, call.segments.length ? 'Not computed yet: reload in a moment.' : 'No speech moderated yet.'));
    return section;
  }
  section.append(el('dl', { class: 'summary' },
    el('dt', {}, 'Action'), el('dd', {}, actionBadge(s.action)),
    el('dt', {}, 'Risk score'), el('dd', {}, Number(s.riskScore).toFixed(2)),
    el('dt', {}, 'Max severity'), el('dd', {}, s.maxSeverity),
    el('dt', {}, 'Segments decided'), el('dd', {}, s.segments),
    el('dt', {}, 'State'), el('dd', {}, s.open ? 'open (more segments may come)' : `closed: ${s.closeReason}`)));
  const counts = Object.entries(s.countsByCategory || {});
  if (counts.length) {
    section.append(el('table', { class: 'grid counts' },
      el('caption', {}, 'Segments per category'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Category'), el('th', { scope: 'col' }, 'Segments'))),
      el('tbody', {}, counts.map(([category, count]) =>
        el('tr', {}, el('th', { scope: 'row' }, category), el('td', { class: 'number' }, count))))));
  }
  if (s.escalation) {
    section.append(el('div', { class: 'escalation' },
      el('p', {}, el('strong', {}, `Escalated by the rule “${s.escalation.rule}”: `), s.escalation.detail),
      el('p', {}, 'On the segments: ', s.escalation.segmentIds.map(id => {
        const segment = call.segments.find(candidate => candidate.segmentId === id);
        return el('button', { type: 'button', class: 'link', 'data-segment': id },
          segment ? `${segment.channelRole} ${audioTime(segment.startMs)}` : id);
      }))));
  }
  return section;
}

function transcript(call) {
  const channels = [...new Set(call.segments.map(s => s.channel))].sort((a, b) => a - b);
  const lanes = channels.length || 1;
  const roleOf = channel => call.segments.find(s => s.channel === channel)?.channelRole
    || call.channelRoles?.[channel] || `channel ${channel}`;
  const fired = new Set(call.summary?.escalation?.segmentIds || []);
  const section = el('section', { class: 'transcript', 'aria-labelledby': 'transcript-title' },
    el('h3', { id: 'transcript-title' }, `Transcript (${call.segments.length} segments)`));
  if (!call.segments.length) {
    section.append(el('p', {}, 'No segments.'));
    return section;
  }
  const head = el('div', { class: 'lanes', 'aria-hidden': 'true' }, channels.map(c => el('div', {}, roleOf(c))));
  const list = el('ol', { class: 'timeline' });
  head.style.setProperty('--lanes', lanes);
  list.style.setProperty('--lanes', lanes);
  const segments = [...call.segments].sort((a, b) => a.startMs - b.startMs || a.channel - b.channel);
  const fragment = document.createDocumentFragment();
  segments.forEach((segment, row) => {
    const item = segmentItem(segment, call.language, fired.has(segment.segmentId), call.summary?.escalation);
    item.style.gridRow = row + 1;
    item.style.gridColumn = channels.indexOf(segment.channel) + 1;
    fragment.append(item);
  });
  list.append(fragment);
  section.append(head, list);
  return section;
}

function segmentItem(s, language, fired, escalation) {
  const id = s.segmentId;
  const proposed = proposedLabel(s);
  const headingId = `segment-title-${id}`;
  return el('li', {
    id: `segment-${id}`, tabindex: '-1', 'aria-labelledby': headingId,
    class: `segment action-row-${s.action.toLowerCase()}${fired ? ' escalating' : ''}`,
    dataset: { segmentId: id, reviewed: s.review?.label || '' },
  },
  el('h4', { id: headingId },
    el('span', { class: 'role' }, s.channelRole || `channel ${s.channel}`), ' ',
    el('span', { class: 'time' }, `${audioTime(s.startMs)}–${audioTime(s.endMs)}`), ' ',
    actionBadge(s.action), ' ',
    el('span', { class: 'severity' }, `severity ${s.severity}`)),
  el('p', { class: 'text' }, markedText(s.text || '', s.categories, language)),
  s.categories?.length ? el('ul', { class: 'categories', 'aria-label': 'Categories' }, s.categories.map(c =>
    el('li', {}, el('span', { class: 'category' }, c.category), ` ${Number(c.score).toFixed(2)}`,
      el('span', { class: 'source' }, ` ${sourceName(c.source)}`)))) : null,
  fired ? el('p', { class: 'fired' }, `Escalated the call (rule “${escalation.rule}”)`) : null,
  el('div', { class: 'review' },
    el('p', { class: 'saved', role: 'status' }, ...(s.review ? reviewText(s.review) : ['Not reviewed'])),
    el('button', { type: 'button', 'data-review': 'correct', 'data-label': proposed }, `Correct (${proposed})`),
    el('label', { for: `label-${id}` }, 'Right label'),
    el('select', { id: `label-${id}` }, LABELS.filter(label => label !== proposed).map(label =>
      el('option', { value: label }, label))),
    el('button', { type: 'button', 'data-review': 'wrong' }, 'Wrong: save this label'),
    el('p', { class: 'review-problem problem', role: 'alert', hidden: true })));
}

function sourceName(source) {
  return { LEXICON: 'lexicon', MODEL: 'model', LEXICON_AND_MODEL: 'lexicon + model' }[source] || source;
}

function reviewText(review) {
  return ['Reviewed: ', el('strong', { class: 'review-label' }, review.label), ' by ',
    el('span', { class: 'reviewer' }, review.reviewer), ', ', instant(review.reviewedAt),
    review.note ? ` — ${review.note}` : ''];
}
