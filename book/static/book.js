/* The course website's few fixes to sphinx-book-theme / pydata-sphinx-theme (book/conf.py loads
 * this on every page). Each says what it repairs; tests/test_book.py checks the result in Chromium.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // 1. Navigation on a phone. The page has two .primary-toggle (and two .secondary-toggle)
    //    buttons: the navbar's, hidden by sphinx-book-theme, and the article header's, the one a
    //    reader sees. pydata-sphinx-theme binds document.querySelector(".primary-toggle"), the
    //    hidden one, so below 992 px the visible buttons did nothing (upstream:
    //    pydata-sphinx-theme #2451, sphinx-book-theme #988). Forward their clicks to the bound one.
    ["primary", "secondary"].forEach(function (side) {
      var buttons = document.querySelectorAll("." + side + "-toggle");
      var bound = buttons[0];
      for (var i = 1; i < buttons.length; i++) {
        buttons[i].addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          bound.click();
        });
      }
    });

    // 2. The search buttons show "Search Ctrl+K" but are named aria-label="Search": a speech-input
    //    user saying what they see would not reach them (axe: label-content-name-mismatch). Their
    //    name becomes their visible text.
    document.querySelectorAll("button.search-button-field[aria-label]").forEach(function (b) {
      b.removeAttribute("aria-label");
    });

    // 3. Figures enlargeable: each output image opens at full size, its alt text names the link.
    document.querySelectorAll(".cell_output img, figure.widget-static img").forEach(function (img) {
      if (img.closest("a")) return;
      var link = document.createElement("a");
      link.href = img.getAttribute("src");
      link.className = "figure-enlarge";
      link.title = "Open the figure at full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
    });
  });
})();
