/* The course's live explorers on a static page: what ipywidgets' manager leaves out.
 *
 * docs/conf.py keeps a widget view on a page only where it works without a kernel (a box
 * of class "ngopt-frames": a still background, a Stack of frames, a slider jslinked to
 * it), inside <div class="ngopt-live-widget" data-ngopt-alt="...">. The manager
 * (ipywidgets/embed.js) draws it after the page loads, but
 *  - ipywidgets' Image draws an <img> with no alt: the frames box's first image (the
 *    still background, the figure itself) gets the figure's description, any other image
 *    its tooltip, else alt="" (a transparent frame over the background: the slider's
 *    value says which one is shown);
 *  - a slider's handle (role="slider") is not tied to its description: it gets
 *    aria-labelledby to the description's <label>, so a screen reader names it, and the
 *    readout's text as aria-valuetext ("0.9", where a SelectionSlider's handle says "1");
 *  - a label without a tooltip gets title="null": that title goes;
 *  - in the theme's dark mode every output image gets an opaque background, which would
 *    hide the still background under a frame: a frame (class ngopt-frame-overlay) keeps
 *    its transparency.
 */
(function () {
  "use strict";
  let next = 0;

  // ipywidgets' views typeset every description with MathJax 2's API,
  // MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the site runs MathJax 3, which
  // has no Hub ("Cannot read properties of undefined (reading 'Queue')"). A Hub whose Queue
  // typesets the element with MathJax 3 once it is ready (its first pass typesets the page).
  function addHub(mathJax) {
    if (!mathJax || typeof mathJax !== "object" || mathJax.Hub) return;
    Object.defineProperty(mathJax, "Hub", {enumerable: false, configurable: true, value: {
      Queue(job) {
        const element = Array.isArray(job) ? job[2] : null;
        const ready = window.MathJax && window.MathJax.typesetPromise;
        if (element && ready) window.MathJax.typesetPromise([element]).catch(() => {});
      }}});
  }
  let mathJax = window.MathJax;
  addHub(mathJax);
  Object.defineProperty(window, "MathJax", {configurable: true, enumerable: true,
    get() { return mathJax; },
    set(value) { mathJax = value; addHub(value); }});

  // The Play widget's buttons show only an icon: name them for a screen reader.
  const ICON_NAMES = {"fa-play": "play", "fa-pause": "pause", "fa-stop": "stop", "fa-retweet": "repeat",
                      "fa-repeat": "repeat"};
  function nameButtons(live) {
    live.querySelectorAll("button").forEach((button) => {
      if (button.textContent.trim() || button.hasAttribute("aria-label")) return;
      const icon = button.querySelector("i");
      const name = icon && Object.keys(ICON_NAMES).find((cls) => icon.classList.contains(cls));
      button.setAttribute("aria-label", button.getAttribute("title") || (name ? ICON_NAMES[name] : "button"));
    });
  }

  function describe(live) {
    live.querySelectorAll(".ngopt-frames").forEach((box) => {
      const images = box.querySelectorAll("img");
      images.forEach((img, index) => {
        if (img.hasAttribute("alt")) return;
        const title = img.getAttribute("title");
        if (index === 0) img.setAttribute("alt", live.dataset.ngoptAlt || title || "");
        else {
          img.setAttribute("alt", title || "");
          img.classList.add("ngopt-frame-overlay");
        }
      });
    });
    live.querySelectorAll(".widget-label[title='null']").forEach((label) => label.removeAttribute("title"));
    live.querySelectorAll(".widget-slider").forEach((slider) => {
      const label = slider.querySelector(".widget-label");
      const handle = slider.querySelector("[role='slider']");
      if (!handle) return;
      if (label && label.textContent.trim() && !handle.hasAttribute("aria-labelledby")) {
        if (!label.id) label.id = `ngopt-slider-label-${next++}`;
        handle.setAttribute("aria-labelledby", label.id);
      }
      const readout = slider.querySelector(".widget-readout")?.textContent.trim();
      if (readout && handle.getAttribute("aria-valuetext") !== readout) handle.setAttribute("aria-valuetext", readout);
    });
  }

  const style = document.createElement("style");
  style.textContent = "html[data-theme=dark] .bd-content div.cell_output .ngopt-frames " +
                      "img.ngopt-frame-overlay { background-color: transparent; }";
  document.head.appendChild(style);

  function describeAll() {
    document.querySelectorAll(".ngopt-live-widget").forEach((live) => { describe(live); nameButtons(live); });
  }

  // The manager renders asynchronously, a Stack redraws its frame on every change, and the
  // slider rewrites its readout and its aria-valuetext on every move.
  new MutationObserver(describeAll).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["aria-valuetext"]});
})();
