# Memory chart of the peers suite: bytes per key (allocated-bytes growth while inserting) per
# workload and structure. Called by bench/report.py:
#   gnuplot -e "out='peers_memory.png'" -e "file='peers_memory.dat'" -e "ncols='9'" bench/peers_memory.gp
# The data file has a header row (workload, then one column per structure; '-' = none) and one
# row per workload. Colours match bench/peers.gp.

if (!exists("out")) out = "peers_memory.png"
if (!exists("file")) { print "peers_memory.gp: set file='<data file>'"; exit }
if (!exists("ncols")) { print "peers_memory.gp: set ncols='<columns>'"; exit }

set terminal pngcairo size 1600, 600 font "DejaVu Sans,11" noenhanced
set output out
set datafile missing "-"
array palette[10] = ["#d62728", "#1f77b4", "#17becf", "#9467bd", "#2ca02c", "#98df8a", \
                     "#bcbd22", "#ff7f0e", "#7f7f7f", "#8c564b"]
gap = 1.5
N = int(ncols) - 1
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.9 border rgb "#404040"
set boxwidth 0.9 relative
set title "path_map and its peers: memory per key (median, lower is better)" font ",14"
set ylabel "bytes per key (allocated-bytes growth while inserting)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set grid ytics lc rgb "#d0d0d0"
set xtics nomirror scale 0
set key outside right top vertical Left reverse samplen 1.5 spacing 1.1 font ",10"
plot for [c = 2:int(ncols)] file using c:xtic(1) title columnheader(c) lc rgb palette[c - 1], \
     for [c = 2:int(ncols)] file skip 1 using ($0 + ((c - 2) - (N - 1) / 2.0) / (N + gap)):c: \
       (sprintf("%.1f", column(c))) with labels rotate by 90 left offset 0, 0.25 font ",8" notitle
