package dev.utrace.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.File;
import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options for tests of utrace bundles, so that an engine's own integration test is
 * one line: {@code options(UtraceOptions.core(), UtraceOptions.machine(), junitBundles(), ...)}.
 * Bundles come as {@code file:} URLs of the build's own jars (system properties
 * {@code bundle.*}, set by this module's pom), so a test run needs no prior install.
 */
public final class UtraceOptions {
    private UtraceOptions() {
    }

    /** Declarative Services and the utrace core (the {@code Utrace} and {@code TraceHooks} services). */
    public static Option core() {
        return composite(
                frameworkProperty("org.osgi.framework.bsnversion").value("multiple"),
                jar("promise"), jar("function"), jar("ds-api"), jar("scr"),
                jar("utrace-api"), jar("utrace-spi"), jar("utrace-impl"));
    }

    /** The simulated machine ({@code Machine}, {@code Processes}, {@code ProcessControl} and {@code DebugSlots} services). */
    public static Option machine() {
        return jar("kernel-sim");
    }

    /**
     * The Linux machine instead of the simulated one: real processes through ptrace (the same
     * services; the test JVM needs ptrace, root or CAP_SYS_PTRACE, and
     * {@code --enable-native-access=ALL-UNNAMED}, which this module's surefire gives).
     */
    public static Option linuxMachine() {
        return jar("kernel-linux");
    }

    /** The Gogo runtime and its built-in commands: the {@code CommandProcessor} service, no console. */
    public static Option shell() {
        return composite(jar("gogo-runtime"), jar("gogo-command"));
    }

    /** The {@code utrace:} shell commands and their table converter (needs {@link #shell()}). */
    public static Option commands() {
        return jar("utrace-shell");
    }

    /**
     * ConfigAdmin and FileInstall watching {@code folder}: jars dropped there are installed and
     * started within about {@code pollMillis}, deleted ones uninstalled; {@code .cfg} files there
     * configure components.
     */
    public static Option hotDeploy(java.nio.file.Path folder, int pollMillis) {
        return composite(
                frameworkProperty("felix.fileinstall.dir").value(folder.toAbsolutePath().toString()),
                frameworkProperty("felix.fileinstall.poll").value(Integer.toString(pollMillis)),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.log.level").value("2"),
                // As bin/run: the files are the truth. With write-back on, FileInstall's late event
                // for one edit could write that configuration over a newer edit of the file.
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
                jar("configadmin"), jar("fileinstall"));
    }

    /**
     * The libraries the engines import, which the distribution starts with the services (Jackson's
     * streaming JSON for {@code passive:export}): give it wherever an engine is installed or deployed.
     */
    public static Option libraries() {
        return jar("jackson-core");
    }

    /** The Felix Log Service (OSGi log), as in the distribution: FileInstall and DS log their failures to it. */
    public static Option osgiLog() {
        return jar("log");
    }

    /**
     * JUnit 4 inside the framework (OSGi-packaged JUnit, Hamcrest and Pax Exam's invoker), from
     * the files Maven resolved; use it instead of {@code junitBundles()}, which fetches them
     * again by itself.
     */
    public static Option junit() {
        return composite(jar("hamcrest"), jar("junit"), jar("junit-invoker"));
    }

    /**
     * Another bundle of the build, for example an engine's own: the jar named by the system
     * property {@code bundle.NAME}, which this module's pom sets
     * ({@code <bundle.NAME>${groupId:artifactId:jar}</bundle.NAME>}, plus a test-scoped dependency).
     */
    public static Option projectBundle(String name) {
        return jar(name);
    }

    private static Option jar(String name) {
        String path = System.getProperty("bundle." + name);
        if (path == null || path.isEmpty() || path.startsWith("${")) {
            throw new IllegalStateException("system property bundle." + name
                    + " is not set; run the tests through Maven (bin/test), which sets it");
        }
        File f = new File(path);
        if (!f.isFile()) {
            throw new IllegalStateException("bundle." + name + " = " + path
                    + " is not a jar; build the module first (bin/test builds everything)");
        }
        return bundle(f.toURI().toString());
    }
}
