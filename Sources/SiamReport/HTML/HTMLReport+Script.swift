extension HTMLReport {
    /// Makes the scorecard table sortable by clicking (or pressing Enter on) a heading.
    /// Optional: the page says and shows everything without it, and it loads nothing.
    static let sortScript = """
        (function () {
          "use strict";
          var table = document.getElementById("scorecard-table");
          if (!table || !table.tBodies.length) return;
          table.classList.add("sortable");
          var hint = document.querySelector(".sort-hint");
          if (hint) hint.hidden = false;
          var heads = Array.prototype.slice.call(table.querySelectorAll("thead th[data-sort]"));
          heads.forEach(function (head) {
            head.tabIndex = 0;
            function sort() {
              var column = Number(head.getAttribute("data-column"));
              var ascending = head.getAttribute("aria-sort") !== "ascending";
              heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
              head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = a.cells[column].getAttribute("data-sort") || "";
                var y = b.cells[column].getAttribute("data-sort") || "";
                // Missing figures go last, whichever the direction.
                if (x === "" || y === "") return (x === "" ? 1 : 0) - (y === "" ? 1 : 0);
                var nx = Number(x), ny = Number(y);
                var order = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
                return ascending ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            }
            head.addEventListener("click", sort);
            head.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
            });
          });
        })();

        """
}
