// The drill view: pick a case (or one of your files), read the question while a clock
// runs, write the architecture with its problems shown at their lines, ask for hints,
// and grade. Your text is saved to your folder as you type; saves made in your own
// editor come back here through the studio's stream of saves.

import { $, el, clear, when } from './dom.js';
import { get, post, query } from './api.js';
import { Editor } from './editor.js';
import { showResult, clearResult } from './result.js';

export const id = 'drill';
export const title = 'Drill';

const CHECK_DELAY = 250;
const SAVE_DELAY = 800;
const REMEMBERED = 'mlsd-draw-studio-file';  // the file open when the page was left

const state = {
  ctx: null,
  editor: null,
  name: null,          // the open file, relative to the folder
  caseId: null,        // its @case, for hints
  saved: '',           // the text as it is on disk, as far as the page knows
  saving: null,        // the text of a save under way
  checkSeq: 0,
  checkTimer: null,
  saveTimer: null,
  source: null,        // the stream of saves of the open file
  clock: null,         // {started: ms, minutes}
  clockTimer: null,
  pendingCase: null,   // a case whose file already exists: open it, or start over
  menu: null,
};

export function init(ctx) {
  state.ctx = ctx;
  const editor = new Editor($('editor'));
  state.editor = editor;
  editor.enabled = false;
  editor.placeholder = 'Pick a case on the left to start a drill, or open one of your files.';
  editor.on('input', typed);
  editor.on('submit', grade);
  editor.on('save', () => save(true));
  $('grade-button').addEventListener('click', grade);
  $('choice-open').addEventListener('click', () => openFile(`${state.pendingCase}.mlsd`));
  $('choice-restart').addEventListener('click', () => startDrill(state.pendingCase, true));
  $('conflict-load').addEventListener('click', loadFromDisk);
  $('conflict-keep').addEventListener('click', () => { $('conflict').hidden = true; save(true); });
  $('hints').querySelectorAll('[data-level]').forEach((button) => {
    button.addEventListener('click', () => hint(Number(button.dataset.level)));
  });
  $('wide-button').addEventListener('click', () => {
    const wide = $('view-drill').classList.toggle('wide');
    $('wide-button').setAttribute('aria-pressed', String(wide));
    $('wide-button').textContent = wide ? 'Show the editor' : 'Full width';
  });
  window.addEventListener('beforeunload', (e) => {
    if (state.name && state.editor.value !== state.saved) e.preventDefault();
  });
  loadCases();
  loadFiles().then(() => {
    const last = localStorage.getItem(REMEMBERED);
    if (last && !state.name) openFile(last, true);
  });
}

export function show(ctx, request) {
  if (request.case) startDrill(request.case, false);
  else loadCases();
}

// -- the cases and the files --------------------------------------------------------

async function loadCases() {
  const { ok, data } = await get('/api/cases');
  const list = clear($('case-list'));
  if (!ok) {
    list.append(el('p', { class: 'error-text' }, data.error));
    return;
  }
  state.menu = data;
  const sections = [['Due now', data.due], ['New', data.new], ['Later', data.later]];
  $('cases-count').textContent = data.due.length ? `${data.due.length} due` : '';
  for (const [heading, entries] of sections) {
    if (!entries.length) continue;
    list.append(el('h3', {}, heading));
    const ul = el('ul', {});
    for (const entry of entries) {
      const due = heading === 'New' ? 'never drilled' : `due ${when(entry.due, data.now)}`;
      ul.append(el('li', {}, el('button', {
        type: 'button', class: `case ${entry.case === state.caseId ? 'current' : ''}`,
        dataset: { case: entry.case }, onclick: () => startDrill(entry.case, false),
      }, el('span', { class: 'case-title' }, entry.title),
      el('span', { class: 'case-meta' }, [entry.case, due, entry.level].filter(Boolean).join(' · ')))));
    }
    list.append(ul);
  }
}

async function loadFiles() {
  const { ok, data } = await get('/api/files');
  const list = clear($('file-list'));
  if (!ok) {
    list.append(el('li', { class: 'error-text' }, data.error));
    return;
  }
  $('folder-path').textContent = data.folder;
  $('folder-path').title = 'Your attempts are saved here; edit them in any editor too.';
  $('files-count').textContent = data.files.length ? String(data.files.length) : '';
  if (!data.files.length) {
    list.append(el('li', { class: 'quiet' }, 'No .mlsd files yet: a drill writes one here.'));
  }
  for (const file of data.files) {
    list.append(el('li', {}, el('button', {
      type: 'button', class: `file ${file.name === state.name ? 'current' : ''}`,
      dataset: { name: file.name }, onclick: () => openFile(file.name),
    }, file.name)));
  }
  if (data.truncated) list.append(el('li', { class: 'quiet' }, 'More files are not listed.'));
}

