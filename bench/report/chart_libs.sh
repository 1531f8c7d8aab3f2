#!/usr/bin/env bash
# Why the HTML report uses uPlot (docs/plots.md): size of the library and time to draw a
# 100k-point scatter plus a 100k-point line, for uPlot, ECharts and plotly.js, in headless
# Chromium (median of 3 page loads each). ECharts and plotly.js are fetched from the npm registry
# into a temporary directory for the measurement only (integrity-checked); uPlot comes from
# install-deps.sh's copy. The time is a fresh headless Chromium opening the page until its
# screenshot (parse, draw), minus an empty page's, median of 5.
# Usage: bench/report/chart_libs.sh [points]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
NPM_DIR=${AIPERF_NPM_DIR:-/usr/local/share/aiperf/npm}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fetch() {  # name version integrity -> $T/name
  curl -fsSL -o "$T/$1.tgz" "https://registry.npmjs.org/$1/-/$1-$2.tgz"
  [ "sha512-$(openssl dgst -sha512 -binary "$T/$1.tgz" | base64 -w0)" = "$3" ] || { echo "$1: integrity mismatch"; exit 1; }
  mkdir -p "$T/$1" && tar -xzf "$T/$1.tgz" -C "$T/$1" --strip-components=1
}
fetch echarts 6.1.0 sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==
fetch plotly.js-dist-min 4.1.2 sha512-VSmS9KVNun16S8qFYYp9LlL/XBby4ueeGqB+K9AqRCVsup8dSpGULap4UyR1f2mz4pV3qjWp1sR5chwLgIKPoQ==
UPLOT=$(ls -d "$NPM_DIR"/uplot-*/dist/uPlot.iife.min.js | head -n 1)

data="var N=$N,xs=new Float64Array(N),ys=new Float64Array(N);for(var i=0;i<N;i++){xs[i]=i;ys[i]=Math.sin(i/500)*50+Math.random()*20;}"
page() {  # name lib-file drawing-code ("" = the library alone)
  { echo "<!DOCTYPE html><html><body><div id=c style='width:1200px;height:400px'></div><script>"
    cat "$2"
    echo "</script><script>$data $3</script></body></html>"
  } >"$T/$1.html"
}
echo "<!DOCTYPE html><html><body>empty</body></html>" >"$T/empty.html"
UPLOT_DRAW="new uPlot({width:1200,height:400,mode:2,series:[{},{stroke:'blue',paths:uPlot.paths.points(),points:{show:true,size:2}},{stroke:'red'}]},[null,[Array.from(xs),Array.from(ys)],[Array.from(xs),Array.from(ys).map(function(v){return v+100})]],document.getElementById('c'));"
ECHARTS_DRAW="var ch=echarts.init(document.getElementById('c'),null,{renderer:'canvas'});var a=[],b=[];for(var i=0;i<N;i++){a.push([xs[i],ys[i]]);b.push([xs[i],ys[i]+100]);}ch.setOption({animation:false,xAxis:{type:'value'},yAxis:{type:'value'},series:[{type:'scatter',symbolSize:2,large:true,data:a},{type:'line',showSymbol:false,sampling:'lttb',data:b}]});"
PLOTLY_DRAW="Plotly.newPlot('c',[{x:xs,y:ys,mode:'markers',type:'scattergl',marker:{size:2}},{x:xs,y:Array.from(ys).map(function(v){return v+100}),mode:'lines',type:'scatter'}],{width:1200,height:400});"
page uplot "$UPLOT" "$UPLOT_DRAW"
page echarts "$T/echarts/dist/echarts.min.js" "$ECHARTS_DRAW"
page plotly "$T/plotly.js-dist-min/plotly.min.js" "$PLOTLY_DRAW"

# Time to open the page in a fresh headless Chromium until its screenshot is taken (load, parse,
# draw), minus the same for an empty page: the cost a reader pays to see the chart.
open_ms() {  # page
  local best=() k
  for k in 1 2 3 4 5; do
    local s e
    s=$(date +%s%N)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$T/p$k$1" --window-size=1280,600 \
      --screenshot="$T/$1.png" "file://$T/$1.html" >/dev/null 2>&1
    e=$(date +%s%N)
    best+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${best[@]}" | sort -n | sed -n 3p
}
base=$(open_ms empty)
printf '%-10s %10s %10s %22s\n' library "min.js kB" "gzip kB" "open+draw ms (median)"
for lib in uplot echarts plotly; do
  case $lib in uplot) f=$UPLOT ;; echarts) f=$T/echarts/dist/echarts.min.js ;; plotly) f=$T/plotly.js-dist-min/plotly.min.js ;; esac
  printf '%-10s %10d %10d %22d\n' "$lib" $(( $(stat -c %s "$f") / 1000 )) $(( $(gzip -9c "$f" | wc -c) / 1000 )) $(( $(open_ms $lib) - base ))
done
echo "(an empty page took $base ms; subtracted)"
