// iotlens report: sortable and filterable tables. Reads only the page's own
// DOM and writes only text (textContent), never markup.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function key(row, col, numeric) {
    var td = row.cells[col];
    if (!td) return numeric ? -Infinity : "";
    var v = td.getAttribute("data-v");
    if (v === null) v = td.textContent;
    if (numeric) {
      var n = parseFloat(v);
      return isNaN(n) ? -Infinity : n;
    }
    return v.toLowerCase();
  }

  function sortBy(table, th, col) {
    var numeric = th.classList.contains("num");
    var current = th.getAttribute("aria-sort");
    // Numbers sort largest first on the first click, text A to Z.
    var dir = current === "none" ? (numeric ? "descending" : "ascending")
      : (current === "ascending" ? "descending" : "ascending");
    var sign = dir === "ascending" ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (r, i) {
      return { row: r, key: key(r, col, numeric), i: i };
    });
    rows.sort(function (a, b) {
      if (a.key < b.key) return -sign;
      if (a.key > b.key) return sign;
      return a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (x) { frag.appendChild(x.row); });
    body.appendChild(frag);
    each(table.tHead.rows[0].cells, function (other) { other.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir);
  }

  each(document.querySelectorAll("table.sortable"), function (table) {
    each(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector("button");
      if (button) button.addEventListener("click", function () { sortBy(table, th, col); });
    });
  });

  each(document.querySelectorAll("input.filter"), function (input) {
    var id = input.getAttribute("data-table");
    var table = document.getElementById(id);
    var count = document.querySelector('.count[data-for="' + id + '"]');
    if (!table) return;
    var total = table.tBodies[0].rows.length;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      each(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !match;
        if (match) shown++;
      });
      if (count) count.textContent = words.length ? shown + " of " + total + " rows" : total + " rows";
    });
  });
})();
