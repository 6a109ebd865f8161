package dev.utrace.itests.osgi;

import java.io.InputStream;
import java.util.List;
import org.ops4j.pax.exam.ExceptionHelper;
import org.ops4j.pax.exam.TestAddress;
import org.ops4j.pax.exam.TestContainer;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.spi.StagedExamReactor;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * Pax Exam's {@link PerMethod} (a fresh framework for each test method), except that a test's
 * failure leaves the framework as an exception of JDK classes only. Use it instead of
 * {@code PerMethod}: {@code @ExamReactorStrategy(PerMethodPortableFailures.class)}.
 *
 * <p>Why: with {@code PerMethod} the framework is stopped as soon as the test method returns,
 * before JUnit reports its result; the failure is then an instance of a class of the
 * framework's JUnit bundle, whose class loader no longer loads anything. {@code ComparisonFailure}
 * (every failed {@code assertEquals} of two strings) loads its message builder lazily, so its
 * {@code getMessage()} then throws {@code NoClassDefFoundError}; Surefire's JUnit Platform listener
 * throws while reporting the failure, the Platform launcher only logs that, and the test is
 * never reported at all: "Tests run: 1" for a class of two tests, no failure, a green build.
 * Here the failure's text is computed while the framework still runs, into an
 * {@link AssertionError} (a failed assertion) or a {@link RuntimeException} (anything else) that
 * names the original class and keeps its stack trace.
 */
public class PerMethodPortableFailures extends PerMethod {
    @Override
    public StagedExamReactor create(List<TestContainer> containers, List<TestProbeBuilder> probes) {
        return super.create(containers.stream().<TestContainer>map(PortableFailures::new).toList(), probes);
    }

    /** The JDK-only copy of {@code t}: its text (class and message), stack trace and suppressed ones. */
    static Throwable portable(Throwable t) {
        Throwable copy = t instanceof AssertionError ? new AssertionError(t.toString()) : new RuntimeException(t.toString());
        copy.setStackTrace(t.getStackTrace());
        for (Throwable s : t.getSuppressed()) copy.addSuppressed(portable(s));
        return copy;
    }

    /** A container whose {@link #call} throws only {@link #portable} failures; all else is delegated. */
    private record PortableFailures(TestContainer container) implements TestContainer {
        @Override
        public void call(TestAddress address) {
            try {
                container.call(address);
            } catch (Throwable t) {
                // The test's own failure is the innermost cause, as Pax Exam's runner reports it.
                Throwable failure = portable(ExceptionHelper.unwind(t));
                if (failure instanceof AssertionError e) throw e;
                throw (RuntimeException) failure;
            }
        }

        @Override public TestContainer start() { container.start(); return this; }
        @Override public TestContainer stop() { container.stop(); return this; }
        @Override public long install(InputStream stream) { return container.install(stream); }
        @Override public long install(String location, InputStream stream) { return container.install(location, stream); }
        @Override public long installProbe(InputStream stream) { return container.installProbe(stream); }
        @Override public void uninstallProbe() { container.uninstallProbe(); }
        /** Pax Exam names the test addresses after this. */
        @Override public String toString() { return container.toString(); }
    }
}
