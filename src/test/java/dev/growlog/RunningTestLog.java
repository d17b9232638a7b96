package dev.growlog;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Names each test on standard error as it starts and ends, so that when a test takes the JVM
 * down (a SIGSEGV or SIGBUS kills it before any report is written) the last line of the
 * class's output file names the test that was running. Registered as a service of the JUnit
 * Platform launcher.
 */
public final class RunningTestLog implements TestExecutionListener {
    @Override
    public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
            System.err.println("[test started] " + test.getLegacyReportingName() + " " + test.getUniqueId());
            System.err.flush();
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (test.isTest()) {
            System.err.println("[test " + result.getStatus().name().toLowerCase(java.util.Locale.ROOT) + "] "
                    + test.getLegacyReportingName());
        }
    }
}
