# Chart of the peers suite: per workload, a panel of clustered bars (phase groups, one bar per
# structure), thread CPU ns per key on a log scale. Called by bench/report.py:
#   gnuplot -e "out='peers.png'" -e "files='a.dat b.dat'" -e "title1='...'" ... bench/peers.gp
# Every data file has the same columns (phase, then one column per structure; '-' = none), so a
# structure keeps its colour in every panel.

if (!exists("out")) out = "peers.png"
if (!exists("files")) { print "peers.gp: set files='<data files>'"; exit }
if (!exists("ncols")) { print "peers.gp: set ncols='<columns per data file>'"; exit }

n = words(files)
cols = n <= 1 ? 1 : 2
rows = (n + cols - 1) / cols

set terminal pngcairo size 1600, 560 * rows font "DejaVu Sans,11" noenhanced
set output out
set datafile missing "-"

# Structure colours (columns 2..9 in bench/report.py's STRUCTURE_ORDER).
array palette[10] = ["#d62728", "#1f77b4", "#17becf", "#9467bd", "#2ca02c", "#98df8a", \
                     "#bcbd22", "#ff7f0e", "#7f7f7f", "#8c564b"]

set style data histograms
gap = 1.5
N = int(ncols) - 1
set style histogram clustered gap 1.5
set style fill solid 0.9 border rgb "#404040"
set boxwidth 0.9 relative
set logscale y 10
set format y "%g"
set grid ytics mytics lc rgb "#d0d0d0" lw 1
set mytics 10
set ylabel "ns per key (CPU, log scale)"
set yrange [1:*]
set bmargin 4
set offsets 0, 0, graph 0.12, 0
set xtics nomirror scale 0
set key outside right top vertical Left reverse samplen 1.5 spacing 1.1 font ",10"

set multiplot layout rows, cols title "path_map and its peers: time per key by phase (median, lower is better)" font ",14"
do for [i = 1:n] {
  f = word(files, i)
  t = exists(sprintf("title%d", i)) ? value(sprintf("title%d", i)) : f
  set title t font ",12"
  # Bars, then each bar's value above it (x of bar k of N in a cluster with gap g:
  # row + (k - (N - 1) / 2) / (N + g)).
  plot for [c = 2:int(ncols)] f using c:xtic(1) title columnheader(c) lc rgb palette[c - 1], \
       for [c = 2:int(ncols)] f skip 1 using ($0 + ((c - 2) - (N - 1) / 2.0) / (N + gap)):c: \
         (column(c) >= 100 ? sprintf("%.0f", column(c)) : sprintf("%.3g", column(c))) \
         with labels rotate by 90 left offset 0, 0.25 font ",8" notitle
}
unset multiplot
