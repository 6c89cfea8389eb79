// Filing page: enterprise search by name or code, and a live preview of the visit the plan would join,
// with the enterprise's inspections of the last 12 months (首查结果负责制). Plain JS: no CDN on the intranet.
(function () {
  const form = document.getElementById("plan-form");
  if (!form) return;
  // The page's translated words, from data attributes (the Content-Security-Policy allows no inline script).
  const textEl = document.getElementById("plan-form-text");
  const T = textEl ? textEl.dataset : {};
  const enterprise = form.querySelector("[name=enterprise]");
  const start = form.querySelector("[name=window_start]");
  const end = form.querySelector("[name=window_end]");
  const urgent = form.querySelector("[name=urgent]");
  const options = document.getElementById("enterprise-options");
  const preview = document.getElementById("preview");
  const earlier = document.getElementById("earlier");
  let timer = null;

  function toggleUrgent() {
    const on = urgent && urgent.checked;
    form.querySelectorAll(".field-urgent_category, .field-urgent_reason").forEach(function (el) {
      el.style.display = on ? "" : "none";
    });
  }
  if (urgent) { urgent.addEventListener("change", function () { toggleUrgent(); refresh(); }); toggleUrgent(); }

  function text(el, value) { el.textContent = value; return el; }

  // Typeahead: wait until typing pauses (250 ms) and the fragment has two characters, drop answers to
  // fragments the user has typed past, and never ask for a count (the API returns 20 and "more").
  let searchTimer = null, searchSeq = 0;
  const SEARCH_MIN = 2, SEARCH_DEBOUNCE_MS = 250;
  enterprise.addEventListener("input", function () {
    clearTimeout(searchTimer);
    const q = enterprise.value.trim();
    if (q.length < SEARCH_MIN || q.length === 18) { options.innerHTML = ""; refresh(); return; }
    searchTimer = setTimeout(function () { suggest(q); }, SEARCH_DEBOUNCE_MS);
  });

  function suggest(q) {
    const seq = ++searchSeq;
    fetch(form.dataset.searchUrl + "?limit=20&q=" + encodeURIComponent(q), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) {
        if (seq !== searchSeq) return;
        options.innerHTML = "";
        (data.results || []).forEach(function (e) {
          const opt = document.createElement("option");
          opt.value = e.uscc; opt.label = e.name + (e.whitelisted ? " ★" : "");
          options.appendChild(opt);
        });
        if (data.more && T.more) {
          const opt = document.createElement("option");
          opt.value = q; opt.label = T.more; opt.disabled = true;
          options.appendChild(opt);
        }
      });
  }
  [enterprise, start, end].forEach(function (el) { el.addEventListener("change", refresh); });
  form.querySelectorAll("input[name=matters]").forEach(function (el) { el.addEventListener("change", refresh); });

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  }

  function load() {
    preview.innerHTML = ""; earlier.innerHTML = "";
    if (urgent && urgent.checked) return;
    if (enterprise.value.trim().length !== 18 || !start.value || !end.value) return;
    const url = form.dataset.previewUrl + "?enterprise=" + encodeURIComponent(enterprise.value.trim().toUpperCase()) +
      "&window_start=" + start.value + "&window_end=" + end.value +
      Array.prototype.map.call(form.querySelectorAll("input[name=matters]:checked"), function (box) {
        return "&matters=" + encodeURIComponent(box.value);
      }).join("");
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json().then(function (d) { return [r.ok, d]; }); })
      .then(function (res) {
        const ok = res[0], data = res[1];
        const box = document.createElement("div");
        box.className = "card " + (ok && !data.error ? "ok" : "bad");
        if (!ok) { text(box, Object.values(data).flat().join(" ")); preview.appendChild(box); return; }
        if (data.error) { text(box, data.error); }
        else { text(box, data.message); }
        preview.appendChild(box);
        if (data.cap_message) { const c = text(document.createElement("p"), data.cap_message); c.className = "cap-count"; preview.appendChild(c); }
        if (data.credit_message) { preview.appendChild(text(document.createElement("p"), data.credit_message)); }
        if (data.remote_message) {
          const rm = text(document.createElement("div"), data.remote_message);
          rm.className = "card warn remote-message"; preview.insertBefore(rm, preview.firstChild);
        }
        if (data.calendar_warning) { preview.appendChild(text(document.createElement("p"), data.calendar_warning)); }
        if (data.duplicate_warning) {
          const dup = text(document.createElement("div"), data.duplicate_warning);
          dup.className = "card bad duplicate-warning"; dup.setAttribute("role", "alert");
          preview.insertBefore(dup, preview.firstChild);
        }
        const h = text(document.createElement("h3"), T.earlier);
        earlier.appendChild(h);
        if (!data.earlier_records || !data.earlier_records.length) {
          earlier.appendChild(text(document.createElement("p"), T.none));
          return;
        }
        const ul = document.createElement("ul"); ul.className = "plain";
        data.earlier_records.forEach(function (rec) {
          const li = document.createElement("li");
          li.textContent = rec.visit_date + " · " + rec.agencies.join("、") + " · " +
            rec.matters.map(function (m) { return m.name; }).join("、");
          ul.appendChild(li);
        });
        earlier.appendChild(ul);
        const dialog = document.getElementById("earlier-dialog");
        if (dialog && dialog.showModal && dialog.dataset.shownFor !== enterprise.value) {
          const body = document.getElementById("earlier-dialog-body");
          body.innerHTML = "";
          body.appendChild(h.cloneNode(true));
          body.appendChild(ul.cloneNode(true));
          dialog.dataset.shownFor = enterprise.value;
          dialog.showModal();
        }
      });
  }
  const close = document.getElementById("earlier-close");
  if (close) close.addEventListener("click", function () { document.getElementById("earlier-dialog").close(); });
  refresh();
})();
