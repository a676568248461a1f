// Leads links to anchors that moved to their new place. The page lists its
// moves (old id -> new id) in <script type="application/json" id="anchor-map">.
(function () {
  "use strict";
  var data = document.getElementById("anchor-map");
  if (!data) return;
  var map;
  try { map = JSON.parse(data.textContent); } catch (e) { return; }
  function follow() {
    var raw = location.hash.slice(1);
    var id;
    try { id = decodeURIComponent(raw); } catch (e) { id = raw; }
    var to = Object.prototype.hasOwnProperty.call(map, id) ? map[id] : null;
    if (to && document.getElementById(to)) location.replace("#" + encodeURIComponent(to));
  }
  follow();
  window.addEventListener("hashchange", follow);
})();
