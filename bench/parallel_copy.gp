# Chart of the parallel-copy benchmarks (bench/parallel_copy.bench.cpp, other work): wall (and CPU) time
# against the number of threads, one panel per problem size, one line per benchmark family
# (a family measured at one thread count only is a single point). Called by bench/report.py:
#   gnuplot -e "out='parallel_copy.png'" -e "files='a.dat b.dat'" -e "title1='elements: 65,535'"
#           -e "lines1='6'" ... bench/parallel_copy.gp
# Each data file holds blocks (separated by two blank lines) headed by the family name, with
# `threads milliseconds` lines.

if (!exists("out")) out = "parallel_copy.png"
if (!exists("files")) { print "parallel_copy.gp: set files='<data files>'"; exit }

n = words(files)
cols = n <= 1 ? 1 : 2
rows = (n + cols - 1) / cols

set terminal pngcairo size 1600, 520 * rows font "DejaVu Sans,11" noenhanced
set output out
set xlabel "threads"
set ylabel "ms (log scale)"
set logscale xy 2
set format y "%g"
set grid xtics ytics mxtics mytics lc rgb "#d0d0d0"
set key outside right top vertical Left reverse samplen 2 font ",9"
set pointsize 1.2
set offsets graph 0.05, graph 0.05, 0, 0

set multiplot layout rows, cols title "Parallel copy: time against threads (median, lower is better)" font ",14"
do for [i = 1:n] {
  f = word(files, i)
  set title (exists(sprintf("title%d", i)) ? value(sprintf("title%d", i)) : f) font ",12"
  m = exists(sprintf("lines%d", i)) ? int(value(sprintf("lines%d", i))) : 1
  plot for [j = 0:m - 1] f index j using 1:2 with linespoints lw 2 pt ((j % 13) + 1) \
       dashtype j % 2 + 1 title columnheader(1)
}
unset multiplot
