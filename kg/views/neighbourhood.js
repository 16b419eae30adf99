(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("cellkg-data").textContent);

  function details(item, limit) {
    const box = document.createElement("div");
    box.className = "details";
    const head = document.createElement("div");
    head.className = "head";
    head.textContent = item.class ? item.caption : item.type;
    box.appendChild(head);
    const rows = [["class", item.class || "relationship"], item.class ? ["id", item.id] : ["from", item.from],
                  ...(item.class ? [] : [["to", item.to]]), ...item.properties];
    const list = document.createElement("dl");
    for (const [key, value] of rows) {
      const term = document.createElement("dt");
      term.textContent = key;
      const text = document.createElement("dd");
      if (!limit && /^https?:\/\/\S+$/.test(value)) {
        const link = document.createElement("a");
        link.href = value;
        link.textContent = value;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        text.appendChild(link);
      } else {
        text.textContent = limit && value.length > limit ? value.slice(0, limit - 1) + "\u2026" : value;
      }
      list.append(term, text);
    }
    box.appendChild(list);
    return box;
  }

  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    const focus = n.id === data.focus;
    return {
      id: n.id, label: n.caption, title: details(n, 240), shape: "dot", x: n.x, y: n.y,
      size: focus ? 24 : 12, borderWidth: focus ? 4 : 1,
      color: {background: n.colour, border: focus ? "#000000" : "#555555",
              highlight: {background: n.colour, border: "#000000"}, hover: {background: n.colour, border: "#000000"}},
      font: {size: focus ? 18 : 13, color: "#1a1a1a", strokeWidth: 4, strokeColor: "#ffffff"},
      widthConstraint: {maximum: data.wrap}
    };
  }));
  const edges = new vis.DataSet(data.edges.map(function (e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.labelled ? e.type : undefined, title: details(e, 240), arrows: "to",
      smooth: e.curve ? {enabled: true, type: "curvedCW", roundness: e.curve} : false
    };
  }));
  const placed = data.nodes.every(function (n) { return n.x !== undefined; });
  const options = {
    layout: {randomSeed: 7},
    nodes: {font: {face: "system-ui, sans-serif"}},
    edges: {color: {color: "#9a9a9a", highlight: "#333333", hover: "#333333"}, width: 1,
            font: {size: 10, color: "#555555", strokeWidth: 3, strokeColor: "#ffffff", face: "system-ui, sans-serif"},
            arrows: {to: {scaleFactor: 0.5}}},
    // placed (depth 1): the rings computed by kg; else physics, switched off once the layout settles
    physics: placed ? false : {solver: "forceAtlas2Based",
              forceAtlas2Based: {gravitationalConstant: -120, springLength: 140, avoidOverlap: 0.6},
              stabilization: {iterations: 400, fit: true}},
    interaction: {hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false}
  };
  const network = new vis.Network(document.getElementById("graph"), {nodes: nodes, edges: edges}, options);
  const panel = document.getElementById("details");
  function show(item) {
    panel.replaceChildren(details(item, 0));
  }
  const byId = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  const edgeById = new Map(data.edges.map(function (e) { return [e.id, e]; }));
  show(byId.get(data.focus));
  network.on("click", function (event) {
    if (event.nodes.length) show(byId.get(event.nodes[0]));
    else if (event.edges.length) show(edgeById.get(event.edges[0]));
  });
  window.cellkg = {network: network, nodes: nodes, edges: edges, ready: false};
  function settled() {
    network.setOptions({physics: false});  // nodes stay where they are dropped
    network.fit();
    window.cellkg.ready = true;
  }
  if (placed) settled();
  else network.once("stabilizationIterationsDone", settled);
})();
