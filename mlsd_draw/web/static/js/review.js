// The review view: what is due (the schedule of `mlsd-draw next`, the drawings and the
// quiz cards), each case's score over time, the components you miss most with why they
// matter (`stats`), and every graded attempt (`history`), all from the same history as
// the CLI.

import { $, el, svgEl, clear, when, shortDate, minutes } from './dom.js';
import { get } from './api.js';

export const id = 'review';
export const title = 'Review';

let ctx = null;

export function init(context) {
  ctx = context;
}

export async function show() {
  const { ok, data } = await get('/api/review');
  if (!ok) {
    ctx.toast(data.error);
    return;
  }
  schedule(data);
  charts(data);
  mostMissed(data);
  historyTable(data);
}

function caseTitle(data, caseId) {
  return data.titles[caseId] || caseId;
}

function schedule(data) {
  const box = clear($('schedule'));
  if (data.agenda.cards) box.append(quizCards(data.agenda.cards), el('h3', {}, 'Cases'));
  const groups = [['Due now', data.agenda.due], ['New', data.agenda.new], ['Later', data.agenda.later]];
  for (const [heading, cards] of groups) {
    const list = el('ul', { class: 'cards' });
    for (const card of cards) {
      const due = card.due ? `due ${when(card.due, data.now)}` : 'never drilled';
      list.append(el('li', {},
        el('span', { class: 'card-title' }, caseTitle(data, card.case)),
        el('span', { class: 'card-meta' }, `${due} · ${card.reviews} review${card.reviews === 1 ? '' : 's'}`),
        el('button', { type: 'button', onclick: () => ctx.open('drill', { case: card.case }) }, 'Drill')));
    }
    const count = el('span', { class: 'count' }, String(cards.length));
    const section = el('details', { class: 'schedule-group', open: heading !== 'New' || !data.agenda.due.length },
      el('summary', {}, heading, ' ', count));
    section.append(cards.length ? list : el('p', { class: 'quiet' }, 'None.'));
    box.append(section);
  }
}

// The quiz cards of `next`: how many of each kind are due now, new and due later.
function quizCards(cards) {
  const kinds = [['tradeoff', 'Trade-offs', 'tradeoffs'], ['framing', 'Framing', 'framing'],
    ['why', 'Why is it there?', 'why']];
  const table = el('table', { class: 'quiz-counts', id: 'quiz-counts' },
    el('thead', {}, el('tr', {}, el('th', {}, 'kind'), el('th', {}, 'due now'),
      el('th', {}, 'new'), el('th', {}, 'later'), el('th', {}, ''))));
  const body = el('tbody', {});
  for (const [kind, label, selection] of kinds) {
    const due = cards.due[kind] || 0;
    body.append(el('tr', { dataset: { kind } },
      el('td', {}, label),
      el('td', { class: `num ${due ? 'due' : ''}`.trim() }, String(due)),
      el('td', { class: 'num' }, String(cards.new[kind] || 0)),
      el('td', { class: 'num' }, String(cards.later[kind] || 0)),
      el('td', {}, el('button', { type: 'button', onclick: () => ctx.open('quiz', { selection }) }, 'Quiz'))));
  }
  table.append(body);
  const due = Object.values(cards.due).reduce((a, b) => a + b, 0);
  return el('div', { class: 'quiz-schedule' },
    el('h3', {}, 'Quiz cards ', el('span', { class: 'count' }, due ? `${due} due now` : 'none due now')),
    el('div', { class: 'table-scroll' }, table));
}

