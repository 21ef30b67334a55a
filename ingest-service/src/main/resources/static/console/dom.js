// Small DOM helpers: elements are built from text nodes only, never parsed from HTML, so transcripts cannot inject markup.

/** el('td', {class: 'x'}, 'text', child) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A link to the call view; a UUID is long, so it shows its first part and says the whole id to screen readers. */
export function callLink(callId) {
  const short = callId.length > 13 ? `${callId.slice(0, 8)}…` : callId;
  return el('a', { href: `#/calls/${encodeURIComponent(callId)}`, title: callId, 'aria-label': `call ${callId}`,
    class: 'call-id' }, short);
}

/** 83450 -> "1:23.4", audio time within the call */
export function audioTime(ms) {
  const tenths = Math.floor(ms / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `${minutes}:${seconds}`;
}

/** A wall-clock instant, local time for people and the ISO text for machines. */
export function instant(iso) {
  if (!iso) return '—';
  const when = new Date(iso);
  return el('time', { datetime: iso, title: iso }, when.toLocaleString(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }));
}

/** ALLOW / FLAG / ESCALATE as a badge: the word is always there, colour only helps. */
export function actionBadge(action) {
  return el('span', { class: `badge action-${(action || 'none').toLowerCase()}` }, action || '—');
}

/** The segment text with every matched span in a <mark>, overlapping spans merged. */
export function markedText(text, categories, lang) {
  const spans = [];
  for (const category of categories || []) {
    for (const span of category.spans || []) {
      const start = Math.max(0, Math.min(text.length, span.start));
      const end = Math.max(start, Math.min(text.length, span.end));
      if (end > start) spans.push({ start, end, labels: [category.category] });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      for (const label of span.labels) if (!last.labels.includes(label)) last.labels.push(label);
    } else {
      merged.push({ ...span, labels: [...span.labels] });
    }
  }
  const node = el('span', { class: 'said', lang: lang || null });
  let at = 0;
  for (const span of merged) {
    if (span.start > at) node.append(text.slice(at, span.start));
    node.append(el('mark', { title: span.labels.join(', ') }, text.slice(span.start, span.end)));
    at = span.end;
  }
  if (at < text.length) node.append(text.slice(at));
  return node;
}

export function categoryNames(categories) {
  return (categories || []).map(c => c.category).join(', ') || '—';
}

/** The review label "correct" means: the top category in lower case, clean for an allowed segment. */
export function proposedLabel(segment) {
  if (segment.action === 'ALLOW' || !segment.categories || !segment.categories.length) return 'clean';
  const top = segment.categories.reduce((best, c) => (c.score > best.score ? c : best));
  return top.category.toLowerCase();
}
