package dev.utrace.itests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Fails the test JVM (and so the build) when a test could vanish from Surefire's report instead
 * of failing it. Registered for every test run of this module by
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 *
 * <p>Surefire counts a test only once its own listener has reported how the test ended; when
 * that listener throws, the JUnit Platform launcher just logs it and the test is silently left
 * out ("Tests run: 1" for two tests, no failure). This listener checks, beside Surefire's:
 * <ul>
 * <li>that a failed test's exception can be reported: its text and stack trace, and those of its
 * causes and suppressed ones, can be read (see {@code osgi.PerMethodPortableFailures} for how
 * that went wrong);
 * <li>that a Pax Exam class finished every test it was planned with, and was planned with all its
 * {@code @Test} methods (unless Surefire was told to run only some methods, {@code -Dtest=Class#method}).
 * </ul>
 * A listener's exception would be swallowed in the same way, so on a problem this prints it and
 * exits the JVM with status 1 once all tests ran; Surefire then fails the build ("The forked VM
 * terminated without properly saying goodbye").
 */
public class LostTestGuard implements TestExecutionListener {
    private final List<String> problems = new ArrayList<>();
    private final Map<String, AtomicInteger> finishedTestsByParent = new ConcurrentHashMap<>();
    private volatile TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
            id.getParentId().ifPresent(p -> finishedTestsByParent.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet());
            result.getThrowable().ifPresent(t -> {
                try {
                    readAll(t);
                } catch (Throwable unreadable) {
                    problem(id.getDisplayName() + " failed with an exception that cannot be reported (" + unreadable + ")");
                }
            });
        }
        id.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getJavaClass())
                .filter(LostTestGuard::isPaxExam).ifPresent(c -> {
                    long declared = Arrays.stream(c.getMethods()).filter(m -> m.isAnnotationPresent(org.junit.Test.class)).count();
                    long planned = plan.getChildren(id).stream().filter(TestIdentifier::isTest).count();
                    AtomicInteger finished = finishedTestsByParent.get(id.getUniqueId());
                    int ran = finished == null ? 0 : finished.get();
                    if (ran != planned) problem(c.getName() + " was planned with " + planned + " tests but finished " + ran);
                    if (planned < declared && !System.getProperty("test", "").contains("#")) {
                        problem(c.getName() + " has " + declared + " @Test methods but was planned with " + planned);
                    }
                });
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        synchronized (problems) {
            if (problems.isEmpty()) return;
            System.err.println("LostTestGuard: a test could be missing from the report:");
            problems.forEach(p -> System.err.println("  " + p));
            System.err.flush();
        }
        System.exit(1);
    }

    private void problem(String text) {
        synchronized (problems) {
            problems.add(text);
        }
    }

    private static void readAll(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            c.toString(); // getLocalizedMessage(), as Surefire's report does
            for (StackTraceElement e : c.getStackTrace()) e.toString();
            for (Throwable s : c.getSuppressed()) readAll(s);
        }
    }

    private static boolean isPaxExam(Class<?> c) {
        org.junit.runner.RunWith runWith = c.getAnnotation(org.junit.runner.RunWith.class);
        return runWith != null && runWith.value().getName().equals("org.ops4j.pax.exam.junit.PaxExam");
    }
}
