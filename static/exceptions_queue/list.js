// "Select all" for the exceptions table (the page works without it).
document.addEventListener("DOMContentLoaded", function () {
  var all = document.querySelector("#bulk-form input.select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('#bulk-form input[name="ids"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
});
