// Staff pages: small helpers, no framework. Served by the app (no CDN).
(function () {
  // Choosing another fee year fills the amount with what that year still owes.
  document.querySelectorAll("select[data-fill-amount]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.querySelector(select.getAttribute("data-fill-amount"));
      if (target && option) { target.value = option.getAttribute("data-outstanding") || ""; }
    });
  });
  // Share the receipt check link (phone share sheet), or copy it.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-share");
      var title = button.getAttribute("data-title") || document.title;
      if (navigator.share) {
        navigator.share({ title: title, url: url }).catch(function () {});
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(url).then(function () { button.textContent = "已复制链接"; });
      } else {
        window.prompt("复制这个链接", url);
      }
    });
  });
  // A form that moves money is sent once, however often it is tapped.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
