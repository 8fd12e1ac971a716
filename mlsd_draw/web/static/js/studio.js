// The studio's page: the views, the navigation between them (#drill, #quiz, #review), and
// what the views share (a toast for messages, a way to open another view).
//
// A view is a module exporting `id`, `title`, `init(ctx)` (called once) and
// `show(ctx, request)` (each time it is opened; `request` may ask it for something,
// as {case: ID} asks the drill view to start that case). Its markup is a
// <section class="view" data-view="ID"> in index.html. To add a view: write its
// module, list it in VIEWS, add its section, and add its endpoints to `api_routes` in
// mlsd_draw/web/site.py (the quiz view is an example of all three).

import * as drill from './drill.js';
import * as quiz from './quiz.js';
import * as review from './review.js';
import { $, el, clear } from './dom.js';

const VIEWS = [drill, quiz, review];

const ctx = {
  current: null,
  open(id, request) {
    const view = VIEWS.find((v) => v.id === id) || VIEWS[0];
    if (location.hash !== `#${view.id}`) history.replaceState(null, '', `#${view.id}`);
    for (const v of VIEWS) {
      document.querySelector(`[data-view="${v.id}"]`).hidden = v !== view;
      const link = $(`nav-${v.id}`);
      link.classList.toggle('active', v === view);
      if (v === view) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (this.current !== view.id) window.scrollTo(0, 0);
    this.current = view.id;
    view.show(ctx, request || {});
  },
  toast(message) {
    const toast = $('toast');
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { toast.hidden = true; }, 5000);
  },
  note(text) {
    $('topnote').textContent = text;
  },
};

function start() {
  const nav = clear($('nav'));
  for (const view of VIEWS) {
    nav.append(el('a', { href: `#${view.id}`, id: `nav-${view.id}` }, view.title));
    view.init(ctx);
  }
  window.addEventListener('hashchange', () => ctx.open(location.hash.slice(1)));
  ctx.open(location.hash.slice(1) || VIEWS[0].id);
}

start();