function collapseOnPhone() {
  if (window.matchMedia('(max-width: 860px)').matches) {
    $('cases-box').open = false;
    $('files-box').open = false;
  }
}

// -- starting and opening -----------------------------------------------------------

async function startDrill(caseId, restart) {
  if (!(await leaveFile())) return;
  $('choice').hidden = true;
  const { ok, status, data } = await post('/api/drill', { case: caseId, restart });
  if (status === 409) {
    const name = `${caseId}.mlsd`;
    state.pendingCase = caseId;
    $('choice-text').textContent = name === state.name
      ? `You are writing ${name}: start it over from a blank page?`
      : `${name} is already in your folder.`;
    $('choice-open').hidden = name === state.name;
    $('choice').hidden = false;
    return;
  }
  if (!ok) {
    state.ctx.toast(data.error);
    return;
  }
  setQuestion(data.title, data.prompt);
  startClock(Date.now(), data.minutes);
  open(data.name, data.text, data.case);
  check();
  loadFiles();
  loadCases();
  collapseOnPhone();
  state.editor.goToLine(data.text.split('\n').length, 1);
}

async function openFile(name, quietly) {
  if (name !== state.name && !(await leaveFile())) return;
  $('choice').hidden = true;
  const { ok, data } = await get(query('/api/file', { name }));
  if (!ok) {
    if (quietly) localStorage.removeItem(REMEMBERED);
    else state.ctx.toast(data.error);
    loadFiles();
    return;
  }
  const drill = data.drill;
  if (drill) setQuestion(drill.title, drill.prompt);
  else setQuestion(name, data.check.case ? `An attempt at ${data.check.case}.` : 'A file of your folder.');
  const started = drill && drill.started_at ? Date.parse(drill.started_at) : null;
  if (started && Date.now() - started < 86400000 && Date.now() >= started) {
    startClock(started, drill.minutes);
  } else {
    stopClock();
  }
  open(name, data.text, data.check.case);
  showCheck(data.check);
  loadFiles();
  loadCases();
  collapseOnPhone();
}

// Before another file is opened: save what was typed in this one.
async function leaveFile() {
  if (!state.name || state.editor.value === state.saved) return true;
  return save(true);
}

function open(name, text, caseId) {
  state.name = name;
  localStorage.setItem(REMEMBERED, name);
  state.caseId = caseId || null;
  state.saved = text;
  state.editor.enabled = true;
  state.editor.value = text;
  state.editor.setProblems([]);
  $('file-name').textContent = name;
  $('grade-button').disabled = false;
  $('hints').hidden = !state.caseId;
  $('hint-text').hidden = true;
  $('conflict').hidden = true;
  setSaveState('saved');
  clearResult();
  watch(name);
}

function setQuestion(titleText, prompt) {
  $('q-title').textContent = titleText;
  $('q-prompt').textContent = prompt || '';
}

// -- the clock ----------------------------------------------------------------------

function startClock(started, minutes) {
  stopClock();
  state.clock = { started, minutes };
  $('timer').hidden = false;
  tick();
  state.clockTimer = setInterval(tick, 1000);
}

function stopClock(final) {
  clearInterval(state.clockTimer);
  state.clockTimer = null;
  if (final && state.clock) {
    tick();
    $('timer').classList.add('stopped');
  } else {
    $('timer').hidden = true;
  }
  state.clock = null;
}

function tick() {
  const { started, minutes } = state.clock;
  const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  const timer = $('timer');
  timer.classList.remove('stopped');
  timer.textContent = `${mm}:${ss} of ${minutes} min`;
  timer.classList.toggle('over', seconds > minutes * 60);
}

// -- typing: check and save ---------------------------------------------------------

function typed() {
  setSaveState(state.editor.value === state.saved ? 'saved' : 'unsaved');
  clearTimeout(state.checkTimer);
  state.checkTimer = setTimeout(check, CHECK_DELAY);
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(() => save(false), SAVE_DELAY);
}

async function check() {
  if (!state.name) return;
  const seq = ++state.checkSeq;
  const { ok, data } = await post('/api/check', { name: state.name, text: state.editor.value });
  if (seq !== state.checkSeq) return;  // a newer check is under way
  if (ok) showCheck(data);
  else $('check-status').textContent = data.error;
}

