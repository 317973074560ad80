/* Mirrors the questionnaire's show/skip rules on the page for instant feedback.
   The server re-evaluates every rule on submit; with scripts off, every question is shown. */
(function () {
  "use strict";
  var dataNode = document.getElementById("survey-logic");
  var form = document.getElementById("survey-form");

  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function toNum(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (isNum(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && v.length <= 40 && isFinite(Number(v.trim()))) return Number(v.trim());
    return null;
  }
  function norm(v) {
    if (v === undefined || v === null || v === "") return null;
    if (Array.isArray(v)) { var out = v.map(norm).filter(function (x) { return x !== null; }); return out.length ? out : null; }
    return v;
  }
  function truthy(v) {
    if (v === null || v === undefined) return false;
    if (Array.isArray(v) || typeof v === "string") return v.length > 0;
    return !!v;
  }
  function equal(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
    if (isNum(a) || isNum(b)) { var x = toNum(a), y = toNum(b); if (x !== null && y !== null) return x === y; }
    return a === b;
  }
  function asList(v) { return v === null ? [] : (Array.isArray(v) ? v : [v]); }
  function contains(c, item) { return asList(c).some(function (e) { return equal(e, item); }); }
  function ordered(op, a, b) {
    var x = toNum(a), y = toNum(b);
    if (x === null || y === null) { if (typeof a !== "string" || typeof b !== "string") return false; x = a; y = b; }
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }
  function numbers(args) {
    var found = [];
    args.forEach(function (a) { asList(a).forEach(function (i) { var n = toNum(i); if (n !== null) found.push(n); }); });
    return found;
  }
  var FUNCS = {
    sum: function (a) { var n = numbers(a); return n.length ? n.reduce(function (s, x) { return s + x; }, 0) : null; },
    mean: function (a) { var n = numbers(a); return n.length ? n.reduce(function (s, x) { return s + x; }, 0) / n.length : null; },
    min: function (a) { var n = numbers(a); return n.length ? Math.min.apply(null, n) : null; },
    max: function (a) { var n = numbers(a); return n.length ? Math.max.apply(null, n) : null; },
    abs: function (a) { var n = toNum(a[0]); return n === null ? null : Math.abs(n); },
    coalesce: function (a) { for (var i = 0; i < a.length; i++) if (a[i] !== null) return a[i]; return null; },
    count: function (a) { return asList(a[0]).length; },
    length: function (a) { return a[0] === null ? 0 : (typeof a[0] === "string" || Array.isArray(a[0]) ? a[0].length : 1); },
    contains: function (a) { return contains(a[0], a[1]); },
    "if": function (a) { return truthy(a[0]) ? a[1] : a[2]; },
    score: function (a) { return a[0]; }
  };
  function Unknown() {}
  function ev(n, answers) {
    switch (n.t) {
      case "lit": return n.v;
      case "ref": return norm(answers[n.n]);
      case "list": return n.xs.map(function (x) { return ev(x, answers); });
      case "neg": var u = toNum(ev(n.x, answers)); return u === null ? null : (n.op === "-" ? -u : u);
      case "not": return !truthy(ev(n.x, answers));
      case "log":
        return n.op === "and" ? n.xs.every(function (x) { return truthy(ev(x, answers)); })
                              : n.xs.some(function (x) { return truthy(ev(x, answers)); });
      case "bin":
        var a = ev(n.l, answers), b = ev(n.r, answers), x = toNum(a), y = toNum(b);
        if (x === null || y === null) return (n.op === "+" && typeof a === "string" && typeof b === "string") ? a + b : null;
        if ((n.op === "/" || n.op === "%") && y === 0) return null;
        return n.op === "+" ? x + y : n.op === "-" ? x - y : n.op === "*" ? x * y : n.op === "/" ? x / y : x % y;
      case "cmp": return compare(n, answers);
      case "call":
        if (!FUNCS[n.n]) throw new Unknown();
        return FUNCS[n.n](n.xs.map(function (x) { return ev(x, answers); }));
    }
    throw new Unknown();
  }
  function compare(n, answers) {
    var l = ev(n.l, answers), r = ev(n.r, answers);
    var nullLit = (n.l.t === "lit" && n.l.v === null) || (n.r.t === "lit" && n.r.v === null);
    if ((n.op === "==" || n.op === "!=") && nullLit) { var same = l === null && r === null; return n.op === "==" ? same : !same; }
    if (l === null || r === null) return false;
    if (n.op === "==") return equal(l, r);
    if (n.op === "!=") return !equal(l, r);
    if (n.op === "in" || n.op === "not in") {
      var found = asList(l).some(function (i) { return contains(r, i); });
      return n.op === "in" ? found : !found;
    }
    return ordered(n.op, l, r);
  }
  function typed(raw) { var n = toNum(raw); return n !== null && String(n) === raw.trim() ? n : raw; }
  function readField(info) {
    var inputs = form.querySelectorAll('[name="' + info.name + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.value !== "") values.push(el.value);
    });
    if (info.kind === "choices") return values.map(typed);
    if (info.kind === "ranking") {
      return values.map(function (v) { var p = v.split("="); return { item: typed(p[0]), rank: Number(p[1]) }; })
        .sort(function (a, b) { return a.rank - b.rank; }).map(function (p) { return p.item; });
    }
    return values.length ? typed(values[0]) : null;
  }
  function currentAnswers(data) {
    var answers = {};
    Object.keys(data.prior).forEach(function (k) { answers[k] = data.prior[k]; });
    Object.keys(data.fields).forEach(function (code) { answers[code] = readField(data.fields[code]); });
    return answers;
  }
  function shown(rule, answers) {
    try {
      if (rule.show_if && !truthy(ev(rule.show_if, answers))) return false;
      return !(rule.skip_if && truthy(ev(rule.skip_if, answers)));
    } catch (e) { return true; }
  }
  function apply(data) {
    var answers = currentAnswers(data);
    data.rules.forEach(function (rule) {
      var box = document.querySelector('[data-question="' + rule.q + '"]');
      if (!box) return;
      var visible = shown(rule, answers);
      box.hidden = !visible;
      if (!visible) answers[rule.q] = null;
    });
    renumber();
  }
  function renumber() {  // the shown questions keep consecutive numbers: a hidden one leaves no gap
    var labels = form.querySelectorAll(".qno");
    if (!labels.length) return;
    if (!form.hasAttribute("data-first-number")) form.setAttribute("data-first-number", parseInt(labels[0].textContent, 10) || 1);
    var next = Number(form.getAttribute("data-first-number"));
    Array.prototype.forEach.call(labels, function (label) {
      var box = label.closest("[data-question]");
      if (box && box.hidden) return;
      label.textContent = next + ".";
      next += 1;
    });
  }
  if (dataNode && form) {
    var data = JSON.parse(dataNode.textContent);
    form.addEventListener("change", function () { apply(data); });
    form.addEventListener("input", function () { apply(data); });
    apply(data);
  }
  function toggleOtherBoxes() {  // '기타' text boxes open when '기타' is chosen (always shown without scripts)
    Array.prototype.forEach.call(document.querySelectorAll("[data-other-for]"), function (box) {
      var question = document.querySelector('[data-question="' + box.getAttribute("data-other-for") + '"]');
      var chosen = question && question.querySelector("input[data-other]:checked");
      var typed = box.querySelector("input") && box.querySelector("input").value !== "";
      box.hidden = !(chosen || typed);
    });
  }
  if (form) {
    form.addEventListener("change", toggleOtherBoxes);
    toggleOtherBoxes();
  }
  if (form) {  // one submission at a time: a double tap sends the page once
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
      form.setAttribute("data-sending", "1");
      window.setTimeout(function () { form.removeAttribute("data-sending"); }, 8000);
    });
  }
})();
