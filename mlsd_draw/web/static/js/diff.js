// The diff picture in the result pane: the SVG the grader drew, fitted to the pane,
// with zoom (buttons, Ctrl + wheel) and pan (drag), and hovering or tapping a box lights
// up its counterpart in the other half. The SVG is parsed as XML and only drawing
// elements and attributes are kept: no script, no link, no event handler.

import { clear, el } from './dom.js';

const ALLOWED = new Set(['svg', 'g', 'title', 'polygon', 'path', 'ellipse', 'polyline',
  'text', 'tspan', 'a', 'defs', 'line', 'rect', 'circle', 'linearGradient',
  'radialGradient', 'stop']);

function cleaned(svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length) return null;
  for (const node of Array.from(root.querySelectorAll('*'))) {
    if (!ALLOWED.has(node.localName)) { node.remove(); continue; }
    for (const attr of Array.from(node.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name.endsWith('href')) {
        node.removeAttribute(attr.name);
      }
    }
  }
  // Graphviz names each shape in a <title> (r0, cluster_r1): not for people. The
  // <a> titles, which hold the notes, stay as tooltips.
  for (const title of Array.from(root.querySelectorAll('g > title'))) title.remove();
  return document.importNode(root, true);
}

export class DiffPicture {
  constructor(box, controls) {
    this.box = box;
    this.zoom = 1;
    this.svg = null;
    this.pinned = null;
    this.pairs = {};
    this.drag = null;
    controls.querySelectorAll('[data-zoom]').forEach((button) => {
      button.addEventListener('click', () => {
        const how = button.dataset.zoom;
        this.setZoom(how === 'in' ? this.zoom * 1.5 : how === 'out' ? this.zoom / 1.5 : 1);
      });
    });
    box.addEventListener('wheel', (e) => {
      if (!this.svg || !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      this.setZoom(this.zoom * (e.deltaY < 0 ? 1.2 : 1 / 1.2));
    }, { passive: false });
    box.addEventListener('pointerdown', (e) => {
      if (e.pointerType === 'mouse' && this.scrollable()) {
        this.drag = [e.clientX, e.clientY, box.scrollLeft, box.scrollTop];
        box.classList.add('dragging');
      }
    });
    window.addEventListener('pointerup', () => {
      this.drag = null;
      box.classList.remove('dragging');
    });
    box.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      box.scrollLeft = this.drag[2] - (e.clientX - this.drag[0]);
      box.scrollTop = this.drag[3] - (e.clientY - this.drag[1]);
    });
    new ResizeObserver(() => this.layout()).observe(box);
  }

  scrollable() {
    return this.box.scrollWidth > this.box.clientWidth + 1 ||
      this.box.scrollHeight > this.box.clientHeight + 1;
  }

  show(svgText, pairs, problem) {
    clear(this.box);
    this.svg = null;
    this.pairs = pairs || {};
    this.pinned = null;
    const svg = svgText ? cleaned(svgText) : null;
    if (!svg) {
      this.box.append(el('p', { class: 'picture-problem' },
        problem || 'The diff picture could not be shown.'));
      return;
    }
    const box = svg.viewBox && svg.viewBox.baseVal;
    this.natural = box && box.width ? [box.width, box.height]
      : [parseFloat(svg.getAttribute('width')) || 800, parseFloat(svg.getAttribute('height')) || 600];
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'The reference and your recall side by side');
    this.svg = svg;
    this.box.append(svg);
    this.zoom = 1;
    this.layout();
    this.box.scrollTop = 0;
    this.box.scrollLeft = 0;
    svg.querySelectorAll('g.node').forEach((g) => {
      g.addEventListener('mouseenter', () => this.light(g.id, true));
      g.addEventListener('mouseleave', () => { if (this.pinned !== g.id) this.light(g.id, false); });
      g.addEventListener('click', () => {
        if (this.pinned) this.light(this.pinned, false);
        this.pinned = this.pinned === g.id ? null : g.id;
        if (this.pinned) this.light(this.pinned, true);
      });
    });
  }

  // The scale that shows the whole picture in the pane; when that would make its text
  // too small to read (a tall picture), the width fits and the pane scrolls down. Never
  // much larger than the picture's own size.
  fit() {
    const [w, h] = this.natural;
    const across = (this.box.clientWidth - 2) / w;
    const down = (this.box.clientHeight - 2) / h;
    const whole = Math.min(across, down);
    return whole >= 0.5 ? Math.min(whole, 1.3) : Math.min(across, 1.0);
  }

  layout() {
    if (!this.svg) return;
    const scale = this.fit() * this.zoom;
    this.svg.setAttribute('width', String(Math.max(1, Math.floor(this.natural[0] * scale))));
    this.svg.setAttribute('height', String(Math.max(1, Math.floor(this.natural[1] * scale))));
  }

  setZoom(zoom) {
    if (!this.svg) return;
    const box = this.box;
    const cx = (box.scrollLeft + box.clientWidth / 2) / Math.max(1, box.scrollWidth);
    const cy = (box.scrollTop + box.clientHeight / 2) / Math.max(1, box.scrollHeight);
    this.zoom = Math.max(1, Math.min(8, zoom));
    this.layout();
    box.scrollLeft = cx * box.scrollWidth - box.clientWidth / 2;
    box.scrollTop = cy * box.scrollHeight - box.clientHeight / 2;
  }

  light(id, on) {
    for (const key of [id, this.pairs[id]]) {
      const g = key && this.svg && this.svg.querySelector(`[id="${CSS.escape(key)}"]`);
      if (g) g.classList.toggle('hl', on);
    }
  }
}
