package dev.utrace.bench.real;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The markdown report of one {@link RealBench} run. */
final class Report {
    private Report() {}

    /** A target of issue 16: {@code row} against {@code reference}, at most {@code limit}. */
    private record Target(Row row, Row reference, double limit) {}

    private static final List<Target> TARGETS = List.of(
            new Target(Row.ONE, Row.STRACE_C, 0.9),
            new Target(Row.ONE, Row.C_FLOOR, 1.15),
            new Target(Row.THREE, Row.STRACE_C, 1.1),
            new Target(Row.SECCOMP, Row.STRACE_SECCOMP, 1.0));

    static String render(RealBench.Options opt, String started, double minutes, List<String> machine, List<String> loads,
            List<Workload> workloads, List<Row> rows, List<RealBench.Run> runs, Map<Row, String> unavailable,
            String rowJvmNote, List<String> startup) {
        StringBuilder b = new StringBuilder();
        b.append("### bin/bench-real, ").append(started).append(String.format(Locale.ROOT, " (%.0f minutes)%n%n", minutes));
        b.append(String.format(Locale.ROOT, "Settings: %d rounds, scale %s, tracer and native tools pinned to CPU %d.%n",
                opt.rounds(), opt.scale(), opt.cpu()));
        if (opt.hogCpu() >= 0) {
            b.append(String.format(Locale.ROOT, "A busy loop (`hog.c`) pinned to CPU %d ran through the rounds (`--hog %d`), not"
                    + " through the start-up runs: the rows on a contended machine.%n", opt.hogCpu(), opt.hogCpu()));
        }
        if (!rowJvmNote.isEmpty()) b.append(rowJvmNote).append('\n');
        b.append("Machine: ").append(String.join("; ", machine)).append(".\n");
        b.append("Load average (1, 5, 15 min): ").append(String.join("; ", loads)).append(".\n\n");
        for (Workload w : workloads) {
            b.append("#### ").append(w.what()).append(String.format(Locale.ROOT, " (about %,d syscalls)%n%n", w.syscalls()));
            b.append("| | median wall | min .. max | vs strace -f -c | vs C floor | overhead per syscall |"
                    + " in-process | alloc per stop (all / tracer thread) |\n");
            b.append("|---|---|---|---|---|---|---|---|\n");
            double untraced = median(walls(runs, w, Row.UNTRACED));
            for (Row row : rows) {
                List<Double> walls = walls(runs, w, row);
                if (unavailable.containsKey(row)) {
                    b.append("| ").append(row.label).append(" | not yet available: ").append(unavailable.get(row))
                            .append(" | | | | | | |\n");
                    continue;
                }
                if (walls.isEmpty()) {
                    b.append("| ").append(row.label).append(" | no successful run | | | | | | |\n");
                    continue;
                }
                double med = median(walls);
                b.append(String.format(Locale.ROOT, "| %s | %.3f s | %.3f .. %.3f | %s | %s | %s | %s | %s |%n", row.label, med,
                        walls.stream().mapToDouble(d -> d).min().orElse(0), walls.stream().mapToDouble(d -> d).max().orElse(0),
                        ratioText(runs, w, row, Row.STRACE_C), ratioText(runs, w, row, Row.C_FLOOR),
                        row == Row.UNTRACED || Double.isNaN(untraced) ? ""
                                : String.format(Locale.ROOT, "%.1f us", (med - untraced) * 1e6 / w.syscalls()),
                        row.mode == null ? "" : String.format(Locale.ROOT, "%.3f s", median(values(runs, w, row, r -> r.num("seconds")))),
                        row.mode == null ? "" : alloc(runs, w, row)));
            }
            b.append('\n');
        }
        b.append("#### Targets (medians of the ratios of each round)\n\n| target | workload | measured | met |\n|---|---|---|---|\n");
        for (Target t : TARGETS) {
            if (!rows.contains(t.row()) || !rows.contains(t.reference())) continue;
            for (Workload w : workloads) {
                String what = t.row().label + " <= " + t.limit() + "x " + t.reference().label;
                if (unavailable.containsKey(t.row())) {
                    b.append("| ").append(what).append(" | ").append(w.name()).append(" | not yet available | - |\n");
                    continue;
                }
                double r = median(ratios(runs, w, t.row(), t.reference()));
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", what, w.name(),
                        Double.isNaN(r) ? "no data" : String.format(Locale.ROOT, "%.2fx", r),
                        Double.isNaN(r) ? "-" : r <= t.limit() ? "yes" : "**no**"));
            }
        }
        for (Workload w : workloads) {
            double a = median(values(runs, w, Row.ONE, r -> r.num("allocPerStop")).stream().filter(d -> d >= 0).toList());
            b.append(String.format(Locale.ROOT, "| 0 bytes allocated per stop, steady state, 1 engine | %s | %s | %s |%n", w.name(),
                    Double.isNaN(a) ? "not measured" : String.format(Locale.ROOT, "%.1f B", a),
                    Double.isNaN(a) ? "-" : a < 1 ? "yes" : "**no**"));
        }
        if (rows.contains(Row.C_FLOOR_INFO) && rows.contains(Row.C_FLOOR)) {
            // No target: what the floor's 1.15x leaves to a tracer that must say which syscall it saw.
            b.append("\n#### The floor that reads the syscall info (no target; medians of the ratios of each round)\n\n"
                    + "| workload | C floor reading the info vs C floor | 1 engine vs C floor reading the info |"
                    + " 3 engines vs C floor reading the info |\n|---|---|---|---|\n");
            for (Workload w : workloads) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", w.name(), ratioText(runs, w, Row.C_FLOOR_INFO, Row.C_FLOOR),
                        rows.contains(Row.ONE) ? ratioText(runs, w, Row.ONE, Row.C_FLOOR_INFO) : "",
                        rows.contains(Row.THREE) ? ratioText(runs, w, Row.THREE, Row.C_FLOOR_INFO) : ""));
            }
        }
        if (!startup.isEmpty()) {
            b.append("\n#### Start to the first traced syscall (medians of ").append(opt.startupRuns())
                    .append(" cold runs; target: at most 150 ms)\n\n| | time |\n|---|---|\n");
            for (String line : startup) b.append(line).append('\n');
        }
        List<String> failures = new ArrayList<>();
        for (RealBench.Run r : runs) {
            if (!r.ok() && !unavailable.containsKey(r.row())) {
                failures.add("round " + (r.round() + 1) + ", " + r.workload().name() + ", " + r.row().label + ": " + r.error());
            }
        }
        if (!failures.isEmpty()) {
            b.append("\n#### Failed runs (left out of the figures)\n\n");
            for (String f : failures) b.append("- ").append(f).append('\n');
        }
        return b.toString();
    }

    private static String alloc(List<RealBench.Run> runs, Workload w, Row row) {
        double all = median(values(runs, w, row, r -> r.num("allocPerStop")).stream().filter(d -> d >= 0).toList());
        double tracer = median(values(runs, w, row, r -> r.num("tracerAllocPerStop")).stream().filter(d -> d >= 0).toList());
        if (Double.isNaN(all)) return "n/a";
        return String.format(Locale.ROOT, "%.1f B / %.1f B", all, tracer);
    }

    private static String ratioText(List<RealBench.Run> runs, Workload w, Row row, Row reference) {
        if (row == reference) return "1";
        double r = median(ratios(runs, w, row, reference));
        return Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.2fx", r);
    }

    /** wall(row) / wall(reference) for each round in which both ran successfully. */
    static List<Double> ratios(List<RealBench.Run> runs, Workload w, Row row, Row reference) {
        List<Double> out = new ArrayList<>();
        for (RealBench.Run a : runs) {
            if (!a.ok() || a.workload() != w || a.row() != row) continue;
            for (RealBench.Run b : runs) {
                if (b.ok() && b.workload() == w && b.row() == reference && b.round() == a.round()) out.add(a.wall() / b.wall());
            }
        }
        return out;
    }

    private static List<Double> walls(List<RealBench.Run> runs, Workload w, Row row) {
        return values(runs, w, row, RealBench.Run::wall);
    }

    private static List<Double> values(List<RealBench.Run> runs, Workload w, Row row, ToDoubleFunction<RealBench.Run> f) {
        return runs.stream().filter(r -> r.ok() && r.workload() == w && r.row() == row).map(f::applyAsDouble)
                .filter(d -> !Double.isNaN(d)).toList();
    }

    static double median(Collection<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        double[] v = values.stream().mapToDouble(d -> d).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
