// The editor pane: a plain textarea with a line-number gutter, and behind the text a
// backdrop that marks each line with a problem (its spot underlined, its message at the
// end of the line). No library: the text stays the browser's own textarea.

import { el, clear } from './dom.js';

export class Editor {
  constructor(root) {
    this.root = root;
    this.gutter = el('div', { class: 'gutter', 'aria-hidden': 'true' });
    this.backdrop = el('div', { class: 'backdrop', 'aria-hidden': 'true' });
    this.area = el('textarea', {
      class: 'code', spellcheck: 'false', wrap: 'off', autocomplete: 'off',
      autocapitalize: 'off', 'aria-label': 'Your architecture in the .mlsd language',
      id: 'code',
    });
    this.problems = [];
    this.escaped = false;
    this.handlers = { input: [], submit: [], save: [] };
    root.append(this.gutter, el('div', { class: 'code-box' }, this.backdrop, this.area));
    this.area.addEventListener('input', () => {
      this.render();
      this.handlers.input.forEach((f) => f(this.value));
    });
    this.area.addEventListener('scroll', () => this.syncScroll());
    this.area.addEventListener('keydown', (e) => this.key(e));
    this.render();
  }

  on(kind, handler) { this.handlers[kind].push(handler); }

  get value() { return this.area.value; }

  set value(text) {
    this.area.value = text;
    this.render();
  }

  set enabled(on) {
    this.area.disabled = !on;
    this.root.classList.toggle('disabled', !on);
  }

  set placeholder(text) { this.area.placeholder = text; }

  focus() { this.area.focus(); }

  // problems: [{severity, message, hint, line, column, length}]
  setProblems(problems) {
    this.problems = problems || [];
    this.render();
  }

  byLine(count) {
    const lines = new Map();
    for (const p of this.problems) {
      const line = Math.min(Math.max(1, p.line), count);
      if (!lines.has(line)) lines.set(line, []);
      lines.get(line).push(p);
    }
    return lines;
  }

  render() {
    const lines = this.area.value.split('\n');
    const marks = this.byLine(lines.length);
    const numbers = [];
    const rows = [];
    lines.forEach((text, index) => {
      const n = index + 1;
      const found = marks.get(n) || [];
      const worst = found.some((p) => p.severity === 'error') ? 'error'
        : found.length ? 'warning' : '';
      const title = found.map((p) => `${p.severity}: ${p.message}`).join('\n');
      numbers.push(el('div', { class: `num ${worst}`, title: title || undefined,
        dataset: { line: String(n) } }, String(n)));
      rows.push(this.row(text, found, worst, n));
    });
    clear(this.gutter).append(...numbers);
    clear(this.backdrop).append(...rows);
    this.syncScroll();
  }

  row(text, found, worst, n) {
    const row = el('div', { class: `line ${worst}`, dataset: { line: String(n) } });
    const first = found.find((p) => p.line === n && p.column <= text.length + 1);
    if (first) {
      const start = first.column - 1;
      const end = Math.min(text.length, start + first.length);
      row.append(text.slice(0, start),
        el('span', { class: `spot ${first.severity}` }, text.slice(start, end) || ' '),
        text.slice(end));
    } else {
      row.append(text);
    }
    if (found.length) {
      const words = found.map((p) => p.message + (p.hint ? ` (${p.hint})` : '')).join('; ');
      row.append(el('span', { class: `lens ${worst}` }, words));
    }
    return row;
  }

  syncScroll() {
    this.gutter.scrollTop = this.area.scrollTop;
    this.backdrop.scrollTop = this.area.scrollTop;
    this.backdrop.scrollLeft = this.area.scrollLeft;
  }

  goToLine(line, column) {
    const lines = this.area.value.split('\n');
    const index = Math.min(Math.max(1, line), lines.length) - 1;
    let offset = 0;
    for (let i = 0; i < index; i += 1) offset += lines[i].length + 1;
    offset += Math.max(0, Math.min((column || 1) - 1, lines[index].length));
    this.area.focus();
    this.area.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(this.area).lineHeight) || 20;
    const top = index * lineHeight;
    if (top < this.area.scrollTop || top > this.area.scrollTop + this.area.clientHeight - 2 * lineHeight) {
      this.area.scrollTop = Math.max(0, top - this.area.clientHeight / 3);
    }
    this.syncScroll();
  }

  insert(text) {
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand('insertText', false, text)) {
      this.area.setRangeText(text, this.area.selectionStart, this.area.selectionEnd, 'end');
      this.area.dispatchEvent(new Event('input'));
    }
  }

  key(e) {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === 'Enter') {
      e.preventDefault();
      this.handlers.submit.forEach((f) => f());
    } else if (mod && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      this.handlers.save.forEach((f) => f());
    } else if (e.key === 'Escape') {
      this.escaped = true;  // Esc then Tab leaves the editor, as in other code editors
      return;
    } else if (e.key === 'Tab' && !e.shiftKey && !mod && !e.altKey && !this.escaped) {
      e.preventDefault();
      this.insert('  ');
    } else if (e.key === 'Enter' && !mod && !e.shiftKey && !e.altKey) {
      const before = this.area.value.slice(0, this.area.selectionStart);
      const current = before.slice(before.lastIndexOf('\n') + 1);
      let indent = current.match(/^[ \t]*/)[0];
      if (/\{\s*$/.test(current)) indent += '  ';
      if (indent) {
        e.preventDefault();
        this.insert(`\n${indent}`);
      }
    }
    this.escaped = false;
  }
}
