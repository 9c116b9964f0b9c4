// kho web UI: the pages work without this script; it only moves keyboard focus to the first
// error or confirmation so that screen readers and keyboard users land on it, and fills the
// upload form with what kho read from the chosen file (below).
document.addEventListener("DOMContentLoaded", function () {
  var message = document.querySelector("main [role=alert], main [role=status]");
  if (message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
});

// The upload form: once a file is chosen, kho reads it (text layer or OCR, nothing stored) and
// the metadata its text suggests is filled into the fields left empty, each marked as a
// suggestion to check. Without this script the form works the same, unfilled.
document.addEventListener("DOMContentLoaded", function () {
  var file = document.querySelector("input[type=file][data-suggest]");
  var status = document.getElementById("goi-y");
  if (!file || !status || !window.fetch || !window.FormData) {
    return;
  }
  var form = file.form;
  function isoToShown(iso) {
    var p = (iso || "").split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso;
  }
  function unmark(input) {
    input.classList.remove("suggested");
    // Whatever described the input before (a broken rule under it) describes it again.
    var before = input.getAttribute("data-described-before");
    if (before) {
      input.setAttribute("aria-describedby", before);
    } else {
      input.removeAttribute("aria-describedby");
    }
    input.removeAttribute("data-described-before");
    var note = document.getElementById("goi-y-" + input.id);
    if (note) {
      note.parentNode.removeChild(note);
    }
  }
  function suggest(name, value, also) {
    var input = form.elements[name];
    if (!input || !value || input.value.trim() !== "") {
      return 0;
    }
    input.value = value;
    input.classList.add("suggested");
    var note = document.createElement("small");
    note.id = "goi-y-" + input.id;
    note.className = "suggestion";
    note.textContent = "Gợi ý từ nội dung tệp, hãy kiểm tra" + (also ? " (cũng thấy: " + also + ")" : "");
    input.parentNode.insertBefore(note, input.nextSibling);
    var described = input.getAttribute("aria-describedby");
    if (described) {
      input.setAttribute("data-described-before", described);
    }
    input.setAttribute("aria-describedby", described ? described + " " + note.id : note.id);
    input.addEventListener("input", function () { unmark(input); }, { once: true });
    return 1;
  }
  file.addEventListener("change", function () {
    if (!file.files || !file.files.length) {
      return;
    }
    var body = new FormData();
    body.append("csrf", form.elements["csrf"].value);
    body.append("file", file.files[0]);
    status.textContent = "Đang đọc nội dung tệp để gợi ý thông tin...";
    fetch(file.getAttribute("data-suggest"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (s) {
        var ids = s.owner_ids || [];
        var filled = suggest("owner_id", ids[0], ids.slice(1).join(", "))
          + suggest("owner_name", s.owner_name)
          + suggest("issued_on", s.issued_on ? isoToShown(s.issued_on) : "")
          + suggest("doc_number", s.doc_number)
          + suggest("issuer", s.issuer);
        status.textContent = filled
          ? "Đã điền " + filled + " gợi ý từ nội dung tệp (đánh dấu bên dưới): hãy kiểm tra trước khi lưu."
          : "Không có gợi ý nào từ nội dung tệp cho các ô còn trống.";
        document.body.setAttribute("data-suggested", String(filled));
      })
      .catch(function () {
        status.textContent = "Không đọc được tệp để gợi ý; hãy nhập thông tin như thường lệ.";
        document.body.setAttribute("data-suggested", "error");
      });
  });
});
