extension HTMLReport {
    /// The page's styles. System fonts only (nothing to fetch); figures in tabular digits so
    /// columns line up; a print layout on landscape A4 that keeps charts whole and colours on.
    static let stylesheet = """
        :root {
          --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --soft: #f3f4f6; --page: #f5f6f8;
          --accent: #0072b2; --low-bg: #fdecea; --low-ink: #a3290f;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--page); color: var(--ink);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif;
        }
        main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 40px; }
        h1 { font-size: 28px; line-height: 1.2; margin: 2px 0 10px; font-weight: 650; letter-spacing: -0.01em; }
        h2 { font-size: 18px; margin: 0 0 4px; font-weight: 650; }
        .muted { color: var(--muted); }
        .sr-only {
          position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
          clip: rect(0 0 0 0); white-space: nowrap; border: 0;
        }

        .masthead { border-top: 4px solid var(--accent); padding-top: 18px; }
        .eyebrow { margin: 0; text-transform: uppercase; letter-spacing: 0.08em; font-size: 12px; font-weight: 600; color: var(--accent); }
        .period { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; }
        .period div { display: flex; gap: 8px; }
        .period dt { color: var(--muted); }
        .period dd { margin: 0; font-weight: 500; }

        .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 22px 0 4px; }
        .kpi { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
        .kpi-label { font-size: 13px; color: var(--muted); font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .kpi-value { font-size: 26px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .kpi-note { font-size: 12px; color: var(--muted); }
        .kpi.low { background: var(--low-bg); border-color: #f5c2b8; }
        .kpi.low .kpi-value { color: var(--low-ink); }
        .kpi .flag { font-size: 15px; vertical-align: 3px; }

        .panel { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px 18px; margin-top: 18px; }
        .intro { margin: 0 0 14px; color: var(--muted); max-width: 80ch; }
        .empty-state { margin: 6px 0 2px; padding: 16px 18px; background: var(--soft); border-radius: 8px; color: var(--muted); }
        .empty-state strong { color: var(--ink); margin-right: 4px; }

        .table-wrap { overflow-x: auto; }
        table.scorecards { width: 100%; border-collapse: collapse; font-size: 13px; }
        .scorecards th, .scorecards td { padding: 7px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
        .scorecards thead th { font-size: 12px; color: var(--muted); font-weight: 600; text-align: left; vertical-align: bottom; background: var(--soft); line-height: 1.25; }
        .scorecards thead tr.groups th.group { text-align: center; color: var(--ink); border-bottom: 2px solid #d1d5db; background: #fff; }
        .scorecards thead th.num { text-align: right; }
        .scorecards tbody tr:nth-child(even) { background: #fafafb; }
        .scorecards tbody th { text-align: left; font-weight: 600; min-width: 170px; }
        .scorecards .name { display: block; overflow-wrap: anywhere; }
        .scorecards .ident { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 8px; margin-top: 2px; }
        .scorecards .code { font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; color: var(--muted); font-weight: 400; }
        .scorecards tfoot th, .scorecards tfoot td { font-weight: 650; border-top: 2px solid #d1d5db; border-bottom: 0; }
        .scorecards tfoot th { text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.missing { color: var(--muted); }
        td .sub { display: block; font-size: 11px; color: var(--muted); font-weight: 400; }
        td.low { background: var(--low-bg); color: var(--low-ink); font-weight: 650; }
        .flag { font-size: 9px; margin-right: 4px; vertical-align: 1px; }
        .status { display: inline-block; padding: 0 7px; border-radius: 999px; font-size: 11px; font-weight: 500; line-height: 17px; background: var(--soft); color: #374151; border: 1px solid var(--line); }
        .status[data-status="active"] { background: #e7f5ee; color: #14633b; border-color: #bfe3cf; }
        .status[data-status="onboarding"] { background: #e8f1fa; color: #0b4f80; border-color: #c3dbf0; }
        .status[data-status="suspended"] { background: #fdf1df; color: #8a4b00; border-color: #f3d7ab; }
        .status[data-status="exiting"] { background: #f6eaf2; color: #7d2f5f; border-color: #e6c8db; }
        .table-legend { font-size: 12px; color: var(--muted); margin: 10px 0 0; }
        .legend-low { display: inline-block; background: var(--low-bg); color: var(--low-ink); font-weight: 600; padding: 0 6px; border-radius: 4px; margin-right: 4px; }
        .legend-dash { font-weight: 700; color: var(--ink); margin: 0 2px 0 8px; }
        table.sortable thead th[data-sort] { cursor: pointer; user-select: none; text-decoration: underline dotted #b8bec8; text-underline-offset: 3px; }
        table.sortable thead th[data-sort]:hover, table.sortable thead th[data-sort]:focus { color: var(--ink); }
        table.sortable thead th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 9px; }
        table.sortable thead th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 9px; }

        figure.chart { margin: 8px 0 22px; }
        figure.chart figcaption { font-size: 14px; font-weight: 600; margin: 0 0 8px; }
        figure.chart:last-child { margin-bottom: 4px; }
        .chart-svg { display: block; max-width: 100%; height: auto; overflow: visible; }
        .chart-svg text { font-size: 12px; fill: #4b5563; }
        .chart-svg .grid { stroke: #eceef1; stroke-width: 1; }
        .chart-svg .baseline { stroke: #9ca3af; stroke-width: 1; }
        .chart-svg .tick-mark { stroke: #9ca3af; stroke-width: 1; }
        .chart-svg .tick.year { fill: #9ca3af; font-size: 11px; }
        .chart-svg .line { fill: none; stroke-width: 2.25; stroke-linejoin: round; stroke-linecap: round; }
        .chart-svg path.mark { stroke: #fff; stroke-width: 1.25; }
        .chart-svg .row-head { font-size: 13px; fill: var(--ink); }
        .chart-svg .row-head.unassigned { font-style: italic; }
        .chart-svg .col-head { font-size: 12px; font-weight: 600; fill: var(--ink); }
        .chart-svg .cell.empty { fill: #f7f7f8; }
        .chart-svg .cell-value { font-size: 13px; font-weight: 650; fill: var(--ink); }
        .chart-svg .row-total, .chart-svg .col-total, .chart-svg .bar-total, .chart-svg .total { font-weight: 650; fill: var(--ink); }
        .chart-svg .segment-value { font-size: 11px; font-weight: 650; fill: var(--ink); }
        .chart-svg .segment-value.on-dark, .chart-svg .cell-value.on-dark { fill: #fff; }
        .chart-svg .target { stroke: #111827; stroke-width: 2; }
        .chart-svg .bar-value { font-size: 12px; fill: var(--ink); font-variant-numeric: tabular-nums; }
        .chart-svg .bar-value.low { fill: var(--low-ink); font-weight: 650; }
        .chart-svg .bar-value.none { fill: var(--muted); font-style: italic; }

        .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 10px; padding: 0; font-size: 13px; }
        .legend li { display: flex; align-items: center; gap: 6px; }
        .legend .swatch { display: block; }
        .legend .legend-title { color: var(--muted); font-weight: 600; }
        .chip { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 1px solid rgba(0, 0, 0, 0.15); }
        .target-chip { display: inline-block; width: 2px; height: 16px; background: #111827; margin: 0 4px; }
        details.chart-data { margin-top: 6px; font-size: 13px; }
        details.chart-data summary { cursor: pointer; color: var(--accent); font-size: 12px; }
        table.data { border-collapse: collapse; margin-top: 8px; }
        table.data th, table.data td { padding: 3px 12px 3px 0; border-bottom: 1px solid var(--line); text-align: left; font-weight: 400; }
        table.data thead th { font-weight: 600; color: var(--muted); }
        table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
        table.disputes { width: 100%; font-size: 13px; }
        table.disputes td { vertical-align: top; }
        table.disputes td.text { max-width: 28em; overflow-wrap: anywhere; }
        table.disputes .code { color: var(--muted); font-size: 12px; }
        table.disputes .ruling.open { color: var(--ink); }
        .dispute-summary { margin: 4px 0; font-size: 13px; }

        .definitions { margin-top: 22px; padding: 4px 4px 0; color: var(--muted); font-size: 12px; }
        .definitions h2 { font-size: 13px; color: var(--ink); }
        .definitions dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 4px 28px; margin: 6px 0; }
        .definitions dt { display: inline; font-weight: 600; color: var(--ink); }
        .definitions dt::after { content: ": "; }
        .definitions dd { display: inline; margin: 0; }
        .colophon { margin: 10px 0 0; }

        @media print {
          @page { size: A4 landscape; margin: 12mm; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { background: #fff; font-size: 11px; }
          main { max-width: none; padding: 0; }
          .panel { border: 0; border-radius: 0; padding: 0; margin-top: 14px; break-inside: auto; }
          .panel h2, figure.chart, .kpis, .kpi, tr { break-inside: avoid; page-break-inside: avoid; }
          h2, .intro, figcaption, .legend { break-after: avoid; page-break-after: avoid; }
          .kpis { grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 8px; }
          .kpi { border-color: #d1d5db; padding: 8px 10px; }
          .kpi-value { font-size: 20px; }
          .kpi-label { font-size: 11px; }
          .kpi-note, td .sub, .scorecards .code, .status { font-size: 9px; }
          details.chart-data, .sort-hint { display: none; }
          .table-wrap { overflow: visible; }
          table.scorecards { font-size: 10px; }
          .scorecards th, .scorecards td { padding: 4px 4px; }
          table.sortable thead th[aria-sort]::after { content: none; }
        }

        """
}
