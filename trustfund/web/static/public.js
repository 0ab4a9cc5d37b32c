/* Residents' pages: copy buttons for hashes (no inline script: the Content-Security-Policy
   allows script files of this site only). Without scripts the pages still read completely;
   the copy buttons stay hidden (they appear once html has the class "js"). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // plain http on a LAN address, old WebViews: a hidden text area and execCommand
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy refused"));
      } catch (err) {
        reject(err);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    var text = button.getAttribute("data-copy") || "";
    copyText(text).then(
      function () { button.textContent = "已复制"; },
      function () {
        // could not copy: open the whole hash so it can be selected by hand
        var details = button.parentNode.querySelector("details");
        if (details) details.open = true;
        button.textContent = "请手动复制";
      }
    );
  });
})();
