// The quiz view: trade-offs, each case's framing and "why is it there?", one card at a
// time, as `mlsd-draw quiz` asks them. Type an answer (or say it out loud), see the
// model answer with its key points marked mentioned or missed, rate your recall (the
// marking suggests a rating; keys 1 to 4), and the next card comes. Every rating is
// recorded in the same history as the drawings, so `next` and `stats` count it.

import { $, el, clear } from './dom.js';
import { get, post, query } from './api.js';

export const id = 'quiz';
export const title = 'Quiz';

const KINDS = { tradeoff: 'Trade-off', framing: 'Framing', why: 'Why is it there?' };
const RATINGS = ['Again', 'Hard', 'Good', 'Easy'];
const REMEMBERED = 'mlsd-draw-studio-quiz';  // the selection last asked
const ANSWER_PLACEHOLDER = 'Answer as you would in the interview, in your own words. ' +
  'Or say it out loud, then press "I said it out loud".';

const state = {
  ctx: null,
  selection: 'all',
  round: null,       // the answer of GET /api/quiz
  index: 0,          // the card asked now
  results: [],       // per card of the round: the rating given, or null
  stage: 'loading',  // loading, answer, marking, rate, recording, end
  answer: '',        // what was typed for it
  titles: {},        // case id -> title
  loaded: false,
};

export function init(ctx) {
  state.ctx = ctx;
  state.selection = localStorage.getItem(REMEMBERED) || 'all';
  $('quiz-selection').addEventListener('change', () => {
    state.selection = $('quiz-selection').value;
    localStorage.setItem(REMEMBERED, state.selection);
    loadRound();
  });
  $('quiz-show').addEventListener('click', () => showAnswer(false));
  $('quiz-aloud').addEventListener('click', () => showAnswer(true));
  $('quiz-answer').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      showAnswer(false);
    }
  });
  $('quiz-ratings').querySelectorAll('[data-rating]').forEach((button) => {
    button.addEventListener('click', () => rate(button.dataset.rating));
  });
  $('quiz-again').addEventListener('click', () => loadRound());
  $('quiz-review').addEventListener('click', () => ctx.open('review'));
  document.addEventListener('keydown', ratingKey);
  if (window.matchMedia('(max-width: 860px)').matches) $('quiz-round-box').open = false;
}

export function show(ctx, request) {
  if (request.selection && request.selection !== state.selection) {
    state.selection = request.selection;
    localStorage.setItem(REMEMBERED, state.selection);
    loadRound();
  } else if (!state.loaded || state.stage === 'end') {
    loadRound();
  }
}

// Keys 1 to 4 rate the card once its answer is shown (not while typing elsewhere).
function ratingKey(event) {
  if (state.ctx.current !== id || state.stage !== 'rate') return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.tagName === 'SELECT' || target.tagName === 'INPUT' ||
      (target.tagName === 'TEXTAREA' && !target.readOnly))) return;
  const number = Number(event.key);
  if (number >= 1 && number <= 4) {
    event.preventDefault();
    rate(RATINGS[number - 1]);
  }
}

// -- a round ------------------------------------------------------------------------

async function loadRound() {
  state.stage = 'loading';
  const { ok, data } = await get(query('/api/quiz', { selection: state.selection }));
  if (!ok) {
    if (state.selection !== 'all') {  // a choice that is gone: start again from every card
      state.selection = 'all';
      localStorage.removeItem(REMEMBERED);
      state.ctx.toast(data.error);
      loadRound();
      return;
    }
    state.ctx.toast(data.error);
    return;
  }
  state.loaded = true;
  state.round = data;
  state.index = 0;
  state.results = data.cards.map(() => null);
  state.titles = Object.fromEntries(data.cases.map((c) => [c.case, c.title]));
  fillPicker(data);
  $('quiz-last').textContent = '';
  roundList();
  if (data.cards.length) ask();
  else finish();
}

