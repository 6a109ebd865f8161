package dev.utrace.bench.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real-process benchmark of issue 16 (run by {@code bin/bench-real}; see benchmarks/README.md):
 * builds the C workloads and the minimal C tracer with gcc, then in each round runs every
 * workload once in every way ({@link Row}), the order rotated from round to round, native tools
 * and tracer threads pinned to one CPU; then start to first traced syscall. Each of this
 * project's runs is a JVM of its own ({@link ProjectRun}, {@link StartupRun}). Ratios are taken
 * within a round and their median reported. Prints the report (markdown) and writes it under the
 * output folder.
 */
public final class RealBench {
    private static final Pattern KV = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");
    private static final String[] SOURCES = {"getppid", "orc", "storm", "threads", "minitrace", "hog"};

    private final Options opt;
    private final Path bin;
    private final String java;
    private final String jar;
    private final List<Run> runs = new ArrayList<>();
    private final List<String> loads = new ArrayList<>();
    private final EnumSet<Row> unavailable = EnumSet.noneOf(Row.class);
    private final Map<Row, String> unavailableWhy = new HashMap<>();
    /**
     * The JVM options of every JVM of this project here (rows, start-up, training), as {@code bin/run}
     * starts the system: the serial collector (a tracer's heap is small and allocates next to
     * nothing per stop; G1's concurrent threads and regions cost start-up CPU) and no
     * {@code hsperfdata} file. Measured (benchmarks/README.md, "Start-up, 2026-12-04, 14:45"):
     * start to the first traced syscall about 10 ms shorter (0 to 19 in four batches), the same per stop.
     */
    static final List<String> TRACER_JVM = List.of("-XX:+UseSerialGC", "-XX:-UsePerfData");
    /** This project's rows' JVM options: {@link #TRACER_JVM} and the AOT cache trained at the start of the run, if any. */
    private List<String> rowJvmOptions = TRACER_JVM;
    /** How this project's rows ran, for the report. */
    private String rowJvmNote = "";

