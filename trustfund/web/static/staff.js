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
  // Claim lines: the reference price in force, the line amount, the difference, and the
  // reason field when the unit price is above the reference (the server checks it again).
  function cents(text) {
    var t = (text || "").trim();
    if (!/^\d+(\.\d+)?$/.test(t)) { return null; }
    return parseFloat(t);
  }
  function money(n) { return (Math.round(n * 100) / 100).toFixed(2); }
  function check(line) {
    var select = line.querySelector("[data-item]");
    var option = select && select.options[select.selectedIndex];
    var ref = option ? option.getAttribute("data-price") : null;
    var unit = option ? option.getAttribute("data-unit") : null;
    var qty = cents(line.querySelector("[data-quantity]").value);
    var price = cents(line.querySelector("[data-unit-price]").value);
    var unitInput = line.querySelector("input[data-unit]");
    if (unit && unitInput && !unitInput.value) { unitInput.value = unit; }
    var text = ref ? "参考价 " + ref + " 元/" + unit : "无参考价";
    var over = 0;
    if (qty !== null && price !== null) {
      text += " · 本行 " + money(qty * price) + " 元";
      if (ref && price > parseFloat(ref)) {
        over = qty * price - qty * parseFloat(ref);
        text += " · 高于参考价 " + money(over) + " 元";
      }
    }
    var out = line.querySelector("[data-check]");
    out.textContent = text;
    out.classList.toggle("owes", over > 0);
    var reason = line.querySelector("[data-reason]");
    if (over > 0 || reason.querySelector("textarea").value) { reason.hidden = false; }
    return qty !== null && price !== null ? qty * price : 0;
  }
  function total() {
    var sum = 0;
    document.querySelectorAll("[data-line]").forEach(function (line) { sum += check(line); });
    var out = document.querySelector("[data-total]");
    if (out) { out.textContent = sum ? money(sum) : "—"; }
  }
  var lines = document.getElementById("lines");
  if (lines) {
    lines.addEventListener("input", total);
    lines.addEventListener("change", total);
    total();
    var add = document.querySelector("[data-add-line]");
    add.addEventListener("click", function () {
      var all = lines.querySelectorAll("[data-line]");
      var copy = all[all.length - 1].cloneNode(true);
      var n = all.length;
      copy.classList.remove("invalid");
      copy.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      copy.querySelectorAll(".invalid").forEach(function (e) { e.classList.remove("invalid"); });
      copy.querySelectorAll("input, textarea").forEach(function (e) { e.value = ""; e.removeAttribute("aria-invalid"); });
      copy.querySelectorAll("select").forEach(function (e) { e.selectedIndex = 0; });
      copy.querySelectorAll("[id]").forEach(function (e) { e.id = e.id.replace(/-\d+$/, "-" + n); });
      copy.querySelectorAll("label[for]").forEach(function (e) {
        e.setAttribute("for", e.getAttribute("for").replace(/-\d+$/, "-" + n));
      });
      copy.querySelector("[data-n]").textContent = n + 1;
      copy.querySelector("[data-reason]").hidden = true;
      lines.appendChild(copy);
      total();
    });
  }
  // Goods slips: show only the fields of the chosen kind (bought, donated, issued).
  document.querySelectorAll("form.slip").forEach(function (form) {
    function show() {
      var chosen = form.querySelector("input[name=kind]:checked");
      form.querySelectorAll("[data-for-kind]").forEach(function (field) {
        field.hidden = !chosen || field.getAttribute("data-for-kind") !== chosen.value;
      });
    }
    form.addEventListener("change", show);
    show();
  });
  // A chosen photo shows at once: its picture and file name next to the camera button,
  // before anything is uploaded (read in the browser; nothing leaves the phone yet).
  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }
  function preview(box) {
    box.textContent = "";
    var count = 0;
    box.getAttribute("data-preview").split(" ").forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) { return; }
      Array.prototype.forEach.call(input.files, function (file) {
        count += 1;
        var item = document.createElement("figure");
        item.className = "voucher chosen-file";
        if (/^image\//.test(file.type)) {
          var img = document.createElement("img");
          img.alt = file.name;
          item.appendChild(img);
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(file);
        } else {
          var pdf = document.createElement("span");
          pdf.className = "pdf";
          pdf.textContent = "PDF";
          item.appendChild(pdf);
        }
        var name = document.createElement("small");
        name.textContent = file.name + " · " + size(file.size);
        item.appendChild(name);
        box.appendChild(item);
      });
    });
    return count;
  }
  document.querySelectorAll("input[data-files]").forEach(function (input) {
    input.addEventListener("change", function () {
      var box = document.querySelector("[data-preview~='" + input.id + "']");
      var count = box ? preview(box) : input.files.length;
      var label = document.querySelector("label[for='" + input.id + "'] [data-chosen]")
        || document.querySelector("[data-chosen]");
      if (label && count) { label.textContent = "已选 " + count + " 个文件，点“上传”"; }
    });
  });
  // Claim form: the work order's photos belong to that order; choosing another order
  // unticks and hides them (the server refuses a photo of another order anyway).
  var orderSelect = document.getElementById("f-work_order_id");
  if (orderSelect) {
    orderSelect.addEventListener("change", function () {
      document.querySelectorAll("#order-photos [data-order]").forEach(function (photo) {
        var same = photo.getAttribute("data-order") === orderSelect.value;
        photo.hidden = !same;
        if (!same) { photo.querySelector("input").checked = false; }
      });
    });
  }
  // Irreversible steps ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // A form that moves money is sent once, however often it is tapped.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
