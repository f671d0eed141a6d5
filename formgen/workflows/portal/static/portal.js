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

  function updateCount(input) {
    const limit = Number(input.dataset.maxChars);
    const out = document.querySelector('[data-count-for="' + CSS.escape(input.id) + '"]');
    if (!out || !limit) return;
    const n = readerLength(input.value);
    out.textContent = "已写" + n + "字，限" + limit + "字" + (n > limit ? "（超出" + (n - limit) + "字）" : "");
    out.classList.toggle("over", n > limit);
  }

  function showProblems(form, problems) {
    form.querySelectorAll(".problems").forEach(function (box) { box.textContent = ""; });
    problems.forEach(function (p) {
      const box = form.querySelector('[data-problems-for="' + CSS.escape(p.target) + '"]');
      if (!box) return;
      const line = document.createElement("p");
      line.className = "problem " + p.severity;
      line.textContent = (p.severity === "error" ? "错误：" : "提示：") + p.message_zh + " / " + p.message_en;
      box.appendChild(line);
    });
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
      state.textContent = "正在保存… / saving…";
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
          state.textContent = "已保存草稿 / draft saved" + (errors ? "（本部分还有" + errors + "处错误）" : "");
          if (!again && !timer) mark("saved");
        } else {
          state.textContent = body.detail || "保存失败 / not saved";
          state.classList.add("stale");
          mark("failed");
        }
      } catch (e) {
        state.textContent = "未能保存，请检查网络 / not saved: no connection";
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
          status.textContent = "已上传 / uploaded";
          window.location.reload();
        } else {
          let detail = "上传失败 / upload failed (" + request.status + ")";
          try { detail = JSON.parse(request.responseText).detail || detail; } catch (e) { /* not JSON */ }
          status.textContent = detail;
          bar.hidden = true;
        }
      });
      request.addEventListener("error", function () { status.textContent = "上传失败 / upload failed"; });
      request.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-max-chars]").forEach(function (input) {
      updateCount(input);
      input.addEventListener("input", function () { updateCount(input); });
    });
    const form = document.getElementById("section-form");
    if (form && form.dataset.autosave && document.getElementById("version")) autosave(form);
    const upload = document.getElementById("upload-form");
    if (upload) uploadProgress(upload);
  });
})();
