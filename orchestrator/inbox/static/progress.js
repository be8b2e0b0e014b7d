// Live progress of runs that have not ended: every element with
// data-run="<id>" is refreshed from the run's JSON (/api/v1/runs/<id>)
// every two seconds until the run ends; its children with data-field name
// the run field they show (status, pages, records, created, updated,
// screenshots). When the run ends the element says so and polling stops.
(function () {
  'use strict';
  var done = {succeeded: true, failed: true};
  Array.prototype.forEach.call(document.querySelectorAll('[data-run]'), function (el) {
    var id = el.getAttribute('data-run');
    var timer = null;
    function show(run) {
      Array.prototype.forEach.call(el.querySelectorAll('[data-field]'), function (f) {
        var name = f.getAttribute('data-field');
        if (Object.prototype.hasOwnProperty.call(run, name)) {
          f.textContent = String(run[name]);
          if (name === 'status') {
            f.className = run.status;
          }
        }
      });
      if (done[run.status]) {
        window.clearInterval(timer);
        el.setAttribute('data-ended', run.status);
      }
    }
    function poll() {
      fetch('/api/v1/runs/' + encodeURIComponent(id), {credentials: 'same-origin', headers: {Accept: 'application/json'}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && body.run) {
            show(body.run);
          }
        })
        .catch(function () {});
    }
    timer = window.setInterval(poll, 2000);
    poll();
  });
}());
