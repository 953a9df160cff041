/// The report's whole style sheet, inlined into every page.
enum Style {
    static let css = """
    :root{--ink:#212529;--muted:#6c757d;--line:#dee2e6;--bg:#f6f7f9;--card:#fff;--pass:#2b8a3e;--fail:#c92a2a;--flaky:#e67700;--accent:#1c64c8}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
    header.top{background:#fff;border-bottom:1px solid var(--line);padding:18px 32px}
    header.top h1{margin:0;font-size:20px;font-weight:600}
    header.top .sub{color:var(--muted);font-size:13px}
    nav.toc{display:flex;gap:16px;flex-wrap:wrap;margin-top:8px;font-size:13px}
    main{max-width:1280px;margin:0 auto;padding:20px 32px 60px}
    section{margin-top:28px}
    h2{font-size:16px;font-weight:600;margin:0 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
    h3{font-size:14px;margin:14px 0 6px}
    a{color:var(--accent);text-decoration:none} a:hover{text-decoration:underline}
    code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
    pre{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;max-height:360px;white-space:pre-wrap;word-break:break-word;margin:6px 0}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:12px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
    .card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
    .card .v{font-size:22px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}
    .card .d{font-size:12px;color:var(--muted)}
    .chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:12px}
    .chip{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1px 10px;font-size:12px;color:var(--muted)}
    .chip b{color:var(--ink);font-weight:500}
    .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:14px}
    figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
    figcaption{font-weight:600;font-size:13px;margin-bottom:4px}
    svg.chart{width:100%;height:auto;display:block;font-family:inherit}
    table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px;font-variant-numeric:tabular-nums}
    th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #edf0f2;vertical-align:top}
    th{background:#f1f3f5;font-weight:600;font-size:12px;color:#495057;position:sticky;top:0}
    th[data-sort]{cursor:pointer;user-select:none} th[data-sort]:after{content:" \\2195";color:#adb5bd}
    tr:hover td{background:#f8f9fb}
    td.num,th.num{text-align:right}
    .tablewrap{max-height:560px;overflow:auto;border-radius:8px}
    .filter{margin:0 0 8px;padding:6px 10px;border:1px solid var(--line);border-radius:6px;width:320px;font:inherit}
    .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
    .b-pass,.b-always,.b-improvement{background:var(--pass)} .b-fail,.b-never,.b-regression{background:var(--fail)}
    .b-flaky,.b-flipped,.b-slower{background:var(--flaky)} .b-unchanged,.b-added,.b-removed{background:#868e96}
    .note{color:var(--muted);font-size:13px;margin:6px 0}
    details.run{background:#fff;border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:0 12px}
    details.run>summary{cursor:pointer;padding:8px 0;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
    details.run[open]>summary{border-bottom:1px solid var(--line);margin-bottom:8px}
    details.run .body{padding-bottom:12px}
    .turn{border-left:3px solid var(--line);padding:4px 10px;margin:6px 0;background:#fafbfc;border-radius:0 6px 6px 0}
    .turn .role{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
    .turn .t{white-space:pre-wrap;word-break:break-word}
    .turn.user{border-color:#1c64c8} .turn.assistant{border-color:#2b8a3e} .turn.supervisor{border-color:#7048e8;background:#f6f3ff}
    .turn.tool,.turn.system{border-color:#adb5bd} .turn.closing{outline:1px dashed #7048e8}
    .closing-tag{color:#7048e8;font-weight:600}
    .wf{display:grid;grid-template-columns:minmax(180px,30%) 1fr 140px;gap:2px 10px;font-size:12.5px;align-items:center}
    .wf .bar{position:relative;height:12px;background:#f1f3f5;border-radius:3px}
    .wf .bar span{position:absolute;top:0;bottom:0;background:var(--accent);border-radius:3px;min-width:2px}
    .wf .err span{background:var(--fail)} .wf .errtext{grid-column:1/-1;color:var(--fail);font-size:12px;padding-left:14px}
    .side{display:grid;grid-template-columns:1fr 1fr;gap:10px}
    .side>div{min-width:0}
    del{background:#ffe3e3;color:#a61e1e;text-decoration:line-through} ins{background:#d3f9d8;color:#1b5e20;text-decoration:none}
    .align .row{display:grid;grid-template-columns:1fr 1fr;gap:10px}
    .align .row.diverge{box-shadow:-4px 0 0 var(--fail)}
    .align .empty{border:1px dashed var(--line);border-radius:6px;color:var(--muted);font-size:12px;padding:6px 10px;margin:6px 0}
    .verdict{background:#fff;border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:8px;padding:10px 14px}
    .delta-up{color:var(--pass)} .delta-down{color:var(--fail)}
    .muted{color:var(--muted)}
    @media (max-width:760px){main{padding:12px}.side,.align .row{grid-template-columns:1fr}.charts{grid-template-columns:1fr}}
    """
}
