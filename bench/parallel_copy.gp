# Chart of the parallel-copy benchmark (bench/parallel_copy.bench.cpp, when it exists): wall time
# against the number of threads/workers, one line per benchmark family, log-log. Called by
# bench/report.py with out='<png>', file='<data>' (blocks of "threads ms" lines, each block
# headed by its family name, blocks separated by two blank lines) and n='<number of blocks>'.

if (!exists("out")) out = "parallel_copy.png"
if (!exists("file")) { print "parallel_copy.gp: set file='<data file>'"; exit }
if (!exists("n")) n = "1"

set terminal pngcairo size 1200, 700 font "DejaVu Sans,11" noenhanced
set output out
set title "Parallel copy: time against threads (median; lower is better)" font ",14"
set xlabel "threads / workers"
set ylabel "wall time (ms, log scale)"
set logscale xy 2
set format y "%g"
set grid xtics ytics lc rgb "#d0d0d0"
set key outside right top Left reverse
set pointsize 1.3
plot for [i = 0:int(n) - 1] file index i using 1:2 with linespoints lw 2 title columnheader(1)
