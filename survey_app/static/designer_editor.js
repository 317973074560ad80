/* Question editor helpers (the page works without them: the text fields stay and are what is posted).
   - Option rows: the choices text ("1 | 예 | Yes | na exclusive other") edited as rows of fields.
   - Condition builder: question → 조건 → 값 rows joined by 그리고/또는, written into the condition text.
   The server validates what is posted; these only write the same text a person could type. */
(function () {
  "use strict";

  var FLAGS = ["na", "exclusive", "other"];

  function words() {
    var node = document.getElementById("editor-words");
    return node ? JSON.parse(node.textContent) : {};
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }

  function button(label, onClick, cls) {
    var b = el("button", {type: "button", "class": "button small " + (cls || ""), text: label});
    b.addEventListener("click", onClick);
    return b;
  }

  /* ---- option rows ---------------------------------------------------------------------------- */

  function cells(line) {
    return (line.indexOf("\t") >= 0 ? line.split("\t") : line.split("|")).map(function (c) { return c.trim(); });
  }

  var FLAG_WORDS = {na: "na", "모름": "na", "해당없음": "na", exclusive: "exclusive", "단독": "exclusive",
                    other: "other", "기타입력": "other"};

  function parseChoices(text) {
    return text.split(/\r?\n/).filter(function (line) { return line.trim(); }).map(function (line) {
      var parts = cells(line);
      var row = {value: parts[0] || "", ko: parts[1] || "", en: parts[2] || "", na: false, exclusive: false, other: false};
      parts.slice(3).join(" ").replace(/,/g, " ").split(/\s+/).forEach(function (flag) {
        var name = FLAG_WORDS[flag.toLowerCase()];
        if (name) { row[name] = true; }
      });
      return row;
    });
  }

  function choicesText(rows) {
    return rows.filter(function (r) { return r.value || r.ko || r.en; }).map(function (r) {
      var flags = FLAGS.filter(function (f) { return r[f]; }).join(" ");
      return [r.value, r.ko, r.en, flags].join(" | ").replace(/( \| )+$/, "");
    }).join("\n");
  }

  function optionRows(form, w) {
    var area = document.getElementById(form.getAttribute("data-choices"));
    if (!area) { return; }
    var rows = parseChoices(area.value);
    var body = el("tbody");
    var table = el("table", {"class": "option-rows"}, [
      el("caption", {"class": "sr-only", text: w.options_caption}),
      el("thead", {}, [el("tr", {}, [w.value, w.label_ko, w.label_en, w.na, w.exclusive, w.other, w.actions]
        .map(function (h) { return el("th", {scope: "col", text: h}); }))]), body]);
    var add = button(w.add_option, function () {
      rows.push({value: String(nextValue()), ko: "", en: "", na: false, exclusive: false, other: false});
      write(); draw(); focusRow(rows.length - 1, "value");
    });
    var holder = el("div", {"class": "option-editor"}, [table, add]);
    var details = el("details", {"class": "expert-text"}, [el("summary", {text: w.edit_as_text})]);
    var field = area.closest(".field");
    field.parentNode.insertBefore(holder, field);
    field.parentNode.insertBefore(details, field);
    details.appendChild(field);

    function nextValue() {
      var numbers = rows.map(function (r) { return parseInt(r.value, 10); }).filter(function (n) { return !isNaN(n); });
      return numbers.length ? Math.max.apply(null, numbers) + 1 : 1;
    }
    function write() { area.value = choicesText(rows); }
    function focusRow(index, key) {
      var target = body.querySelector("[data-row='" + index + "'][data-key='" + key + "']");
      if (target) { target.focus(); }
    }
    function move(index, by) {
      var to = index + by;
      if (to < 0 || to >= rows.length) { return; }
      var item = rows.splice(index, 1)[0];
      rows.splice(to, 0, item);
      write(); draw(); focusRow(to, by < 0 ? "up" : "down");
    }
    function input(row, index, key, label) {
      var attrs = {"data-row": String(index), "data-key": key, "aria-label": fmt(label, {n: index + 1})};
      var box = el("input", attrs);
      if (FLAGS.indexOf(key) >= 0) {
        box.type = "checkbox"; box.checked = row[key];
        box.addEventListener("change", function () { row[key] = box.checked; write(); });
      } else {
        box.type = "text"; box.value = row[key];
        if (key === "value") { box.setAttribute("inputmode", "numeric"); box.size = 4; }
        box.addEventListener("input", function () { row[key] = box.value; write(); });
      }
      return el("td", {}, [box]);
    }
    function draw() {
      body.textContent = "";
      rows.forEach(function (row, index) {
        var subject = fmt(w.option_n, {n: index + 1});
        var up = button(w.up, function () { move(index, -1); });
        var down = button(w.down, function () { move(index, 1); });
        var remove = button(w.remove, function () {
          rows.splice(index, 1); write(); draw(); focusRow(Math.max(0, index - 1), "value");
        }, "danger");
        [[up, "up"], [down, "down"], [remove, "remove"]].forEach(function (pair) {
          pair[0].setAttribute("aria-label", pair[0].textContent + " " + subject);
          pair[0].setAttribute("data-row", String(index)); pair[0].setAttribute("data-key", pair[1]);
        });
        up.disabled = index === 0; down.disabled = index === rows.length - 1;
        body.appendChild(el("tr", {}, [
          input(row, index, "value", w.value_n), input(row, index, "ko", w.label_ko_n), input(row, index, "en", w.label_en_n),
          input(row, index, "na", w.na_n), input(row, index, "exclusive", w.exclusive_n), input(row, index, "other", w.other_n),
          el("td", {"class": "row-actions"}, [up, down, remove])]));
      });
    }
    area.addEventListener("input", function () { rows = parseChoices(area.value); draw(); });
    draw();
  }

  /* ---- condition builder ----------------------------------------------------------------------- */

  var OPERATORS = {
    eq: {choice: true, scale: true, number: true, text: true}, ne: {choice: true, scale: true, number: true, text: true},
    ge: {scale: true, number: true}, le: {scale: true, number: true},
    selected: {multi: true}, not_selected: {multi: true}, answered: {all: true}, empty: {all: true}
  };
  var SYMBOL = {eq: "==", ne: "!=", ge: ">=", le: "<="};

  function family(type) {
    if (type === "multiple_choice" || type === "ranking") { return "multi"; }
    if (type === "single_choice") { return "choice"; }
    if (type === "likert" || type === "rating" || type === "nps") { return "scale"; }
    if (type === "number" || type === "computed") { return "number"; }
    return "text";
  }

  function operatorsFor(type) {
    var fam = family(type);
    return Object.keys(OPERATORS).filter(function (op) { return OPERATORS[op][fam] || OPERATORS[op].all; });
  }

  function literal(value) {
    return /^-?\d+(\.\d+)?$/.test(value) ? value : "'" + value.replace(/'/g, "") + "'";
  }

  function conditionText(rows) {
    return rows.filter(function (r) { return r.code && r.op; }).map(function (r, i) {
      var part;
      if (r.op === "answered" || r.op === "empty") { part = r.op + "(" + r.code + ")"; }
      else if (r.op === "selected") { part = "selected(" + r.code + ", " + literal(r.value) + ")"; }
      else if (r.op === "not_selected") { part = "not selected(" + r.code + ", " + literal(r.value) + ")"; }
      else { part = r.code + " " + SYMBOL[r.op] + " " + literal(r.value); }
      return (i ? " " + r.join + " " : "") + part;
    }).join("");
  }

  var VALUE = "(-?\\d+(?:\\.\\d+)?|'[^']*')";
  var PATTERNS = [
    [new RegExp("^([A-Za-z_][\\w]*)\\s*(==|!=|>=|<=)\\s*" + VALUE + "$"), function (m) {
      var op = {"==": "eq", "!=": "ne", ">=": "ge", "<=": "le"}[m[2]];
      return {code: m[1], op: op, value: m[3].replace(/^'|'$/g, "")};
    }],
    [new RegExp("^(not\\s+)?selected\\(\\s*([A-Za-z_]\\w*)\\s*,\\s*" + VALUE + "\\s*\\)$", "i"), function (m) {
      return {code: m[2], op: m[1] ? "not_selected" : "selected", value: m[3].replace(/^'|'$/g, "")};
    }],
    [/^(answered|empty)\(\s*([A-Za-z_]\w*)\s*\)$/i, function (m) { return {code: m[2], op: m[1].toLowerCase(), value: ""}; }]
  ];

  /* Rows for an expression the builder can show, or null (the text then stays the only editor). */
  function parseCondition(text, questions) {
    var rows = [];
    var join = "and";
    var parts = text.trim() ? text.trim().split(/\s+(and|or)\s+/i) : [];
    for (var i = 0; i < parts.length; i += 2) {
      var found = null;
      PATTERNS.some(function (pattern) {
        var m = parts[i].trim().match(pattern[0]);
        if (m) { found = pattern[1](m); }
        return !!m;
      });
      if (!found || !questions[found.code] || operatorsFor(questions[found.code].type).indexOf(found.op) < 0) { return null; }
      found.join = join;
      rows.push(found);
      join = (parts[i + 1] || "and").toLowerCase();
    }
    return rows;
  }

  function conditionBuilder(field, list, w) {
    var questions = {};
    list.forEach(function (q) { questions[q.code] = q; });
    var rows = parseCondition(field.value, questions);
    var note = el("p", {"class": "hint builder-note", id: field.id + "-builder-note", role: "status"});
    var body = el("div", {"class": "builder-rows"});
    var legendId = field.id + "-builder-title";
    var label = document.querySelector("label[for='" + field.id + "']");
    var box = el("fieldset", {"class": "condition-builder", "aria-describedby": note.id}, [
      el("legend", {id: legendId, text: fmt(w.builder_for, {field: label ? label.textContent.trim() : field.id})}), body, note]);
    var add = button(w.add_condition, function () {
      rows = rows || [];
      rows.push({code: list[0].code, op: operatorsFor(list[0].type)[0], value: firstValue(list[0]), join: "and"});
      write(); draw(); focus(rows.length - 1, "code");
    });
    box.insertBefore(add, note);
    field.closest(".field").parentNode.insertBefore(box, field.closest(".field"));

    function firstValue(q) { return q.options.length ? String(q.options[0].value) : ""; }
    function write() { field.value = conditionText(rows || []); }
    function focus(index, key) {
      var target = body.querySelector("[data-row='" + index + "'][data-key='" + key + "']");
      if (target) { target.focus(); }
    }
    function select(index, key, label, options, current, onChange) {
      var s = el("select", {"data-row": String(index), "data-key": key, "aria-label": fmt(label, {n: index + 1})});
      options.forEach(function (o) {
        var option = el("option", {value: o[0], text: o[1]});
        if (String(o[0]) === String(current)) { option.selected = true; }
        s.appendChild(option);
      });
      s.addEventListener("change", function () { onChange(s.value); });
      return s;
    }
    function valueInput(row, index) {
      var q = questions[row.code];
      if (row.op === "answered" || row.op === "empty") { return el("span"); }
      if (q.options.length) {
        return select(index, "value", w.value_n, q.options.map(function (o) { return [String(o.value), o.value + " " + o.label]; }),
          row.value, function (v) { row.value = v; write(); });
      }
      var input = el("input", {type: "text", "data-row": String(index), "data-key": "value", "aria-label": fmt(w.value_n, {n: index + 1})});
      input.value = row.value;
      input.addEventListener("input", function () { row.value = input.value; write(); });
      return input;
    }
    function draw() {
      body.textContent = "";
      note.textContent = rows === null ? w.not_representable : (rows.length ? "" : w.no_condition);
      add.hidden = rows === null;
      (rows || []).forEach(function (row, index) {
        var line = el("div", {"class": "builder-row"});
        if (index > 0) {
          line.appendChild(select(index, "join", w.join_n, [["and", w.and], ["or", w.or]], row.join,
            function (v) { row.join = v; write(); }));
        }
        line.appendChild(select(index, "code", w.question_n, list.map(function (q) { return [q.code, q.code + " " + q.label]; }),
          row.code, function (v) {
            row.code = v; var q = questions[v];
            if (operatorsFor(q.type).indexOf(row.op) < 0) { row.op = operatorsFor(q.type)[0]; }
            row.value = firstValue(q); write(); draw(); focus(index, "code");
          }));
        line.appendChild(select(index, "op", w.operator_n, operatorsFor(questions[row.code].type).map(function (op) { return [op, w["op_" + op]]; }),
          row.op, function (v) { row.op = v; write(); draw(); focus(index, "op"); }));
        line.appendChild(valueInput(row, index));
        var remove = button(w.remove, function () { rows.splice(index, 1); write(); draw(); focus(Math.max(0, index - 1), "code"); }, "danger");
        remove.setAttribute("aria-label", fmt(w.remove_condition_n, {n: index + 1}));
        line.appendChild(remove);
        body.appendChild(line);
      });
    }
    field.addEventListener("input", function () { rows = parseCondition(field.value, questions); draw(); });
    draw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.question-form, form[data-conditions]");
    if (!form) { return; }
    var w = words();
    if (form.getAttribute("data-choices")) { optionRows(form, w); }
    var data = document.getElementById("condition-questions");
    var list = data ? JSON.parse(data.textContent) : [];
    if (!list.length) { return; }
    (form.getAttribute("data-conditions") || "").split(" ").forEach(function (id) {
      var field = document.getElementById(id);
      if (field) { conditionBuilder(field, list, w); }
    });
  });
}());