    /** The command line's settings. */
    record Options(int rounds, double scale, int cpu, List<String> workloads, EnumSet<Row> rows, int startupRuns,
            boolean aot, Path out, int hogCpu) {
        static Options parse(String[] args) {
            int rounds = 3;
            double scale = 1;
            int cpu = 1;
            List<String> workloads = List.of("getppid", "orc", "storm", "threads");
            EnumSet<Row> rows = EnumSet.of(Row.UNTRACED, Row.STRACE_C, Row.STRACE_SECCOMP, Row.C_FLOOR, Row.C_FLOOR_INFO,
                    Row.ONE, Row.THREE, Row.SECCOMP);
            int startup = 10;
            boolean aot = true;
            Path out = Path.of("benchmarks/target/bench-real");
            int hogCpu = -1;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--rounds" -> { rounds = Integer.parseInt(need(a, v)); i++; }
                    case "--scale" -> { scale = Double.parseDouble(need(a, v)); i++; }
                    case "--cpu" -> { cpu = Integer.parseInt(need(a, v)); i++; }
                    case "--workloads" -> { workloads = List.of(need(a, v).split(",")); i++; }
                    case "--startup" -> { startup = Integer.parseInt(need(a, v)); i++; }
                    case "--out" -> { out = Path.of(need(a, v)); i++; }
                    case "--no-aot" -> aot = false;
                    case "--hog" -> {
                        hogCpu = Integer.parseInt(need(a, v));
                        if (hogCpu < 0) throw new IllegalArgumentException("--hog needs a CPU number (0, 1, ...), not " + v);
                        i++;
                    }
                    case "--breakdown" -> rows.addAll(EnumSet.of(Row.TRACER, Row.MACHINE));
                    case "--rows" -> {
                        rows = EnumSet.noneOf(Row.class);
                        for (String r : need(a, v).split(",")) rows.add(Row.valueOf(r.toUpperCase(Locale.ROOT)));
                        i++;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + "; see benchmarks/README.md");
                }
            }
            for (String w : workloads) {
                if (!List.of("getppid", "orc", "storm", "threads").contains(w)) {
                    throw new IllegalArgumentException("unknown workload " + w + "; known: getppid, orc, storm, threads");
                }
            }
            return new Options(rounds, scale, cpu, workloads, rows, startup, aot, out, hogCpu);
        }

        private static String need(String option, String value) {
            if (value == null) throw new IllegalArgumentException(option + " needs a value");
            return value;
        }
    }

    /** One run of one workload in one way. */
    record Run(int round, Workload workload, Row row, double wall, String load, Map<String, String> result,
            String error) {
        boolean ok() {
            return error == null;
        }

        double num(String key) {
            String v = result.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }
    }

    private RealBench(Options opt) throws Exception {
        this.opt = opt;
        Files.createDirectories(opt.out());
        this.bin = opt.out().resolve("bin").toAbsolutePath();
        this.java = ProcessHandle.current().info().command().orElse("java");
        this.jar = Path.of(RealBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    public static void main(String[] args) throws Exception {
        Options opt;
        try {
            opt = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-real: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            new RealBench(opt).run();
        } catch (IllegalStateException e) { // a tool or setting that cannot work here: said without a stack trace
            System.err.println("bench-real: " + e.getMessage());
            System.exit(2);
        }
    }

    private void run() throws Exception {
        for (String tool : List.of("gcc", "strace", "taskset")) {
            if (exec(List.of("sh", "-c", "command -v " + tool)).isEmpty()) {
                System.err.println("bench-real: " + tool + " is not installed; install it (apt-get install " + tool
                        + ") and run again");
                System.exit(2);
            }
        }
        buildNatives();
        Path data = opt.out().resolve("seventeen.txt").toAbsolutePath();
        Files.writeString(data, "seventeen bytes!\n"); // 17 bytes
        List<Workload> workloads = Workload.all(bin, data, opt.scale()).stream()
                .filter(w -> opt.workloads().contains(w.name())).toList();
        List<Row> rows = new ArrayList<>(opt.rows());
        String started = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        long t0 = System.nanoTime();
        trainRowCache(data, rows);
        Process hog = opt.hogCpu() >= 0 ? startHog() : null;
        try {
            rounds(workloads, rows);
        } finally {
            if (hog != null) {
                hog.destroyForcibly(); // our own child, by its handle
                hog.waitFor();
            }
        }
        loads.add("end: " + loadavg());
        List<String> startup = opt.startupRuns() > 0 ? startup() : List.of();
        double minutes = (System.nanoTime() - t0) / 60e9;
        String report = Report.render(opt, started, minutes, machine(), loads, workloads, rows, runs, unavailableWhy,
                rowJvmNote, startup);
        Path file = opt.out().resolve("results-" + started.replace(':', '-') + ".md");
        Files.writeString(file, report);
        System.out.println(report);
        System.err.println("written to " + file);
    }

    private void rounds(List<Workload> workloads, List<Row> rows) throws Exception {
        for (int round = 0; round < opt.rounds(); round++) {
            loads.add("round " + (round + 1) + ": " + loadavg());
            for (Workload w : workloads) {
                for (int k = 0; k < rows.size(); k++) {
                    Row row = rows.get((k + round) % rows.size()); // rotated: no way always runs first
                    if (unavailable.contains(row)) continue;
                    Run r = runOnce(round, w, row);
                    runs.add(r);
                    System.err.printf(Locale.ROOT, "round %d %-8s %-60s %8.3f s  load %s%s%n", round + 1, w.name(), row.label,
                            r.wall(), r.load(), r.ok() ? "" : "  FAILED: " + r.error());
                }
            }
        }
    }

    /** A busy loop pinned to {@code --hog}'s CPU for the rounds: the rows measured on a contended machine. */
    private Process startHog() throws Exception {
        Process hog = new ProcessBuilder("taskset", "-c", Integer.toString(opt.hogCpu()), bin.resolve("hog").toString())
                .redirectErrorStream(true).start();
        if (hog.waitFor(200, TimeUnit.MILLISECONDS)) {
            String output = new String(hog.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IllegalStateException("the hog on CPU " + opt.hogCpu() + " ended at once (exit " + hog.exitValue() + "): "
                    + output + "; give --hog a CPU this machine has (taskset -c accepts it)");
        }
        return hog;
    }

    private Run runOnce(int round, Workload w, Row row) throws Exception {
        List<String> cmd = row.command(w.command(), w.check(), opt.cpu(), java, rowJvmOptions, jar, bin.resolve("minitrace"));
        String load = loadavg();
        Path outFile = opt.out().resolve("last.out");
        Path errFile = opt.out().resolve("last.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            return new Run(round, w, row, Double.NaN, load, Map.of(), "timed out after 60 minutes");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String out = Files.readString(outFile);
        String err = Files.readString(errFile);
        Map<String, String> result = parseResult(out);
        int code = p.exitValue();
        if (row.mode == ProjectRun.Mode.SECCOMP && code == 3) {
            unavailable.add(row);
            unavailableWhy.put(row, result.getOrDefault("unavailable", "not available"));
            return new Run(round, w, row, Double.NaN, load, result, "not yet available");
        }
        if (code != 0) return new Run(round, w, row, wall, load, result, "exit " + code + ": " + tail(err + out));
        if (row == Row.C_FLOOR || row == Row.C_FLOOR_INFO) {
            Matcher m = Pattern.compile("syscall-stops (\\d+)").matcher(err);
            if (!m.find()) return new Run(round, w, row, wall, load, result, "no count from minitrace: " + tail(err));
            long syscallStops = Long.parseLong(m.group(1));
            result.put("stops", Long.toString(syscallStops));
            if (syscallStops < 2 * w.expected()) {
                return new Run(round, w, row, wall, load, result, "only " + syscallStops + " syscall stops");
            }
            if (row == Row.C_FLOOR_INFO) {
                Matcher i = Pattern.compile("info-entries (\\d+) info-exits (\\d+)").matcher(err);
                long read = i.find() ? Long.parseLong(i.group(1)) + Long.parseLong(i.group(2)) : 0;
                // Each syscall stop's info names an entry or an exit; none may be missing.
                if (read != syscallStops) {
                    return new Run(round, w, row, wall, load, result, "read the info of " + read + " of " + syscallStops + " syscall stops");
                }
            }
        }
        if (row.mode != null && result.containsKey("check") && !result.get("check").equals("-1")
                && Long.parseLong(result.get("check")) < w.expected()) {
            return new Run(round, w, row, wall, load, result,
                    "saw " + result.get("check") + " " + w.check() + " calls, expected " + w.expected());
        }
        return new Run(round, w, row, wall, load, result, null);
    }

    /** Start to first traced syscall: this project cold (a new JVM each time) beside strace, the C floor and untraced. */
    private List<String> startup() throws Exception {
        String prog = "/bin/true";
        Path aotCache = opt.out().resolve("startup.aot").toAbsolutePath();
        boolean aot = opt.aot() && train(aotCache, prog);
        List<Double> untraced = new ArrayList<>();
        List<Double> strace = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        Map<String, List<Double>> project = new LinkedHashMap<>();
        Map<String, List<Double>> projectAot = new LinkedHashMap<>();
        String cpu = Integer.toString(opt.cpu());
        for (int i = 0; i < opt.startupRuns(); i++) {
            untraced.add(wall(List.of("taskset", "-c", cpu, prog)));
            strace.add(wall(List.of("taskset", "-c", cpu, "strace", "-f", "-o", "/dev/null", prog)));
            floor.add(wall(List.of("taskset", "-c", cpu, bin.resolve("minitrace").toString(), prog)));
            coldStart(List.of(), prog, project);
            if (aot) coldStart(List.of("-XX:AOTCache=" + aotCache), prog, projectAot);
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "| untraced `%s` (whole command) | %.1f ms |", prog, 1e3 * Report.median(untraced)));
        lines.add(String.format(Locale.ROOT, "| `strace -f -o /dev/null %s` (whole command) | %.1f ms |", prog,
                1e3 * Report.median(strace)));
        lines.add(String.format(Locale.ROOT, "| minimal C tracer `%s` (whole command) | %.1f ms |", prog, 1e3 * Report.median(floor)));
        addStartup(lines, "this project", project);
        if (aot) addStartup(lines, "this project, `-XX:AOTCache` (trained on the same run)", projectAot);
        else lines.add("| this project with an AOT cache | not measured (" + (opt.aot() ? "training failed" : "--no-aot") + ") |");
        return lines;
    }

    private static void addStartup(List<String> lines, String who, Map<String, List<Double>> m) {
        for (Map.Entry<String, List<Double>> e : m.entrySet()) {
            lines.add(String.format(Locale.ROOT, "| %s: %s | %.1f ms |", who, e.getKey(), Report.median(e.getValue())));
        }
    }

    private void coldStart(List<String> jvmOptions, String prog, Map<String, List<Double>> into) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(TRACER_JVM);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", jar, StartupRun.class.getName(), Integer.toString(opt.cpu()), "5", prog));
        Path outFile = opt.out().resolve("startup.out");
        Path errFile = opt.out().resolve("startup.err");
        long launched = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("StartupRun failed: " + tail(Files.readString(errFile)));
        }
        Map<String, String> r = parseResult(Files.readString(outFile));
        double main = Long.parseLong(r.get("main")) - launched;
        double machine = Long.parseLong(r.get("machine")) - launched;
        double core = Long.parseLong(r.get("core")) - launched;
        double ready = Long.parseLong(r.get("ready")) - launched;
        double spawn = Long.parseLong(r.get("spawnCalled")) - launched;
        double first = Long.parseLong(r.get("first")) - launched;
        into.computeIfAbsent("JVM launch to first traced syscall", k -> new ArrayList<>()).add(first / 1e6);
        into.computeIfAbsent("of which JVM launch to main", k -> new ArrayList<>()).add(main / 1e6);
        into.computeIfAbsent("of which main to the machine made (tracer thread, doorbell, first downcalls)", k -> new ArrayList<>())
                .add((machine - main) / 1e6);
        into.computeIfAbsent("of which the core made and bound", k -> new ArrayList<>()).add((core - machine) / 1e6);
        into.computeIfAbsent("of which the passive tracer made", k -> new ArrayList<>()).add((ready - core) / 1e6);
        into.computeIfAbsent("of which spawn called to first syscall reported (first spawn)", k -> new ArrayList<>())
                .add((first - spawn) / 1e6);
        double spawned = Long.parseLong(r.get("spawned")) - launched;
        double traced = Long.parseLong(r.get("traced")) - launched;
        into.computeIfAbsent("... of which spawn called to the program held at its start", k -> new ArrayList<>())
                .add((spawned - spawn) / 1e6);
        into.computeIfAbsent("... of which the two engines attached and the program let go", k -> new ArrayList<>())
                .add((traced - spawned) / 1e6);
        into.computeIfAbsent("... of which let go to its first syscall reported", k -> new ArrayList<>())
                .add((first - traced) / 1e6);
        into.computeIfAbsent("spawn called to first syscall reported, warm (5 more spawns in the same JVM, median)",
                k -> new ArrayList<>()).add(Long.parseLong(r.get("warmMedianNs")) / 1e6);
    }

    /** Trains the JDK's AOT cache (JEP 514) on one StartupRun; false if this JVM cannot. */
    private boolean train(Path cache, String prog) throws Exception {
        return train(cache, List.of(StartupRun.class.getName(), Integer.toString(opt.cpu()), "5", prog), "aot-train.log");
    }

    /**
     * Unless {@code --no-aot}: trains an AOT cache for this project's rows on one short run of
     * the three-engine mode (the most classes: machine, core, the three engines) on open/read/close,
     * and has every row's JVM use it. Each run of the benchmark trains anew, so a cache never
     * outlives the jar it was made from; if training fails the rows run without one.
     */
    private void trainRowCache(Path data, List<Row> rows) throws Exception {
        if (rows.stream().noneMatch(r -> r.mode != null)) return;
        if (!opt.aot()) {
            rowJvmNote = "This project's JVMs ran without an AOT cache (`--no-aot`), with `" + String.join(" ", TRACER_JVM) + "`.";
            return;
        }
        Path cache = opt.out().resolve("rows.aot").toAbsolutePath();
        Workload orc = Workload.all(bin, data, 0.02).stream().filter(w -> w.name().equals("orc")).findFirst().orElseThrow();
        List<String> args = new ArrayList<>(List.of(ProjectRun.class.getName(), "three", Integer.toString(opt.cpu()), orc.check()));
        args.addAll(orc.command());
        if (train(cache, args, "aot-train-rows.log")) {
            rowJvmOptions = new ArrayList<>(TRACER_JVM);
            rowJvmOptions.add("-XX:AOTCache=" + cache);
            rowJvmNote = "This project's JVMs ran with an AOT cache (`-XX:AOTCache`, JEP 514) trained at the start of the run"
                    + " on one three-engine run of open/read/close x " + orc.expected() + "; `--no-aot`: without.";
        } else {
            rowJvmNote = "This project's JVMs ran without an AOT cache: training it failed (see "
                    + opt.out().resolve("aot-train-rows.log") + ").";
        }
        rowJvmNote += " Every JVM of this project here (rows, start-up, training) ran with `" + String.join(" ", TRACER_JVM)
                + "`, as `bin/run` starts the system.";
        System.err.println("bench-real: " + rowJvmNote);
    }

    /** Trains {@code cache} on one run of {@code mainAndArgs}; false if this JVM cannot (the log says why). */
    private boolean train(Path cache, List<String> mainAndArgs, String log) throws Exception {
        Files.deleteIfExists(cache);
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(TRACER_JVM); // a cache is used only with the options it was trained with
        cmd.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-cp", jar));
        cmd.addAll(mainAndArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(opt.out().resolve(log).toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            return false;
        }
        return p.exitValue() == 0 && Files.exists(cache);
    }

    private double wall(List<String> cmd) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("failed: " + cmd);
        return (System.nanoTime() - start) / 1e9;
    }

    private void buildNatives() throws Exception {
        Files.createDirectories(bin);
        for (String name : SOURCES) {
            Path src = bin.resolve(name + ".c");
            try (InputStream in = RealBench.class.getResourceAsStream(name + ".c")) {
                Files.write(src, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", bin.resolve(name).toString(), src.toString()));
            if (name.equals("threads")) cmd.add("-pthread");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("gcc failed on " + name + ".c:\n" + output);
        }
    }

    private List<String> machine() throws Exception {
        List<String> m = new ArrayList<>();
        m.add("kernel " + first(exec(List.of("uname", "-r"))) + ", " + first(exec(List.of("nproc"))) + " CPUs ("
                + first(exec(List.of("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"))).strip() + ")");
        m.add("Java " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.add(first(exec(List.of("strace", "-V"))) + "; " + first(exec(List.of("gcc", "--version"))));
        return m;
    }

    static Map<String, String> parseResult(String out) {
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            if (!line.startsWith("RESULT ")) continue;
            Matcher k = KV.matcher(line.substring(7));
            while (k.find()) m.put(k.group(1), k.group(2).replace("\"", ""));
        }
        return m;
    }

    private static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return String.join(" ", Arrays.copyOf(f, 3));
        } catch (IOException e) {
            return "?";
        }
    }

    private static List<String> exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.isBlank() ? List.of() : List.of(out.split("\n"));
    }

    private static String first(List<String> lines) {
        return lines.isEmpty() ? "?" : lines.get(0);
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 400 ? "..." + t.substring(t.length() - 400) : t;
    }
}
