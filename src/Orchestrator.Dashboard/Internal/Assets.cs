namespace Orchestrator.Dashboard.Internal;

/// <summary>The dashboard's stylesheet and script, served from memory (no build chain).</summary>
internal static class Assets
{
    public const string Css = """
        :root { --fg:#1d2430; --muted:#5b6474; --line:#dde2ea; --bg:#f6f7f9; --card:#fff; --ok:#17803d; --ok-bg:#e5f5ea; --bad:#b42318; --bad-bg:#fdecea; --warn:#9a6700; --warn-bg:#fff4d6; --accent:#1f5fbf; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans KR","Noto Sans CJK SC",sans-serif; color:var(--fg); background:var(--bg); }
        header.top { display:flex; align-items:center; gap:24px; padding:10px 24px; background:#101828; color:#fff; }
        header.top a { color:#d0d5dd; text-decoration:none; } header.top a.active, header.top a:hover { color:#fff; }
        header.top .brand { font-weight:600; color:#fff; } header.top .user { margin-left:auto; color:#98a2b3; display:flex; gap:12px; align-items:center; }
        main { padding:20px 24px; max-width:1400px; }
        h1 { font-size:20px; margin:0 0 16px; } h2 { font-size:16px; margin:0 0 10px; }
        section.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:16px; margin-bottom:16px; overflow-x:auto; }
        .grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(320px,1fr)); gap:16px; }
        table { border-collapse:collapse; width:100%; } th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
        th { font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.02em; } td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
        tfoot td { font-weight:600; }
        .kpi-ok { color:var(--ok); background:var(--ok-bg); } .kpi-bad { color:var(--bad); background:var(--bad-bg); font-weight:600; }
        .badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; background:#eef1f5; }
        .state-Completed { background:var(--ok-bg); color:var(--ok); } .state-Error { background:var(--bad-bg); color:var(--bad); } .state-Retry { background:var(--warn-bg); color:var(--warn); }
        .muted { color:var(--muted); } .small { font-size:12px; } .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
        .notice { padding:10px 14px; border-radius:6px; margin-bottom:16px; background:#eaf2ff; border:1px solid #b6cff5; } .notice.error { background:var(--bad-bg); border-color:#f3b8b2; }
        form.inline { display:inline-flex; gap:6px; align-items:center; margin:0; }
        input, select, button { font:inherit; padding:4px 8px; border:1px solid #c5ccd6; border-radius:4px; background:#fff; }
        button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; } button.secondary { background:#fff; color:var(--accent); }
        form.filters { display:flex; flex-wrap:wrap; gap:10px; align-items:end; } form.filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); }
        .delta-up { color:var(--bad); } .delta-down { color:var(--ok); }
        #live-status { font-size:12px; color:#98a2b3; } #stale { display:none; } #stale.show { display:block; }
        .login { max-width:380px; margin:80px auto; } .login form { display:flex; flex-direction:column; gap:10px; }
        .pager { margin-top:12px; display:flex; gap:12px; }
        """;

    public const string Script = """
        (function () {
          var root = document.querySelector('[data-live-url]');
          if (!root) { return; }
          var url = root.getAttribute('data-live-url');
          var every = parseInt(root.getAttribute('data-live-every'), 10) || 5000;
          var status = document.getElementById('live-status');
          var stale = document.getElementById('stale');
          function apply(data) {
            var seen = {};
            document.querySelectorAll('[data-live]').forEach(function (el) {
              var key = el.getAttribute('data-live');
              seen[key] = true;
              if (Object.prototype.hasOwnProperty.call(data.live, key)) {
                var v = data.live[key];
                if (el.textContent !== v.text) { el.textContent = v.text; }
                if (v.css && el.className !== v.css) { el.className = v.css; }
              }
            });
            var newKeys = Object.keys(data.live).some(function (k) { return !seen[k]; });
            if (stale) { stale.classList.toggle('show', newKeys); }
            if (status) { status.textContent = 'updated ' + new Date().toLocaleTimeString(); }
          }
          function poll() {
            fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
              .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
              .then(apply)
              .catch(function () { if (status) { status.textContent = 'live update failed; retrying'; } })
              .finally(function () { setTimeout(poll, every); });
          }
          setTimeout(poll, every);
        })();
        """;
}
