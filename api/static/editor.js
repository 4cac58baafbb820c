// The SPARQL editor: load a canned query, run it against /sparql, show the answer as a table.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  var textarea = document.getElementById("query");
  var select = document.getElementById("example");
  var description = document.getElementById("example-description");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var downloading = false;

  select.addEventListener("change", function () {
    var example = examples[select.value];
    if (!example) return;
    textarea.value = example.sparql;
    description.textContent = example.title_en + (example.description ? " — " + example.description : "");
  });
  document.getElementById("download").addEventListener("click", function () { downloading = true; });

  form.addEventListener("submit", function (event) {
    if (downloading) { downloading = false; return; }  // the browser sends the form: a file in the chosen format
    event.preventDefault();
    status.textContent = "查询中……";
    results.textContent = "";
    var started = performance.now();
    fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: textarea.value
    }).then(function (response) {
      var seconds = ((performance.now() - started) / 1000).toFixed(2);
      var truncated = response.headers.get("X-Plankg-Truncated") === "true";
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) {
        if (!response.ok) {
          status.textContent = "错误 " + response.status + "：" + text;
          return;
        }
        if (type.indexOf("json") >= 0) {
          var rows = plankgTable.render(results, JSON.parse(text));
          status.textContent = rows + " 行，" + seconds + " 秒" + (truncated ? "（结果超过行数上限，已截断）" : "");
        } else {
          var pre = document.createElement("pre");
          pre.className = "rdf";
          pre.textContent = text;
          results.appendChild(pre);
          status.textContent = seconds + " 秒" + (truncated ? "（结果超过上限，已截断）" : "");
        }
      });
    }).catch(function (error) {
      status.textContent = "请求失败：" + error;
    });
  });
})();
