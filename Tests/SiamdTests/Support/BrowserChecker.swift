import Foundation

/// Checks the HTML report from inside a real browser: a copy of the page with two scripts
/// added, one first that records script errors and blocked loads, one last that measures the
/// rendered page once it has loaded and writes what it found, as base64 JSON, into a hidden
/// `<pre id="siamd-check">` that `--dump-dom` then carries out.
///
/// The script measures and the Swift test judges: it reports sizes, positions and texts, and
/// the test compares them with what the report data says they must be.
enum BrowserChecker {
    /// `html` with the recorder after `<head>` and the checker before `</body>`.
    static func instrument(_ html: String) -> String {
        var page = html
        if let head = page.range(of: "<head>") {
            page.insert(contentsOf: "\n<script>\n\(recorder)</script>", at: head.upperBound)
        }
        if let end = page.range(of: "</body>", options: .backwards) {
            page.insert(contentsOf: "<script>\n\(checker)</script>\n", at: end.lowerBound)
        }
        return page
    }

    /// Reads the checker's findings out of the dumped DOM.
    static func findings(in dom: String) throws -> BrowserFindings {
        guard let marker = dom.range(of: "id=\"siamd-check\""),
              let open = dom[marker.upperBound...].firstIndex(of: ">"),
              let close = dom[open...].range(of: "</pre>")
        else { throw CheckError("the dumped DOM has no <pre id=\"siamd-check\">: the checker did not run") }
        let encoded = dom[dom.index(after: open)..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        guard let json = Data(base64Encoded: encoded) else { throw CheckError("the checker's output is not base64: \(encoded.prefix(200))") }
        do {
            return try JSONDecoder().decode(BrowserFindings.self, from: json)
        } catch {
            throw CheckError("the checker's output does not decode (\(error)): \(String(decoding: json, as: UTF8.self).prefix(2000))")
        }
    }

    struct CheckError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs before anything else on the page: records uncaught errors and anything the content
    /// security policy blocked (which would be an attempt to load something).
    static let recorder = """
        window.__siamdErrors = [];
        window.addEventListener("error", function (event) {
          window.__siamdErrors.push("error: " + (event.message || (event.target && event.target.outerHTML) || event.type));
        }, true);
        document.addEventListener("securitypolicyviolation", function (event) {
          window.__siamdErrors.push("blocked by CSP: " + event.violatedDirective + " " + event.blockedURI);
        });

        """

    /// Runs after load: measures the page and reports.
    static let checker = """
        (function () {
          "use strict";
          function describe(mark) {
            var who = mark.getAttribute("data-supplier") || mark.getAttribute("data-holder") || "?";
            var what = mark.getAttribute("data-service") || mark.getAttribute("data-priority") ||
              mark.getAttribute("data-metric") || mark.getAttribute("data-bucket") || "";
            return who + "/" + what + "=" + mark.getAttribute("data-value");
          }
          function chartFindings(svg) {
            var box = svg.getBoundingClientRect();
            var encoding = svg.getAttribute("data-encoding");
            var ids = (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
            var chart = {
              id: svg.getAttribute("data-chart"), encoding: encoding, width: box.width, height: box.height,
              role: svg.getAttribute("role") || "", title: (svg.querySelector(":scope > title") || {}).textContent || "",
              labelsResolve: ids.length > 0 && ids.every(function (id) { return !!document.getElementById(id); }),
              marks: 0, zeroSized: [], outside: [], mislabelled: [], maxDeviation: 0, slope: 0
            };
            var measured = Array.prototype.map.call(svg.querySelectorAll("[data-value]"), function (mark) {
              var r = mark.getBoundingClientRect();
              var value = Number(mark.getAttribute("data-value"));
              var m = { mark: mark, value: value, rect: r, name: describe(mark) };
              if (value > 0 && (r.width <= 0 || r.height <= 0)) chart.zeroSized.push(m.name);
              if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
                chart.outside.push(m.name);
              }
              return m;
            });
            chart.marks = measured.length;
            if (encoding === "length-x") {
              // Bar length through the origin: width = value * scale, one scale for the chart.
              var largest = measured.slice().sort(function (a, b) { return b.value - a.value; })[0];
              var scale = largest && largest.value > 0 ? largest.rect.width / largest.value : 0;
              chart.slope = scale;
              measured.forEach(function (m) {
                chart.maxDeviation = Math.max(chart.maxDeviation, Math.abs(m.rect.width - m.value * scale));
              });
            } else if (encoding === "position-y") {
              // Point height linear in value: higher value, higher on the page.
              var sorted = measured.slice().sort(function (a, b) { return a.value - b.value; });
              var low = sorted[0], high = sorted[sorted.length - 1];
              var centre = function (m) { return (m.rect.top + m.rect.bottom) / 2; };
              if (low && high && high.value > low.value) {
                var slope = (centre(low) - centre(high)) / (high.value - low.value);
                chart.slope = slope;
                measured.forEach(function (m) {
                  var expected = centre(low) - (m.value - low.value) * slope;
                  chart.maxDeviation = Math.max(chart.maxDeviation, Math.abs(centre(m) - expected));
                });
              }
            } else if (encoding === "label") {
              // Each cell writes its own value, and the text sits inside the cell.
              measured.forEach(function (m) {
                var text = m.mark.parentNode.querySelector("text");
                var written = text ? text.textContent.replace(/,/g, "") : "";
                var t = text ? text.getBoundingClientRect() : null;
                var inside = t && t.left >= m.rect.left - 1 && t.right <= m.rect.right + 1 && t.top >= m.rect.top - 1 && t.bottom <= m.rect.bottom + 1;
                if (written !== String(m.value) || !inside) chart.mislabelled.push(m.name + " shows '" + written + "'");
              });
            }
            return chart;
          }
          function sortFindings() {
            var table = document.getElementById("scorecard-table");
            var head = table && table.querySelector('thead th[data-column="1"]');
            if (!head) return null;
            var body = table.tBodies[0];
            var original = Array.prototype.slice.call(body.rows);
            var order = function () { return Array.prototype.map.call(body.rows, function (r) { return r.getAttribute("data-supplier"); }); };
            head.click();
            var ascending = order();
            head.click();
            var descending = order();
            // Put the table back as it came, for the screenshot.
            original.forEach(function (row) { body.appendChild(row); });
            head.removeAttribute("aria-sort");
            return { ascending: ascending, descending: descending };
          }
          function run() {
            var out = {
              failure: null, errors: [], resources: -1, innerWidth: 0, scrollWidth: 0, overflowing: [],
              charts: [], rows: [], emptyStates: [], kpis: {}, scripts: 0, sort: null
            };
            try {
              out.errors = (window.__siamdErrors || []).slice();
              out.resources = performance.getEntriesByType("resource").length;
              out.innerWidth = window.innerWidth;
              out.scrollWidth = document.documentElement.scrollWidth;
              out.scripts = document.scripts.length;
              document.querySelectorAll("main, section.panel, .table-wrap, figure.chart, .kpis").forEach(function (el) {
                if (el.scrollWidth > el.clientWidth + 1) {
                  out.overflowing.push((el.id || el.className) + ": " + el.scrollWidth + " > " + el.clientWidth);
                }
              });
              document.querySelectorAll("svg[data-chart]").forEach(function (svg) { out.charts.push(chartFindings(svg)); });
              document.querySelectorAll("#scorecard-table tbody tr[data-supplier]").forEach(function (tr) {
                var r = tr.getBoundingClientRect();
                out.rows.push({ supplier: tr.getAttribute("data-supplier"), text: tr.innerText, height: r.height });
              });
              document.querySelectorAll(".empty-state").forEach(function (p) { out.emptyStates.push(p.innerText); });
              document.querySelectorAll("[data-kpi]").forEach(function (k) { out.kpis[k.getAttribute("data-kpi")] = k.innerText; });
              out.sort = sortFindings();
              out.errors = (window.__siamdErrors || []).slice();
            } catch (e) {
              out.failure = String(e) + "\\n" + (e && e.stack);
            }
            var bytes = new TextEncoder().encode(JSON.stringify(out));
            var binary = "";
            bytes.forEach(function (b) { binary += String.fromCharCode(b); });
            var pre = document.createElement("pre");
            pre.id = "siamd-check";
            pre.hidden = true;
            pre.textContent = btoa(binary);
            document.body.appendChild(pre);
          }
          if (document.readyState === "complete") run(); else window.addEventListener("load", run);
        })();

        """
}

/// What the checker script found in the rendered page.
struct BrowserFindings: Decodable {
    /// A JavaScript exception inside the checker itself.
    let failure: String?
    /// Uncaught errors and loads the content security policy blocked.
    let errors: [String]
    /// Resources the page fetched (`performance.getEntriesByType('resource')`).
    let resources: Int
    let innerWidth: Double
    let scrollWidth: Double
    /// Containers wider inside than outside.
    let overflowing: [String]
    let charts: [Chart]
    let rows: [Row]
    let emptyStates: [String]
    /// Headline tiles' text by key.
    let kpis: [String: String]
    /// `<script>` elements on the page.
    let scripts: Int
    /// Supplier order after one and two clicks on the "Offered" heading.
    let sort: Sort?

    struct Chart: Decodable {
        let id: String
        let encoding: String
        let width: Double
        let height: Double
        let role: String
        let title: String
        let labelsResolve: Bool
        let marks: Int
        let zeroSized: [String]
        let outside: [String]
        let mislabelled: [String]
        /// Largest distance in CSS pixels from where the value says the mark must be.
        let maxDeviation: Double
        /// Pixels per unit of value (positive: bigger values drawn longer or higher).
        let slope: Double
    }

    struct Row: Decodable {
        let supplier: String
        let text: String
        let height: Double
    }

    struct Sort: Decodable {
        let ascending: [String]
        let descending: [String]
    }

    func chart(_ id: String) -> Chart? {
        charts.first { $0.id == id }
    }
}
