/*! kubeplay embed: turns
 *   <script src=".../embed.js" data-lesson="statefulset-daemonset" data-lang="zh-TW"
 *           data-height="520" data-theme="dark"></script>
 * or <div data-kubeplay data-lesson="…"></div> into a sized, lazily loaded iframe of the
 * playground that grows with its content. It reads nothing from the page and accepts only
 * height messages from its own iframe. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(".", script.src) : new URL(".", location.href);
  var OPTIONS = ["lesson", "lang", "theme", "layout", "nodes", "speed", "autoplay", "files", "commands"];
  var MIN_HEIGHT = 200, MAX_HEIGHT = 4000;
  var TEXT = {
    en: { title: "kubeplay: a Kubernetes playground", load: "▶ Load the Kubernetes playground" },
    "zh-TW": { title: "kubeplay：Kubernetes 練習場", load: "▶ 載入 Kubernetes 練習場" }
  };

  function clampHeight(h) {
    h = parseInt(h, 10);
    if (!isFinite(h)) h = 520;
    return Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, h));
  }

  function appUrl(el) {
    var url = new URL("index.html", base);
    url.searchParams.set("embed", "1");
    OPTIONS.forEach(function (name) {
      var v = el.getAttribute("data-" + name);
      if (v !== null && v !== "") url.searchParams.set(name, v);
    });
    return url;
  }

  function mount(el, placeAfter) {
    if (el.getAttribute("data-kubeplay-mounted")) return;
    el.setAttribute("data-kubeplay-mounted", "1");
    var url = appUrl(el);
    var box = document.createElement("div");
    box.className = "kubeplay-embed";
    box.style.position = "relative";
    box.style.width = "100%";
    box.style.height = clampHeight(el.getAttribute("data-height")) + "px";
    // The frame's name and the load button in the playground's language (data-lang, else
    // the reader's), like everything inside it.
    var lang = el.getAttribute("data-lang") || (navigator.languages || [navigator.language || ""])[0] || "";
    var words = /^zh\b/i.test(lang) ? TEXT["zh-TW"] : TEXT.en;
    var title = el.getAttribute("data-title") || words.title;

    var iframe = null;
    function load() {
      if (iframe) return;
      iframe = document.createElement("iframe");
      iframe.src = url.href;
      iframe.title = title;
      iframe.loading = "lazy";
      // Scripts for the app itself; no top navigation, no access to this page. Copying
      // to the clipboard is the `allow` below (not a sandbox flag: Chromium logs an error).
      iframe.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups");
      iframe.setAttribute("allow", "clipboard-write");
      iframe.style.cssText = "width:100%;height:100%;border:1px solid #d5dbe3;border-radius:8px;";
      box.textContent = "";
      box.appendChild(iframe);
    }

    window.addEventListener("message", function (e) {
      // Only our own iframe, from the app's origin, and only a number.
      if (!iframe || e.source !== iframe.contentWindow || e.origin !== url.origin) return;
      var d = e.data;
      if (!d || d.type !== "kubeplay:height" || typeof d.height !== "number") return;
      box.style.height = clampHeight(d.height) + "px";
    });

    if (el.hasAttribute("data-click-to-load")) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = el.getAttribute("data-button-label") || words.load;
      button.style.cssText = "width:100%;height:100%;font:inherit;cursor:pointer;border:1px dashed #8f9bad;border-radius:8px;background:transparent;";
      button.addEventListener("click", load);
      box.appendChild(button);
    } else if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries.some(function (en) { return en.isIntersecting; })) {
          io.disconnect();
          load();
        }
      }, { rootMargin: "200px" });
      io.observe(box);
    } else {
      load();
    }

    if (placeAfter) el.parentNode.insertBefore(box, el.nextSibling);
    else el.appendChild(box);
  }

  function scan() {
    if (script && script.hasAttribute("data-lesson") || script && script.hasAttribute("data-layout") ||
        script && script.hasAttribute("data-autoplay") || script && script.hasAttribute("data-height")) {
      mount(script, true);
    }
    var divs = document.querySelectorAll("div[data-kubeplay]");
    for (var i = 0; i < divs.length; i++) mount(divs[i], false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