function fillPicker(data) {
  const picker = clear($('quiz-selection'));
  const total = data.kinds.tradeoffs + data.kinds.framing + data.kinds.why;
  picker.append(
    el('option', { value: 'all' }, `Every card (${total})`),
    el('option', { value: 'tradeoffs' }, `Trade-offs (${data.kinds.tradeoffs})`),
    el('option', { value: 'framing' }, `Framing of each case (${data.kinds.framing})`),
    el('option', { value: 'why' }, `Why is it there? (${data.kinds.why})`));
  const cases = el('optgroup', { label: 'One case: its framing, its components, its trade-offs' });
  for (const c of data.cases) cases.append(el('option', { value: c.case }, `${c.title} (${c.cards})`));
  picker.append(cases);
  picker.value = data.selection;
  const due = data.cards.filter((c) => c.due).length;
  const fresh = data.cards.length - due;
  $('quiz-summary').textContent = data.cards.length
    ? `${plural(data.cards.length, 'card')} this round: ${due} due, ${fresh} new.`
    : '';
}

function roundList() {
  const list = clear($('quiz-round'));
  state.round.cards.forEach((card, i) => {
    const rating = state.results[i];
    const current = i === state.index && state.stage !== 'end';
    list.append(el('li', {
      class: [current ? 'current' : '', rating ? `done ${rating.toLowerCase()}` : ''].join(' ').trim(),
      'aria-current': current ? 'step' : null,
    },
    el('span', { class: 'round-kind' }, KINDS[card.kind]),
    rating ? el('span', { class: 'round-rating' }, rating) : null,
    el('span', { class: 'round-front' }, card.front)));
  });
  const done = state.results.filter(Boolean).length;
  const left = state.round.cards.length - done;
  const counts = `${done} done · ${left} left`;
  $('quiz-count').textContent = state.round.cards.length ? counts : '';
}

// -- one card -----------------------------------------------------------------------

function ask() {
  const card = state.round.cards[state.index];
  state.stage = 'answer';
  $('quiz-card').hidden = false;
  $('quiz-card').dataset.card = card.id;
  $('quiz-end').hidden = true;
  $('quiz-kind').textContent = KINDS[card.kind];
  $('quiz-kind').className = `kind ${card.kind}`;
  $('quiz-case').textContent = card.case ? (state.titles[card.case] || card.case) : '';
  $('quiz-due').textContent = card.due ? 'due for review' : 'new card';
  $('quiz-number').textContent = `Card ${state.index + 1} of ${state.round.cards.length}`;
  $('quiz-front').textContent = card.front;
  const answer = $('quiz-answer');
  answer.value = '';
  answer.readOnly = false;
  answer.placeholder = ANSWER_PLACEHOLDER;
  $('quiz-ask').hidden = false;
  clear($('quiz-points'));
  clear($('quiz-model'));
  $('quiz-marked').hidden = true;
  $('quiz-rate').hidden = true;
  $('quiz-model-box').hidden = true;
  $('quiz-howto').hidden = false;
  $('quiz-show').disabled = false;
  $('quiz-aloud').disabled = false;
  roundList();
  if (!window.matchMedia('(max-width: 860px)').matches) answer.focus();
}

async function showAnswer(aloud) {
  if (state.stage !== 'answer') return;
  const card = state.round.cards[state.index];
  const text = aloud ? '' : $('quiz-answer').value.trim();
  state.stage = 'marking';
  $('quiz-show').disabled = true;
  $('quiz-aloud').disabled = true;
  const { ok, data } = await post('/api/quiz/mark', { id: card.id, answer: text });
  if (!ok) {
    state.stage = 'answer';
    $('quiz-show').disabled = false;
    $('quiz-aloud').disabled = false;
    state.ctx.toast(data.error);
    return;
  }
  state.answer = text;
  state.stage = 'rate';
  if (!text) {
    $('quiz-answer').value = '';
    $('quiz-answer').placeholder = 'Said out loud.';
  }
  $('quiz-answer').readOnly = true;
  $('quiz-ask').hidden = true;
  showMarking(data);
}

