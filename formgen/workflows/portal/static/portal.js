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

  // Whether an input of `form` differs from what the page was served with.
  function changedSinceLoad(form) {
    return Array.from(form.elements).some(function (e) {
      if (e.type === "checkbox" || e.type === "radio") return e.checked !== e.defaultChecked;
      if (e.tagName === "SELECT") {
        // With no option marked selected, a list shows its first option.
        const options = Array.from(e.options);
        const marked = options.some(function (o) { return o.defaultSelected; });
        return options.some(function (o, n) {
          return o.selected !== (marked || e.multiple ? o.defaultSelected : n === 0);
        });
      }
      if (e.tagName === "TEXTAREA" || (e.tagName === "INPUT" && !["hidden", "file"].includes(e.type))) {
        return e.value !== e.defaultValue;
      }
      return false;
    });
  }

  // The page's saves run one after another, never two at once, and each takes the version the
  // one before it returned: the page's own saves never conflict with each other. The form's
  // buttons wait for them, then post with the newest version. Only another tab's save gives a
  // conflict; then what was typed stays on the page and the message says what to do.
  //
  // A page posts its form once. The old page stays on screen until the answer comes, and a
  // second click there (增加一行 pressed twice, or pressed again because nothing seemed to
  // happen) would post a second row action: a row the user never added. So once the page's
  // post has gone, further posts and autosaves of this page are dropped.
  function autosave(form) {
    const state = document.getElementById("save-state");
    const version = document.getElementById("version");
    let timer = null;
    let queue = Promise.resolve();
    let dirty = false;
    let conflict = false;
    let sending = 0; // autosaves under way
    let waiting = false; // a button's post waits for the page's saves
    let releasing = false; // the next submit event is that post, sent by this script
    let leaving = false; // the page's post has gone

    // data-state says where the page's changes are: "pending" from a change until its save
    // has answered, then "saved" or "failed" (tests and assistive tools read it).
    function mark(value) { state.dataset.state = value; }

    async function send() {
      if (!dirty || conflict || leaving) return;
      dirty = false;
      sending += 1;
      state.textContent = "正在保存…";
      try {
        // Built now, not when queued: it carries the version the previous save returned.
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
          state.classList.remove("stale");
          if (!dirty && !timer) mark("saved");
        } else {
          conflict = response.status === 409;
          dirty = !conflict;
          state.textContent = chinese(body.detail) || "保存失败";
          state.classList.add("stale");
          mark("failed");
        }
      } catch (e) {
        dirty = true;
        state.textContent = "未能保存，请检查网络";
        mark("failed");
      } finally {
        sending -= 1;
      }
    }

    function save() {
      clearTimeout(timer);
      timer = null;
      queue = queue.then(send);
      return queue;
    }

    function soon() {
      if (leaving) return;
      dirty = true;
      mark("pending");
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    // The page shows its inputs while this deferred script still loads: what was typed before
    // it ran is saved like any later change.
    if (changedSinceLoad(form)) soon();
    function buttons(disabled) {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = disabled; });
    }

    // A button's own post waits for the page's saves, then goes with the newest version; with
    // no save pending it goes at once, as without this script.
    form.addEventListener("submit", function (event) {
      if (releasing) { releasing = false; leaving = true; return; }
      if (leaving || waiting) { event.preventDefault(); return; }
      if (!dirty && !timer && !sending) { leaving = true; return; }
      event.preventDefault();
      waiting = true;
      const button = event.submitter;
      buttons(true);
      save().then(function () {
        // From a new task: a form ignores a submit asked for while its submit event still runs
        // (as it does when this promise settles at once). The buttons are enabled in the same
        // task as the post (a disabled button sends no value), so no click comes in between.
        setTimeout(function () {
          buttons(false);
          waiting = false;
          releasing = true;
          form.requestSubmit(button);
        }, 0);
      });
    });
    // Back to this page from the browser's history: it may post again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { leaving = false; waiting = false; releasing = false; buttons(false); }
    });
    // Closing the tab saves what is pending at once.
    window.addEventListener("pagehide", function () {
      if (timer && !leaving) { clearTimeout(timer); navigator.sendBeacon(form.dataset.autosave, new FormData(form)); }
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
          status.textContent = "上传未成功：" + detail;
          status.className = "problem error upload-refused";
          status.setAttribute("role", "alert");
          bar.hidden = true;
        }
      });
      request.addEventListener("error", function () { status.textContent = "上传未成功：请检查网络"; status.className = "problem error upload-refused"; status.setAttribute("role", "alert"); });
      request.send(new FormData(form));
    });
  }

  // A list that depends on another input (区（县、市） by 市（州））: narrowed to that input's
  // value whenever it changes; the value chosen stays when the new list holds it.
  function choicesBy(select) {
    const groups = JSON.parse(select.dataset.choices);
    const form = select.form;
    if (!form) return;
    form.querySelectorAll("[name='" + select.dataset.choicesBy + "']").forEach(function (by) {
      by.addEventListener("change", function () {
        const key = by.type === "radio" ? (form.querySelector("[name='" + by.name + "']:checked") || {}).value : by.value;
        const names = groups[key] || [].concat.apply([], Object.values(groups));
        const kept = select.value;
        select.length = 1;  // the "请选择" entry
        names.forEach(function (name) { select.add(new Option(name, name, false, name === kept)); });
      });
    });
  }

  // The browser's own checks (a required field left empty, a password too short, an e-mail
  // address mistyped) speak the browser's language: in an English browser they say so in
  // Chinese all the same.
  function validityInChinese(input) {
    input.addEventListener("invalid", function () {
      const v = input.validity;
      let message = "";
      if (v.valueMissing) {
        message = input.type === "file" ? "请选择文件" : input.type === "checkbox" || input.type === "radio" || input.tagName === "SELECT" ? "请选择此项" : "请填写此项";
      } else if (v.tooShort) {
        message = "请至少填写" + input.minLength + "个字符（现为" + input.value.length + "个）";
      } else if (v.typeMismatch && input.type === "email") {
        message = "请填写有效的电子邮箱地址，如name@example.cn";
      } else if (v.badInput || v.typeMismatch || v.patternMismatch || v.rangeUnderflow || v.rangeOverflow || v.stepMismatch) {
        message = "请填写有效的值";
      }
      input.setCustomValidity(message);
    });
    const clear = function () { input.setCustomValidity(""); };
    input.addEventListener("input", clear);
    input.addEventListener("change", clear);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input, select, textarea").forEach(validityInChinese);
    document.querySelectorAll("select[data-choices-by]").forEach(choicesBy);
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
