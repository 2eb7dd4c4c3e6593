// Integration page: while a connection test is queued, poll its JSON status and show the
// result without a reload. Without JavaScript a refresh shows the same.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("connection-check");
  if (!box || box.dataset.status !== "queued") return;
  var url = box.dataset.statusUrl;
  var tries = 0;
  function show(id, text, ok) {
    var el = document.getElementById(id);
    if (!el) return;
    el.textContent = text || "—";
    el.classList.remove("status-ok", "status-bad");
    if (ok === true) el.classList.add("status-ok");
    if (ok === false) el.classList.add("status-bad");
  }
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "queued") {
          if (tries < 60) window.setTimeout(poll, 2000);
          return;
        }
        show("check-status", data.status_label);
        show("check-finished", data.finished_at ? new Date(data.finished_at).toLocaleString("en-GB") : "—");
        show("check-marketplace", data.marketplace_message, data.marketplace_ok);
        show("check-source", data.source_message, data.source_ok);
      })
      .catch(function () { if (tries < 60) window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
});