function showCheck(checked) {
  if (checked.empty) {  // only the header so far: nothing is wrong yet
    state.editor.setProblems([]);
    clear($('problems'));
    if (checked.case) state.caseId = checked.case;
    $('hints').hidden = !state.caseId;
    $('check-status').className = 'check';
    $('check-status').textContent = 'Write the architecture below the header, one chain of arrows a line.';
    return;
  }
  state.editor.setProblems(checked.diagnostics);
  if (checked.case && checked.case !== state.caseId) {
    state.caseId = checked.case;
  }
  $('hints').hidden = !state.caseId;
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  const warnings = checked.diagnostics.length - errors.length;
  const status = $('check-status');
  status.className = `check ${errors.length ? 'error' : warnings ? 'warning' : 'ok'}`;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  status.textContent = errors.length
    ? `${plural(errors.length, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}: fix before grading`
    : `ok: ${plural(checked.components, 'component')}, ${plural(checked.edges, 'arrow')}, ` +
      `${plural(checked.groups, 'group')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
  const list = clear($('problems'));
  for (const d of checked.diagnostics) {
    list.append(el('li', { class: d.severity }, el('button', {
      type: 'button', onclick: () => state.editor.goToLine(d.line, d.column),
    }, el('b', {}, `line ${d.line}`), ` ${d.severity}: ${d.message}`,
    d.hint ? el('span', { class: 'quiet' }, ` (${d.hint})`) : null)));
  }
}

function setSaveState(kind) {
  const labels = { saved: 'saved', unsaved: 'not saved yet', saving: 'saving…', failed: 'not saved' };
  const node = $('save-state');
  node.textContent = labels[kind];
  node.className = `save-state ${kind}`;
}

async function save(now) {
  clearTimeout(state.saveTimer);
  if (!state.name) return true;
  const text = state.editor.value;
  if (text === state.saved && !now) return true;
  state.saving = text;
  setSaveState('saving');
  const { ok, data } = await post('/api/file', { name: state.name, text });
  state.saving = null;
  if (!ok) {
    setSaveState('failed');
    state.ctx.toast(data.error);
    return false;
  }
  state.saved = text;
  setSaveState(state.editor.value === text ? 'saved' : 'unsaved');
  return true;
}

// -- saves made elsewhere -----------------------------------------------------------

function watch(name) {
  if (state.source) state.source.close();
  const source = new EventSource(query('/api/watch', { name }));
  state.source = source;
  delete $('editor').dataset.watching;
  source.addEventListener('saved', (event) => {
    if (state.source !== source) return;
    $('editor').dataset.watching = name;  // the first event comes as soon as it watches
    savedOnDisk(JSON.parse(event.data));
  });
}

function savedOnDisk(file) {
  if (file.name !== state.name) return;
  const text = file.text;
  if (text === state.editor.value || text === state.saving || text === state.saved) {
    if (text === state.editor.value) state.saved = text;
    return;
  }
  state.diskFile = file;
  if (state.editor.value === state.saved) {
    loadFromDisk();
    const time = new Date().toLocaleTimeString();
    setSaveState('saved');
    $('save-state').textContent = `updated from your editor at ${time}`;
  } else {
    $('conflict-text').textContent = `${file.name} was saved in another editor, and you have changes here.`;
    $('conflict').hidden = false;
  }
}

function loadFromDisk() {
  const file = state.diskFile;
  if (!file) return;
  $('conflict').hidden = true;
  state.saved = file.text;
  state.editor.value = file.text;
  showCheck(file.check);
  setSaveState('saved');
}

// -- hints and grading --------------------------------------------------------------

async function hint(level) {
  if (!state.caseId) return;
  const { ok, data } = await post('/api/hint', { case: state.caseId, level });
  const box = $('hint-text');
  box.hidden = false;
  box.textContent = ok ? `Hint ${level}: ${data.hint}` : data.error;
}

async function grade() {
  if (!state.name) return;
  const button = $('grade-button');
  if (button.disabled) return;
  button.disabled = true;
  button.classList.add('busy');
  clearTimeout(state.saveTimer);
  const text = state.editor.value;
  state.saving = text;
  const { ok, data } = await post('/api/grade', { name: state.name, text });
  state.saving = null;
  button.disabled = false;
  button.classList.remove('busy');
  if (data.diagnostics) {
    state.saved = text;  // the file was saved before it was read
    setSaveState(state.editor.value === text ? 'saved' : 'unsaved');
    showCheck({ diagnostics: data.diagnostics, case: state.caseId, components: 0, edges: 0, groups: 0 });
  }
  if (!ok) {
    state.ctx.toast(data.error);
    return;
  }
  state.saved = text;
  setSaveState(state.editor.value === text ? 'saved' : 'unsaved');
  stopClock(true);
  showResult(data);
  loadCases();
  if (window.matchMedia('(max-width: 860px)').matches) $('result').scrollIntoView();
}
