// Client-side search of the spec site. The index is a JSON block in search.html; results are
// written with textContent only, so no spec text is ever parsed as HTML.
(function () {
  "use strict";

  function terms(query) {
    return query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function score(entry, words) {
    var title = (entry.title + " " + entry.id).toLowerCase();
    var text = entry.text.toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var inTitle = title.indexOf(words[i]) >= 0;
      var inText = text.indexOf(words[i]) >= 0;
      if (!inTitle && !inText) return 0;
      total += inTitle ? 3 : 1;
    }
    return total + (entry.kind === "clause" ? 0.5 : 0);
  }

  function search(index, query) {
    var words = terms(query);
    if (words.length === 0) return [];
    return index
      .map(function (entry) { return { entry: entry, score: score(entry, words) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) { return b.score - a.score || a.entry.title.localeCompare(b.entry.title); })
      .map(function (hit) { return hit.entry; });
  }

  function render(hits, query) {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    list.textContent = "";
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") +
      " for \u201c" + query + "\u201d";
    hits.slice(0, 100).forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry.href;
      link.textContent = entry.title;
      item.appendChild(link);
      if (entry.authority) {
        var badge = document.createElement("span");
        badge.className = "badge badge-" + entry.authority;
        badge.textContent = entry.authority;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(badge);
      }
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = entry.kind;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(kind);
      var text = document.createElement("p");
      text.textContent = entry.text;
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var box = document.querySelector("form.search input[name=q]");
    if (box) box.value = query;
    var block = document.getElementById("search-index");
    if (!block) return;
    var index = JSON.parse(block.textContent);
    if (query.trim()) render(search(index, query), query.trim());
    if (box) {
      box.addEventListener("input", function () {
        if (box.value.trim()) render(search(index, box.value), box.value.trim());
      });
    }
  });
})();
