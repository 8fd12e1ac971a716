// The result of a grade in the drill view: the score and rating as recorded, what you
// missed with why each matters, your boxes that are not in the reference, and the diff
// picture.

import { $, el, clear, minutes } from './dom.js';
import { DiffPicture } from './diff.js';

let picture = null;

function scoreClass(score) {
  return score >= 75 ? 'good' : score >= 50 ? 'warn' : 'bad';
}

export function clearResult() {
  $('result-empty').hidden = false;
  $('result-body').hidden = true;
  $('view-drill').classList.remove('graded');
}

function reviewLine(grade, rating) {
  const review = grade.review;
  if (!review) return `Rated ${rating} (not recorded).`;
  if (review.repeated) {
    return `Not recorded again: this drill was graded before with the same text (rated ${review.rating}). ` +
      'Change the attempt, or start the case over.';
  }
  const parts = [`Recorded: rated ${review.rating}`];
  if (review.hint_level) parts.push(`(hint level ${review.hint_level} used: at most Hard)`);
  if (review.duration_seconds !== null) parts.push(`in ${minutes(review.duration_seconds)}`);
  if (review.due) {
    const days = (Date.parse(review.due) - Date.now()) / 86400000;
    const whenText = days < 0.5 ? 'today' : days < 1.5 ? 'tomorrow' : `in ${Math.round(days)} days`;
    parts.push(`; next review ${whenText}`);
  }
  return `${parts.join(' ').replace(' ;', ';')}.`;
}

function arrowsLine(edges) {
  const words = [];
  for (const [kind, label] of [['missing', 'missing'], ['reversed', 'reversed'],
    ['indirect', 'indirect'], ['shortcut', 'shortcuts'], ['extra', 'extra']]) {
    const count = (edges[kind] || []).length;
    if (count) words.push(`${count} ${label}`);
  }
  return words.length ? `Arrows: ${words.join(', ')} (see the picture).` : 'Every arrow is right.';
}

// Pointing at a component you missed lights it up in the reference half of the picture.
function lightMissed(li, component, on) {
  li.classList.toggle('lit', on);
  if (picture) picture.light(`r-${component}`, on);
}

export function showResult(doc) {
  const grade = doc.grade;
  $('result-empty').hidden = true;
  $('result-body').hidden = false;
  $('view-drill').classList.add('graded');
  const score = clear($('score'));
  score.className = `score ${scoreClass(grade.score)}`;
  score.append(String(Math.round(grade.score * 10) / 10), el('small', {}, ' / 100'));
  clear($('rating')).append('Rated ', el('b', {}, doc.rating));
  $('review-line').textContent = reviewLine(grade, doc.rating);
  const metrics = clear($('metrics'));
  for (const [name, value] of [
    ['components recalled (weighted)', grade.metrics.node_recall],
    ['your boxes that stand for a component', grade.metrics.node_precision],
    ['arrows recalled', grade.metrics.edge_recall],
    ['your arrows that are right', grade.metrics.edge_precision],
  ]) {
    metrics.append(el('tr', {}, el('td', {}, name), el('td', {}, `${Math.round(value * 100)}%`)));
  }
  const missed = clear($('missed'));
  if (!doc.missed.length) {
    missed.append(el('h2', {}, 'What you missed'), el('p', { class: 'good' }, 'No component: well done.'));
  } else {
    missed.append(el('h2', {}, `What you missed (${doc.missed.length})`));
    const ul = el('ul', { id: 'missed-list' });
    for (const item of doc.missed) {
      ul.append(el('li', {
        onmouseenter: (e) => lightMissed(e.currentTarget, item.component, true),
        onmouseleave: (e) => lightMissed(e.currentTarget, item.component, false),
      },
        el('b', {}, item.label),
        item.core ? el('span', { class: 'core' }, 'core') : null,
        el('span', { class: 'stage' }, item.stage),
        item.note ? el('div', { class: 'note' }, item.note) : null));
    }
    missed.append(ul);
  }
  if (doc.extra.length) {
    missed.append(el('p', { class: 'note' }, 'Yours, not in the reference: ', doc.extra.join(', ')));
  }
  missed.append(el('p', { class: 'note' }, arrowsLine(grade.edges)));
  if (!picture) picture = new DiffPicture($('picture'), $('picture-tools'));
  picture.show(doc.svg, doc.pairs, doc.picture_problem);
  $('result').scrollTop = 0;
}
