// A table wider than a phone scrolls inside its section, not the page.
// A keyboard can only scroll a box that takes focus (WCAG 2.1.1), so a box
// that scrolls sideways becomes a named, focusable region while it does.
(function () {
  "use strict";
  function mark() {
    var boxes = document.querySelectorAll("main section, main .scroll");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        var h = box.querySelector("h1, h2, h3");
        if (h && !box.hasAttribute("aria-label")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", h.textContent.trim() + " (scrolls sideways)");
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
