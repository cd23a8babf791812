// adwatch pages: keyboard shortcuts only. Everything works without this file.
//   queue:  j / k move the selection, Enter opens it, / goes to the filters
//   one ad: j / k next and previous ad of the queue, 1-4 label, / back to the queue's filters
(function () {
  'use strict';
  var body = document.body;
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' ||
                 t.isContentEditable);
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-ad]'));
  var sel = -1;
  function select(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (sel >= 0) rows[sel].classList.remove('sel');
    sel = i;
    rows[sel].classList.add('sel');
    var a = rows[sel].querySelector('a');
    if (a) a.focus();
  }
  function follow(rel) {
    var a = document.querySelector('a[rel="' + rel + '"]');
    if (a) window.location.assign(a.href);
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var page = body.getAttribute('data-page');
    if (e.key === '/') {
      var f = document.getElementById('filter');
      if (f) { e.preventDefault(); f.focus(); return; }
      var q = document.querySelector('a[data-queue]');
      if (q) { e.preventDefault(); window.location.assign(q.href + '#filter'); }
      return;
    }
    if (page === 'queue') {
      if (e.key === 'j') { e.preventDefault(); select(sel + 1); }
      if (e.key === 'k') { e.preventDefault(); select(sel - 1); }
      return;
    }
    if (page === 'ad') {
      if (e.key === 'j') { e.preventDefault(); follow('next'); return; }
      if (e.key === 'k') { e.preventDefault(); follow('prev'); return; }
      var b = document.querySelector('button[data-key="' + e.key + '"]');
      if (b) { e.preventDefault(); b.click(); }
    }
  });
  if (location.hash === '#filter') {
    var f = document.getElementById('filter');
    if (f) f.focus();
  }
  body.setAttribute('data-ready', '1');
})();
