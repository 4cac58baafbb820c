/* plankg network view: reads the JSON in #plankg-data, draws it with vis-network, and wires the
   search box, the filters and the details panel.  Every string from the data goes into the page
   with textContent (never innerHTML): plan titles and unit names are text, whatever they hold. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("plankg-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var el = function (tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  };
  var clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); };

  byId("page-title").textContent = data.title;
  byId("page-subtitle").textContent = data.subtitle || "";
  document.title = data.title + " · plankg";

  // ---- state of the filters ----------------------------------------------------------------
  var state = { groups: {}, roles: {}, chapter: "", mode: "shares" };
  data.legend.forEach(function (item) { state.groups[item.key] = true; });
  data.roles.forEach(function (role) { state.roles[role.id] = true; });

  var chapterPasses = function (fact) { return !state.chapter || fact.chapter === state.chapter; };
  var nodeVisible = function (id) {
    var info = data.nodes[id];
    if (!info) return false;
    if (state.groups[info.group] === false) return false;
    if (!info.facts || info.facts.length === 0) return true;
    return info.facts.some(function (fact) {
      return chapterPasses(fact) && (fact.role === null || fact.role === undefined || state.roles[fact.role] !== false);
    });
  };
  var visibleCache = {};
  var edgeVisible = function (edge) {
    var info = data.edges[edge.id];
    if (!info || info.mode !== state.mode) return false;
    if (!visibleCache[edge.from] || !visibleCache[edge.to]) return false;
    if (!info.facts || info.facts.length === 0) return true;
    return info.facts.some(function (fact) {
      return chapterPasses(fact) && (fact.roles || []).every(function (r) { return state.roles[r] !== false; });
    });
  };

  // ---- the network ---------------------------------------------------------------------------
  var nodes = new vis.DataSet(data.vis.nodes);
  var edges = new vis.DataSet(data.vis.edges);
  var refreshVisibility = function () {
    visibleCache = {};
    nodes.getIds().forEach(function (id) { visibleCache[id] = nodeVisible(id); });
  };
  refreshVisibility();
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visibleCache[n.id] === true; } });
  var edgeView = new vis.DataView(edges, { filter: edgeVisible });
  var container = byId("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.vis.options);

  var api = {
    data: data, network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    stable: false, state: state
  };
  window.plankg = api;

  // Keep the drawn positions in the DataSet, so that nodes a filter hides come back where they were.
  var keepPositions = function () {
    var positions = network.getPositions();
    nodes.update(Object.keys(positions).map(function (id) {
      return { id: id, x: positions[id].x, y: positions[id].y };
    }));
  };
  var stopPhysics = function () {
    if (api.stable) return;
    network.setOptions({ physics: { enabled: false } });
    keepPositions();
    api.stable = true;
    byId("physics-status").textContent = "布局已稳定（可拖动节点）";
  };
  byId("physics-status").textContent = "正在布局……";
  network.once("stabilizationIterationsDone", stopPhysics);
  network.on("stabilized", stopPhysics);
  setTimeout(stopPhysics, 20000);

  // ---- counts ----------------------------------------------------------------------------------
  var showCounts = function () {
    byId("counts").textContent = "显示 " + nodeView.length + " / " + nodes.length + " 个节点，" +
      edgeView.length + " 条连线";
  };

  var refresh = function () {
    if (api.stable) keepPositions();
    refreshVisibility();
    nodeView.refresh();
    edgeView.refresh();
    showCounts();
    if (api.selected && !visibleCache[api.selected]) hideDetails();
  };
  api.refresh = refresh;

  // ---- legend and type filter ------------------------------------------------------------------
  var legend = byId("legend");
  data.legend.forEach(function (item) {
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.group = item.key;
    box.addEventListener("change", function () { state.groups[item.key] = box.checked; refresh(); });
    var swatch = el("span", null, "swatch" + (item.shape === "dot" ? "" : " " + item.shape));
    swatch.style.background = item.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", item.label));
    label.appendChild(el("span", item.count, "count"));
    li.appendChild(label);
    legend.appendChild(li);
  });

  // ---- role filter -----------------------------------------------------------------------------
  if (data.roles.length) {
    var roles = byId("roles");
    data.roles.forEach(function (role) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.role = role.id;
      box.addEventListener("change", function () { state.roles[role.id] = box.checked; refresh(); });
      var swatch = el("span", null, "swatch line");
      swatch.style.background = role.color;
      label.appendChild(box);
      label.appendChild(swatch);
      label.appendChild(el("span", role.label));
      li.appendChild(label);
      roles.appendChild(li);
    });
  } else {
    byId("role-section").hidden = true;
  }

  // ---- chapter filter --------------------------------------------------------------------------
  var chapter = byId("chapter");
  if (data.chapters.length) {
    data.chapters.forEach(function (c) {
      var option = el("option", c.label);
      option.value = c.id;
      chapter.appendChild(option);
    });
    chapter.addEventListener("change", function () { state.chapter = chapter.value; refresh(); });
  } else {
    byId("chapter-section").hidden = true;
  }

  // ---- edge mode (coordination: shared tasks or lead → cooperating) ------------------------------
  var mode = byId("edge-mode");
  if (data.has_alt_edges) {
    mode.addEventListener("change", function () { state.mode = mode.value; refresh(); });
  } else {
    byId("edge-mode-section").hidden = true;
  }

  // ---- details panel ---------------------------------------------------------------------------
  var details = byId("details");
  var hideDetails = function () { details.hidden = true; api.selected = null; };
  var showDetails = function (id) {
    var info = data.nodes[id];
    if (!info) return;
    api.selected = id;
    byId("details-title").textContent = info.label;
    var list = byId("details-list");
    clear(list);
    (info.details || []).forEach(function (row) {
      list.appendChild(el("dt", row[0]));
      list.appendChild(el("dd", row[1]));
    });
    var tasks = byId("details-tasks");
    clear(tasks);
    (info.tasks || []).forEach(function (t) { tasks.appendChild(el("li", t.role + "：" + t.task)); });
    byId("details-tasks-heading").hidden = !(info.tasks && info.tasks.length);
    var link = byId("details-link");
    if (info.href) {
      link.setAttribute("href", info.href);
      link.parentNode.hidden = false;
    } else {
      link.parentNode.hidden = true;
    }
    details.hidden = false;
  };
  api.showDetails = showDetails;
  byId("details-close").addEventListener("click", function () { network.unselectAll(); hideDetails(); });
  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) showDetails(params.nodes[0]);
    else hideDetails();
  });

  // ---- search ----------------------------------------------------------------------------------
  var names = byId("node-names");
  var seen = {};
  Object.keys(data.nodes).forEach(function (id) {
    var label = data.nodes[id].label;
    if (seen[label]) return;
    seen[label] = true;
    var option = el("option");
    option.value = label;
    names.appendChild(option);
  });
  var norm = function (s) { return String(s || "").replace(/[\s“”"'「」]/g, "").toLowerCase(); };
  var findNode = function (query) {
    var q = norm(query);
    if (!q) return null;
    var ids = Object.keys(data.nodes);
    var exact = ids.filter(function (id) {
      var info = data.nodes[id];
      return norm(info.label) === q || (info.names || []).some(function (n) { return norm(n) === q; });
    });
    if (exact.length) return exact[0];
    var partial = ids.filter(function (id) { return norm(data.nodes[id].label).indexOf(q) >= 0; });
    partial.sort(function (a, b) { return data.nodes[a].label.length - data.nodes[b].label.length; });
    return partial.length ? partial[0] : null;
  };
  var focusNode = function (id) {
    var status = byId("search-status");
    if (!id) { status.textContent = "未找到"; return null; }
    if (!visibleCache[id]) {
      status.textContent = "“" + data.nodes[id].label + "”已被筛选隐藏";
      return id;
    }
    status.textContent = "找到：" + data.nodes[id].label;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showDetails(id);
    return id;
  };
  api.findNode = findNode;
  api.focusNode = focusNode;
  var search = byId("search");
  var runSearch = function () { focusNode(findNode(search.value)); };
  byId("search-go").addEventListener("click", runSearch);
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") runSearch(); });
  search.addEventListener("change", runSearch);

  showCounts();
})();
