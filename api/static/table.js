// Renders SPARQL 1.1 JSON results as a table. Text goes in through textContent, never as HTML.
var plankgTable = (function () {
  "use strict";
  var PKID = "https://w3id.org/plankg/id/";

  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && term.value.indexOf(PKID) === 0) {
      var a = document.createElement("a");
      a.href = "/id/" + term.value.slice(PKID.length);
      a.textContent = "pkid:" + term.value.slice(PKID.length);
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term.type === "uri") td.className = "iri";
      if (term["xml:lang"]) {
        var lang = document.createElement("span");
        lang.className = "lang";
        lang.textContent = " @" + term["xml:lang"];
        td.appendChild(lang);
      }
    }
    return td;
  }

  // Column names of the canned queries, as a reader of the question box wants to see them.
  var HEADINGS = {
    name: "名称", unitName: "单位", unitAName: "单位甲", unitBName: "单位乙", partnerName: "协同单位",
    planTitle: "计划", title: "任务", taskTitle: "任务", chapterTitle: "章节", platformName: "平台",
    technologyName: "技术", initiativeName: "举措", number: "序号", taskNumber: "序号", chapterNumber: "章",
    lead: "牵头", cooperating: "配合", responsible: "负责", tasks: "任务数", weightedLoad: "加权负荷",
    sharedTasks: "共同任务数", deadline: "完成时限", deadlineText: "时限原文", level: "层级", type: "类型",
    role: "角色", roleName: "角色", wording: "依据", score: "相似度", evidence: "依据"
  };

  // The column that names an IRI column: unit → unitName, plan → planTitle, task → taskTitle / title.
  function namer(vars, iriVar, bindings) {
    var candidates = [iriVar + "Name", iriVar + "Title", iriVar + "Label"];
    for (var i = 0; i < candidates.length; i++) if (vars.indexOf(candidates[i]) >= 0) return candidates[i];
    // a plain name / title column names the IRI column that stands nearest before it
    var generic = ["name", "title", "label"];
    for (var j = 0; j < generic.length; j++) {
      var at = vars.indexOf(generic[j]);
      if (at > 0 && lastIriBefore(vars, at, bindings) === iriVar) return generic[j];
    }
    return null;
  }

  function lastIriBefore(vars, position, bindings) {
    for (var i = position - 1; i >= 0; i--) if (isIri(vars[i], bindings)) return vars[i];
    return null;
  }

  function isIri(name, bindings) {
    return bindings.length > 0 && bindings.every(function (row) { return !row[name] || row[name].type === "uri"; });
  }

  function link(term, text) {
    var a = document.createElement("a");
    a.href = "/id/" + term.value.slice(PKID.length);
    a.textContent = text;
    return a;
  }

  // For people: IRI columns become links on the names they go with, a value every row shares is said once
  // above the table, headings are in Chinese, language tags are left out.
  function renderReadable(container, document_) {
    container.textContent = "";
    var vars = (document_.head.vars || []).slice();
    var bindings = document_.results.bindings;
    var linkFor = {};
    vars.filter(function (v) { return isIri(v, bindings); }).forEach(function (v) {
      var n = namer(vars, v, bindings);
      if (n) linkFor[n] = v;
    });
    var hidden = {};
    Object.keys(linkFor).forEach(function (n) { hidden[linkFor[n]] = true; });
    if (bindings.length > 1) {
      vars.forEach(function (v) {
        if (hidden[v]) return;
        var first = bindings[0][v] ? bindings[0][v].value : "";
        if (first && bindings.every(function (row) { return row[v] && row[v].value === first; })) {
          var p = document.createElement("p");
          p.className = "meta";
          var label = document.createElement("strong");
          label.textContent = (HEADINGS[v] || v) + "：";
          p.appendChild(label);
          var term = bindings[0][v];
          var iri = linkFor[v] && bindings[0][linkFor[v]];
          if (iri && iri.value.indexOf(PKID) === 0) p.appendChild(link(iri, term.value));
          else p.appendChild(document.createTextNode(term.value));
          container.appendChild(p);
          hidden[v] = true;
        }
      });
    }
    var shown = vars.filter(function (v) { return !hidden[v]; });
    var table = document.createElement("table");
    table.className = "data";
    var head = table.createTHead().insertRow();
    shown.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = HEADINGS[name] || name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    bindings.forEach(function (row) {
      var tr = body.insertRow();
      shown.forEach(function (name) {
        var term = row[name];
        var iri = linkFor[name] && row[linkFor[name]];
        if (term && iri && iri.value.indexOf(PKID) === 0) {
          var td = document.createElement("td");
          td.appendChild(link(iri, term.value));
          tr.appendChild(td);
        } else if (term && term.type === "uri" && term.value.indexOf(PKID) === 0) {
          tr.appendChild(cell(term));
        } else {
          var plain = document.createElement("td");
          plain.textContent = term ? term.value : "";
          tr.appendChild(plain);
        }
      });
    });
    container.appendChild(table);
    return bindings.length;
  }

  function render(container, document_, options) {
    if (options && options.readable && document_.results) return renderReadable(container, document_);
    container.textContent = "";
    if (typeof document_.boolean === "boolean") {
      var p = document.createElement("p");
      p.textContent = document_.boolean ? "是（true）" : "否（false）";
      container.appendChild(p);
      return 1;
    }
    var vars = document_.head.vars || [];
    var table = document.createElement("table");
    table.className = "data";
    var head = table.createTHead().insertRow();
    vars.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    document_.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (name) { tr.appendChild(cell(row[name])); });
    });
    container.appendChild(table);
    return document_.results.bindings.length;
  }

  return { render: render };
})();
