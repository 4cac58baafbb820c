// The question box: sends the question to /api/ask and shows the answer (or says the answerer is missing).
(function () {
  "use strict";
  var form = document.getElementById("ask-form");
  var input = document.getElementById("question");
  var answer = document.getElementById("answer");

  function say(text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    answer.appendChild(p);
  }

  function show(data) {
    answer.textContent = "";
    if (data.results && (data.results.results || typeof data.results.boolean === "boolean")) {
      if (data.title) say(data.title, "answer-title");
      var holder = document.createElement("div");
      answer.appendChild(holder);
      var rows = plankgTable.render(holder, data.results, { readable: true });
      say(rows + " 行" + (data.why ? " · " + data.why : ""), "meta");
    }
    ["suggestions", "closest", "did_you_mean"].forEach(function (key) {
      if (Array.isArray(data[key]) && data[key].length) {
        say("可以这样问：");
        var ul = document.createElement("ul");
        data[key].forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = typeof item === "string" ? item : (item.question || JSON.stringify(item));
          ul.appendChild(li);
        });
        answer.appendChild(ul);
      }
    });
    if (data.sparql) {
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = "所用的 SPARQL 查询";
      var pre = document.createElement("pre");
      pre.className = "rdf";
      pre.textContent = data.sparql;
      details.appendChild(summary);
      details.appendChild(pre);
      answer.appendChild(details);
    }
  }

  function ask(question) {
    answer.textContent = "";
    say("正在回答……", "meta");
    fetch("/api/ask?q=" + encodeURIComponent(question), { headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 404 || response.status === 405) {
          answer.textContent = "";
          say("问答功能尚未安装：这台服务器还不能回答中文问题。", "notice");
          return null;
        }
        return response.json().then(function (data) {
          if (!response.ok) {
            answer.textContent = "";
            say("错误 " + response.status + "：" + (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)), "notice");
            return;
          }
          show(data);
        });
      })
      .catch(function (error) { answer.textContent = ""; say("请求失败：" + error, "notice"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (input.value.trim()) ask(input.value.trim());
  });
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      input.value = button.getAttribute("data-question");
      ask(input.value);
    });
  });
  if (input.value.trim()) ask(input.value.trim());
})();
