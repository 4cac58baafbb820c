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

  function render(container, document_) {
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