function showMarking(marking) {
  $('quiz-marked').hidden = false;
  $('quiz-rate').hidden = false;
  $('quiz-howto').hidden = true;
  $('quiz-model-box').hidden = false;
  modelAnswer(clear($('quiz-model')), marking.answer);
  const points = marking.key_points;
  const list = clear($('quiz-points'));
  const marked = marking.suggested !== null;  // nothing typed: nothing to mark
  const mentioned = points.filter((p) => p.covered).length;
  $('quiz-points-head').textContent = marked
    ? `Key points: ${mentioned} of ${points.length} in your answer`
    : 'Key points: did you say these?';
  list.classList.toggle('unmarked', !marked);
  for (const point of points) {
    const how = !marked ? 'point' : point.covered ? 'covered' : 'missed';
    const sign = { point: '•', covered: '✓', missed: '✗' }[how];
    const word = { point: '', covered: 'mentioned', missed: 'missed' }[how];
    list.append(el('li', { class: how },
      el('span', { class: 'sign', 'aria-hidden': 'true' }, sign),
      el('span', { class: 'point' }, point.point),
      word ? el('span', { class: 'mark-word' }, word) : null));
  }
  $('quiz-suggestion').textContent = marked
    ? `That is ${Math.round(marking.coverage * 100)}% of the key points: the suggested rating is ${marking.suggested}. ` +
      'Rate how well you recalled it; you decide.'
    : 'You said it out loud: compare with the model answer and rate how well you recalled it.';
  $('quiz-ratings').querySelectorAll('[data-rating]').forEach((button) => {
    const suggested = button.dataset.rating === marking.suggested;
    button.classList.toggle('suggested', suggested);
    button.disabled = false;
    if (suggested) button.setAttribute('aria-describedby', 'quiz-suggestion');
    else button.removeAttribute('aria-describedby');
  });
  const focus = $('quiz-ratings').querySelector('.suggested') || $('quiz-ratings').querySelector('[data-rating="Good"]');
  focus.focus({ preventScroll: true });
  if (window.matchMedia('(max-width: 860px)').matches) $('quiz-marked').scrollIntoView();
}

// The model answer, a line at a time: "Pick: ..." and "Offline metrics:" lead with their
// word in bold, "- side" lines are indented as a list. Text only, as every name here.
function modelAnswer(box, text) {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const item = /^(\s*)- (.*)$/.exec(line);
    const body = item ? item[2] : line;
    const lead = /^([A-Z][^:]{0,40}):(\s|$)(.*)$/.exec(body);
    const row = el('div', { class: item ? (item[1] ? 'sub-line' : 'side-line') : 'line' },
      item ? '• ' : null);
    if (lead && !item) row.append(el('span', { class: 'lead' }, `${lead[1]}:`), lead[3] ? ` ${lead[3]}` : '');
    else row.append(body);
    box.append(row);
  }
}

async function rate(rating) {
  if (state.stage !== 'rate') return;
  const card = state.round.cards[state.index];
  state.stage = 'recording';
  $('quiz-ratings').querySelectorAll('[data-rating]').forEach((b) => { b.disabled = true; });
  const { ok, data } = await post('/api/quiz/record', { id: card.id, rating, answer: state.answer });
  if (!ok) {
    state.stage = 'rate';
    $('quiz-ratings').querySelectorAll('[data-rating]').forEach((b) => { b.disabled = false; });
    state.ctx.toast(data.error);
    return;
  }
  state.results[state.index] = data.rating;
  $('quiz-last').textContent = `Recorded ${data.rating} for the last card: next review ${soon(data.due)}.`;
  state.index += 1;
  if (state.index < state.round.cards.length) ask();
  else finish();
}

function finish() {
  state.stage = 'end';
  $('quiz-card').hidden = true;
  $('quiz-end').hidden = false;
  const done = state.results.filter(Boolean);
  const counts = RATINGS.map((r) => [r, done.filter((d) => d === r).length]).filter(([, n]) => n);
  $('quiz-end-title').textContent = done.length ? 'Round done' : 'Nothing due here';
  $('quiz-end-text').textContent = done.length
    ? `${plural(done.length, 'answer')} recorded (${counts.map(([r, n]) => `${n} ${r}`).join(', ')}). ` +
      'Each card comes back by how you rated it: Again within minutes, Easy days later.'
    : 'Every card of this choice is scheduled for later. Pick another choice above, or see the review for when cards are due.';
  if (state.round) roundList();
}

// A due time in words, to the minute within the hour: "in 10 minutes", "in 3 days".
function soon(iso) {
  if (!iso) return 'not scheduled';
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `in ${plural(Math.round(seconds / 60), 'minute')}`;
  if (seconds < 86400) return `in ${plural(Math.round(seconds / 3600), 'hour')}`;
  const days = Math.round(seconds / 86400);
  return days === 1 ? 'tomorrow' : `in ${days} days`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
