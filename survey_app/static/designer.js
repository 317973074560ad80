/* Designer enhancements (the pages work without them): show only the question editor's groups that
   apply to the chosen type; drag and drop to reorder questions (posts the same move form the buttons
   use); open the phone-width preview in a phone-sized window. */
(function () {
  "use strict";

  function typeGroups() {
    var form = document.querySelector("form.question-form");
    if (!form) { return; }
    var select = document.getElementById(form.getAttribute("data-type-field"));
    if (!select) { return; }
    function update() {
      Array.prototype.forEach.call(form.querySelectorAll("[data-types]"), function (group) {
        var types = group.getAttribute("data-types").split(" ");
        group.hidden = types.indexOf(select.value) === -1;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  function csrf() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function postMove(row, section, position) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = row.getAttribute("data-move");
    var fields = {csrf_token: csrf(), lock_version: document.body.getAttribute("data-lock") || row.getAttribute("data-lock"),
                  section: section, position: String(position)};
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function dragAndDrop() {
    var dragged = null;
    Array.prototype.forEach.call(document.querySelectorAll(".q-row[draggable=true]"), function (row) {
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.getAttribute("data-code"));
      });
      row.addEventListener("dragend", function () { row.classList.remove("dragging"); dragged = null; });
      row.addEventListener("dragover", function (event) {
        if (dragged && dragged !== row && (dragged.getAttribute("data-section") === "hidden") === (row.getAttribute("data-section") === "hidden")) {
          event.preventDefault();
          row.classList.add("drop-target");
        }
      });
      row.addEventListener("dragleave", function () { row.classList.remove("drop-target"); });
      row.addEventListener("drop", function (event) {
        event.preventDefault();
        row.classList.remove("drop-target");
        if (!dragged || dragged === row) { return; }
        var list = row.parentNode;
        var position = Array.prototype.indexOf.call(list.children, row);
        postMove(dragged, row.getAttribute("data-section"), position);
      });
    });
  }

  function phoneWindow() {
    Array.prototype.forEach.call(document.querySelectorAll("a[data-phone-window]"), function (link) {
      link.addEventListener("click", function (event) {
        var opened = window.open(link.href, "survey-phone-preview", "width=400,height=800");
        if (opened) { event.preventDefault(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    typeGroups();
    dragAndDrop();
    phoneWindow();
  });
}());