function charts(data) {
  const box = clear($('charts'));
  const byCase = new Map();
  for (const attempt of data.history) {
    if (!byCase.has(attempt.case)) byCase.set(attempt.case, []);
    byCase.get(attempt.case).push(attempt);
  }
  if (!byCase.size) {
    box.append(el('p', { class: 'quiet' }, 'No graded attempts yet: drill a case, then grade it.'));
    return;
  }
  const records = new Map(data.progress.cases.map((r) => [r.case, r]));
  for (const [caseId, attempts] of byCase) {
    const record = records.get(caseId);
    const summary = record ? `best ${record.best.toFixed(1)} · last ${record.last.toFixed(1)}` : '';
    box.append(el('figure', { class: 'chart', dataset: { case: caseId } },
      el('figcaption', {}, el('b', {}, caseTitle(data, caseId)), el('span', { class: 'quiet' }, summary)),
      chart(attempts)));
  }
}

function chart(attempts) {
  const width = 320;
  const height = 130;
  const left = 30;
  const right = 10;
  const top = 10;
  const bottom = 22;
  const x = (i) => left + (attempts.length === 1 ? (width - left - right) / 2
    : (i * (width - left - right)) / (attempts.length - 1));
  const y = (score) => top + ((100 - score) * (height - top - bottom)) / 100;
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, class: 'score-chart', role: 'img',
    'aria-label': `scores: ${attempts.map((a) => a.score.toFixed(1)).join(', ')}` });
  // the lines where the rating changes: Hard from 50, Good from 70, Easy from 90
  for (const mark of [0, 50, 70, 90, 100]) {
    svg.append(svgEl('line', { x1: left, x2: width - right, y1: y(mark), y2: y(mark), class: `grid g${mark}` }));
    if (mark !== 100) {
      svg.append(svgEl('text', { x: left - 4, y: y(mark) + 3, class: 'axis', 'text-anchor': 'end' }, String(mark)));
    }
  }
  const points = attempts.map((a, i) => `${x(i)},${y(a.score)}`).join(' ');
  if (attempts.length > 1) svg.append(svgEl('polyline', { points, class: 'trend' }));
  attempts.forEach((a, i) => {
    svg.append(svgEl('circle', { cx: x(i), cy: y(a.score), r: 4, class: `dot ${a.rating.toLowerCase()}` },
      svgEl('title', {}, `${shortDate(a.graded_at)}: ${a.score.toFixed(1)} (${a.rating})`)));
  });
  const first = attempts[0];
  const last = attempts[attempts.length - 1];
  svg.append(svgEl('text', { x: left, y: height - 6, class: 'axis' }, shortDate(first.graded_at).slice(0, 10)));
  if (attempts.length > 1) {
    svg.append(svgEl('text', { x: width - right, y: height - 6, class: 'axis', 'text-anchor': 'end' },
      shortDate(last.graded_at).slice(0, 10)));
  }
  return svg;
}

function mostMissed(data) {
  const list = clear($('most-missed'));
  if (!data.progress.most_missed.length) {
    list.append(el('li', { class: 'quiet' }, 'Nothing yet: grade an attempt to see what you tend to forget.'));
    return;
  }
  for (const m of data.progress.most_missed) {
    list.append(el('li', {},
      el('b', {}, m.label), ' ',
      el('span', { class: 'quiet' }, `${caseTitle(data, m.case)} · missed ${m.missed} of ${m.attempts}`),
      m.note ? el('div', { class: 'note' }, m.note) : null));
  }
}

function historyTable(data) {
  const body = clear($('history-rows'));
  if (!data.history.length) {
    body.append(el('tr', {}, el('td', { colspan: '6', class: 'quiet' }, 'No graded attempts yet.')));
    return;
  }
  for (const a of [...data.history].reverse()) {
    body.append(el('tr', {},
      el('td', {}, shortDate(a.graded_at)),
      el('td', { title: a.case, class: 'case' }, caseTitle(data, a.case)),
      el('td', { class: 'num' }, a.score.toFixed(1)),
      el('td', { class: a.rating.toLowerCase() }, a.rating),
      el('td', {}, a.duration_seconds !== null && a.duration_seconds < 60 ? '<1 min' : minutes(a.duration_seconds)),
      el('td', {}, a.hint_level ? String(a.hint_level) : '')));
  }
}
