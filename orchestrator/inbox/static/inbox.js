// Docket's task lists (the inbox and "My work"): keyboard shortcuts (j/k
// move through the tasks, c claims the selected one, r opens it to resolve,
// n opens the next task to work, ? shows the help; keys typed into a form
// field are left alone) and the reader's local time beside the calendar's
// when hovering over a deadline or an age. Served from /static under the
// pages' Content-Security-Policy (script-src 'self'); the page works
// without it.
(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('#tasks tr.task'));
  var help = document.getElementById('kbd-help');
  var closer = document.getElementById('kbd-help-close');
  var live = document.createElement('p');
  live.className = 'visually-hidden';
  live.setAttribute('role', 'status');
  document.body.appendChild(live);
  var cur = -1;
  var before = null;

  // Deadlines and ages carry the calendar's time on hover; add the
  // reader's own.
  Array.prototype.forEach.call(document.querySelectorAll('#tasks time[datetime]'), function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d.getTime())) {
      t.title = (t.title ? t.title + ' · ' : '') + 'your time ' + d.toLocaleString();
    }
  });

  function select(i) {
    if (rows.length === 0) {
      return;
    }
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (cur >= 0) {
      rows[cur].classList.remove('selected');
    }
    cur = i;
    rows[cur].classList.add('selected');
    var link = rows[cur].querySelector('a.open');
    if (link) {
      link.focus();
    }
    rows[cur].scrollIntoView({block: 'nearest'});
  }

  function typing(el) {
    if (!el || !el.tagName) {
      return false;
    }
    if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') {
      return true;
    }
    return el.tagName === 'INPUT' && el.type !== 'checkbox' && el.type !== 'radio' && el.type !== 'submit';
  }

  function showHelp(show) {
    if (!help) {
      return;
    }
    if (show) {
      before = document.activeElement;
      help.hidden = false;
      closer.focus();
    } else {
      help.hidden = true;
      if (before && before.focus) {
        before.focus();
      }
    }
  }

  if (closer) {
    closer.addEventListener('click', function () { showHelp(false); });
    // A click beside the box closes the help too.
    help.addEventListener('click', function (e) {
      if (e.target === help) {
        showHelp(false);
      }
    });
  }

  // A row clicked (not on a control) becomes the selected one.
  rows.forEach(function (row, i) {
    row.addEventListener('click', function (e) {
      if (!e.target.closest('a, button, input, select')) {
        select(i);
      }
    });
  });

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) {
      return;
    }
    if (help && !help.hidden) {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault();
        showHelp(false);
      } else if (e.key === 'Tab') {
        // The help is modal: its one control keeps the focus.
        e.preventDefault();
        closer.focus();
      }
      return;
    }
    switch (e.key) {
    case 'j':
      select(cur + 1);
      break;
    case 'k':
      select(cur < 0 ? 0 : cur - 1);
      break;
    case 'c':
      if (cur < 0) {
        live.textContent = 'Select a task first: press j.';
        break;
      }
      var form = rows[cur].querySelector('form.claim');
      if (!form) {
        live.textContent = 'This task is already assigned; it cannot be claimed.';
        break;
      }
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
      break;
    case 'r':
      if (cur >= 0) {
        window.location.assign(rows[cur].querySelector('a.open').href);
      }
      break;
    case 'n':
      window.location.assign('/next');
      break;
    case '?':
      showHelp(true);
      break;
    default:
      return;
    }
    e.preventDefault();
  });
}());
