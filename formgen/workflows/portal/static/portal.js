// formgen portal: live checks and autosave of a section, character counts, upload progress.
// Loaded from /static (the Content-Security-Policy allows no inline script). Without it
// every page still reads, and every form still saves by its own submit buttons.
"use strict";

(function () {
  // Characters as a reader counts them (formgen.model.textcount): no white space, no format marks.
  function readerLength(text) {
    let n = 0;
    for (const ch of text.normalize("NFC")) {
      if (!/\s/u.test(ch) && !/\p{Cf}/u.test(ch)) n += 1;
    }
    return n;
  }

  // The server's messages read "中文 / English"; a user sees the Chinese.
  function chinese(text) {
    return typeof text === "string" ? text.split(" / ")[0] : "";
  }

  function updateCount(input) {
    const limit = Number(input.dataset.maxChars);
    const out = document.querySelector('[data-count-for="' + CSS.escape(input.id) + '"]');
    if (!out || !limit) return;
    const n = readerLength(input.value);
    out.textContent = "已写" + n + "字，限" + limit + "字" + (n > limit ? "（超出" + (n - limit) + "字）" : "");
    out.classList.toggle("over", n > limit);
  }

  // The fields the user has left (by name): their problems show; a field nobody has reached
  // yet shows none, until the user tries to go on (the page then comes with data-checked).
  const left = new Set();

  function reached(form, target) {
    if (form.dataset.checked) return true;
    for (const name of left) {
      if (name === target || name.startsWith(target + ".") || name.startsWith(target + "[")) return true;
    }
    return false;
  }

  function showProblems(form, problems) {
    form.querySelectorAll(".problems").forEach(function (box) { box.textContent = ""; });
    problems.forEach(function (p) {
      if (!reached(form, p.target)) return;
      const box = form.querySelector('[data-problems-for="' + CSS.escape(p.target) + '"]');
      if (!box) return;
      const line = document.createElement("p");
      line.className = "problem " + p.severity;
      const own = p.path !== p.target && p.label ? p.label.split(" › ").pop() + "：" : "";
      line.textContent = (p.severity === "error" ? "错误：" : "提示：") + own + p.message_zh;
      box.appendChild(line);
    });
  }

  function trackLeaving(form) {
    // What the server already shows (typed fields) counts as reached.
    form.querySelectorAll(".problems").forEach(function (box) {
      if (box.children.length) left.add(box.dataset.problemsFor);
    });
    form.addEventListener("focusout", function (event) {
      const name = event.target && event.target.name;
      if (name && !name.startsWith("_") && name !== "csrf" && name !== "version") left.add(name);
    });
  }

  // A link to a problem lands on its field: the input gets the focus, not only the scroll.
  function focusLinks() {
    document.querySelectorAll("a[data-focus]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        const box = document.getElementById(link.dataset.focus);
        if (!box) return;
        const input = box.matches("input, select, textarea") ? box : box.querySelector("input, select, textarea");
        event.preventDefault();
        box.scrollIntoView({ block: "center" });
        (input || box).focus();
      });
    });
    const hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash === "problems") {
      const summary = document.getElementById("problems");
      if (summary) summary.focus();
    } else if (hash.startsWith("f-")) {
      const box = document.getElementById(hash);
      const input = box && (box.matches("input, select, textarea") ? box : box.querySelector("input, select, textarea"));
      if (input) input.focus();
    }
  }

  function autosave(form) {
    const state = document.getElementById("save-state");
    const version = document.getElementById("version");
    let timer = null;
    let running = false;
    let again = false;

    // data-state says where the page's changes are: "pending" from a change until its save
    // has answered, then "saved" or "failed" (tests and assistive tools read it).
    function mark(value) { state.dataset.state = value; }

    async function save() {
      if (running) { again = true; return; }
      running = true;
      state.textContent = "正在保存…";
      try {
        const response = await fetch(form.dataset.autosave, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        const body = await response.json();
        if (response.ok) {
          version.value = body.version;
          showProblems(form, body.problems);
          const errors = body.problems.filter(function (p) { return p.severity === "error"; }).length;
          state.textContent = "已保存草稿" + (errors ? "（本部分还有" + errors + "处待改正，离开各栏后显示）" : "");
          if (!again && !timer) mark("saved");
        } else {
          state.textContent = chinese(body.detail) || "保存失败";
          state.classList.add("stale");
          mark("failed");
        }
      } catch (e) {
        state.textContent = "未能保存，请检查网络";
        mark("failed");
      } finally {
        running = false;
        if (again) { again = false; save(); }
      }
    }

    function soon() {
      mark("pending");
      clearTimeout(timer);
      timer = setTimeout(function () { timer = null; save(); }, 400);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    // Closing the tab saves what is pending at once.
    window.addEventListener("pagehide", function () {
      if (timer) { clearTimeout(timer); navigator.sendBeacon(form.dataset.autosave, new FormData(form)); }
    });
  }

  function uploadProgress(form) {
    const bar = document.getElementById("upload-progress");
    const status = document.getElementById("upload-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      request.addEventListener("load", function () {
        if (request.status >= 200 && request.status < 300) {
          status.textContent = "已上传";
          window.location.reload();
        } else {
          let detail = "上传失败（" + request.status + "）";
          try { detail = chinese(JSON.parse(request.responseText).detail) || detail; } catch (e) { /* not JSON */ }
          status.textContent = detail;
          status.className = "problem error";
          bar.hidden = true;
        }
      });
      request.addEventListener("error", function () { status.textContent = "上传失败，请检查网络"; status.className = "problem error"; });
      request.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-max-chars]").forEach(function (input) {
      updateCount(input);
      input.addEventListener("input", function () { updateCount(input); });
    });
    const form = document.getElementById("section-form");
    if (form) trackLeaving(form);
    if (form && form.dataset.autosave && document.getElementById("version")) autosave(form);
    focusLinks();
    const upload = document.getElementById("upload-form");
    if (upload) uploadProgress(upload);
  });
})();
